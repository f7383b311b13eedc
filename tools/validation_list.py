"""The validation list of docs/validation.md: products named in public US supply-chain reviews.

Each entry is (HS6, product, review). The reviews (full citations in docs/validation.md):

* ``100day``: The White House (2021), *Building Resilient Supply Chains, Revitalizing American
  Manufacturing, and Fostering Broad-Based Growth: 100-Day Reviews under Executive Order 14017*, June 2021
  (semiconductors and advanced packaging; large-capacity batteries; critical minerals and materials;
  pharmaceuticals and active pharmaceutical ingredients);
* ``doe2022``: US Department of Energy (2022), *America's Strategy to Secure the Supply Chain for a Robust
  Clean Energy Transition* and its deep-dive assessments, February 2022 (solar PV, rare-earth magnets,
  electric grid / transformers and electrical steel, platinum-group metal catalysts, semiconductors and
  power electronics);
* ``doc2022``: US Department of Commerce (2022), *Assessment of the Critical Supply Chains Supporting the
  U.S. Information and Communications Technology Industry*, February 2022.

The HS6 codes are this project's reading of the products the reviews name (the reviews name products,
not tariff codes). The list was compiled and the scoring method frozen before the percentiles below were
computed; no weight or threshold was changed after.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

VALIDATION: tuple[tuple[str, str, str], ...] = (
    ("854231", "Processors and controllers (integrated circuits)", "100day"),
    ("854232", "Memories (integrated circuits)", "100day"),
    ("854239", "Other integrated circuits", "100day"),
    ("848620", "Machines for making semiconductor devices or integrated circuits", "100day"),
    ("381800", "Chemical elements doped for electronics (wafers)", "100day"),
    ("850760", "Lithium-ion batteries", "100day"),
    ("283691", "Lithium carbonate", "100day"),
    ("282520", "Lithium hydroxide", "100day"),
    ("282200", "Cobalt oxides and hydroxides", "100day"),
    ("250410", "Natural graphite, powder or flakes", "100day"),
    ("380110", "Artificial graphite", "100day"),
    ("280530", "Rare-earth metals", "100day"),
    ("284690", "Rare-earth compounds", "100day"),
    ("294110", "Penicillins (antibiotic APIs)", "100day"),
    ("294190", "Other antibiotics (APIs)", "100day"),
    ("850511", "Permanent magnets of metal (NdFeB)", "doe2022"),
    ("280461", "Silicon, >= 99.99% (polysilicon)", "doe2022"),
    ("854142", "Photovoltaic cells, not in modules", "doe2022"),
    ("854143", "Photovoltaic cells assembled in modules", "doe2022"),
    ("722511", "Grain-oriented electrical steel", "doe2022"),
    ("850423", "Large power transformers (> 10,000 kVA)", "doe2022"),
    ("711011", "Platinum, unwrought or powder", "doe2022"),
    ("711021", "Palladium, unwrought or powder", "doe2022"),
    ("284920", "Silicon carbide", "doe2022"),
    ("853400", "Printed circuit boards", "doc2022"),
)


def percentiles(db: Path | str | None = None) -> tuple[list[dict[str, object]], int]:
    """Each listed product's rank and percentile (rank / N) in the default assessment, and N."""
    from supplyscope import api

    result, ctx = api.assessment(db=db)
    ctx.warehouse.close()
    rows: list[dict[str, object]] = []
    for hs6, product, review in VALIDATION:
        rank = int(result.rank[hs6]) if hs6 in result.rank.index else None
        rows.append(
            {
                "hs6": hs6,
                "product": product,
                "review": review,
                "rank": rank,
                "percentile": None if rank is None else rank / result.count,
            }
        )
    return rows, result.count


def render_table(db: Path | str | None = None) -> str:
    """Markdown: one row per listed product, then the median percentile overall and per review."""
    rows, n = percentiles(db)
    out = [
        f"Ranked universe: {n:,} products (USA 2024, imports of at least $1 M). Percentile = rank / {n:,} "
        "(lower = higher risk).",
        "",
        "| HS6 | product | review | rank | percentile |",
        "|---|---|---|---:|---:|",
    ]
    for r in rows:
        pct = "not ranked" if r["percentile"] is None else f"{float(str(r['percentile'])) * 100:.1f}%"
        out.append(f"| {r['hs6']} | {r['product']} | {r['review']} | {r['rank'] or '–'} | {pct} |")
    out.append("")
    groups = {"all": rows, **{k: [r for r in rows if r["review"] == k] for k in ("100day", "doe2022", "doc2022")}}
    out += ["| subset | products | median percentile | in top 15% |", "|---|---:|---:|---:|"]
    for name, sub in groups.items():
        p = [float(str(r["percentile"])) for r in sub if r["percentile"] is not None]
        med = f"{np.median(p) * 100:.1f}%" if p else "–"
        out.append(f"| {name} | {len(sub)} | {med} | {sum(x <= 0.15 for x in p)} |")
    return "\n".join(out) + "\n"


def render_checks(db: Path | str | None = None) -> str:
    """Markdown: consumer textiles in the top 50, and world concern shares of rare-earth metals by stage."""
    from supplyscope import api

    result, ctx = api.assessment(db=db)
    try:
        top50 = list(result.order()[:50])
        textiles = [c for c in top50 if 50 <= int(c[:2]) <= 63]
        prod = ctx.warehouse.query(
            "SELECT stage, year, country, amount, source FROM production WHERE commodity = 'rare-earths' "
            "AND amount IS NOT NULL"
        )
        concern = set(
            ctx.warehouse.query("SELECT iso3 FROM country_groups WHERE group_name = 'concern'")["iso3"].tolist()
        )
    finally:
        ctx.warehouse.close()
    rec = result.record("280530")
    wcs = rec["indicators"]["world_concern_share"]
    out = [
        f"* Consumer textiles (HS chapters 50–63) in the top 50: **{len(textiles)}**"
        + (f" ({', '.join(textiles)})." if textiles else "."),
        f"* 280530 rare-earth metals: world concern share **{wcs['value']:.3f}**, basis: {wcs['basis']}.",
    ]
    for (stage, year), g in prod.groupby(["stage", "year"]):
        world = g.loc[g["country"] == "WORLD", "amount"]
        if world.empty:
            continue
        chn = float(g.loc[g["country"] == "CHN", "amount"].sum()) / float(world.iloc[0])
        cs = float(g.loc[g["country"].isin(concern), "amount"].sum()) / float(world.iloc[0])
        src = "; ".join(sorted(set(g["source"])))
        out.append(f"  * {stage} {year} ({src}): PRC share {chn:.3f}, countries of concern {cs:.3f}")
    return "\n".join(out) + "\n"


def render_audit() -> str:
    """Markdown: the HS→ICIO audit, counted by rule and by chapter, with examples."""
    from supplyscope.codes.concordance import icio_audit

    audit = icio_audit()
    out = [
        f"{len(audit):,} (HS6, ICIO sector) pairs dropped from {audit['hs6'].nunique():,} products; every product "
        "keeps at least one sector.",
        "",
        "| rule | pairs dropped | example codes |",
        "|---|---:|---|",
    ]
    for reason, g in audit.groupby("reason", sort=False):
        ex = ", ".join(f"{h} ({d}→{k})" for h, d, k in g[["hs6", "dropped", "kept"]].head(4).itertuples(index=False))
        out.append(f"| {reason} | {len(g):,} | {ex} |")
    by_ch = audit.groupby("chapter").size()
    out += ["", "By HS chapter: " + ", ".join(f"{c}: {n}" for c, n in by_ch.items()) + "."]
    return "\n".join(out) + "\n"
