"""Build the EV-battery example supply map (JSON and CSV templates) from ``../shared/data``.

Run from the repository root::

    .venv/bin/python tools/bundle_network.py [--shared ../shared/data]

The firms and facilities are illustrative. Every country share is computed here from a real public
figure, and each edge's ``note`` names it:

* cells (HS 850760): US imports for consumption by partner, 2024 (US Census, via
  tradewartracker/trade-war-redux-2025); EU27 less Slovakia, which the table also lists on its own;
* lithium chemicals (HS 283691 + 282520), unwrought nickel (750210), cobalt (810520 + 282200),
  artificial graphite for anodes (380110): the same US import table, 2024;
* mining (lithium, nickel, cobalt, natural graphite): USGS Mineral Commodity Summaries 2026, world
  mine production by country, 2024 column. Withheld (``W``), zero (``—``) and blank entries are left
  out; "Other countries" becomes a source node of unknown country.

Two splits between *different* inputs are not in the shared data and are stated assumptions, not
figures: a cell's purchased inputs are half cathode and half anode material, and a cathode plant's
are a third each lithium, nickel and cobalt material. Partners below a small threshold are left
unmapped, so their share shows up as "unknown". Nothing else is added.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "supplyscope" / "network" / "examples"
PROV = ROOT / "src" / "supplyscope" / "data" / "bundled" / "network" / "PROVENANCE.md"

US_TABLE = "trade/us_imports_hs10_by_partner_2024.parquet"
USGS_TABLE = "minerals/usgs_mcs2026_world_production_reserves.csv"
CENSUS = "US Census imports for consumption 2024 (tradewartracker/trade-war-redux-2025@726c5958)"
USGS = "USGS Mineral Commodity Summaries 2026, world mine production 2024"
ASSUMPTION = "assumption, not data: equal split between different inputs"

# USGS country names that differ from the Growth Lab location names
USGS_NAMES = {
    "Congo (Kinshasa)": "COD",
    "Korea, North": "PRK",
    "Korea, Republic of": "KOR",
    "Turkey": "TUR",
    "United States": "USA",
}

PRODUCTS = {
    "850760": "Lithium-ion accumulators (cells and batteries)",
    "382499": "Cathode active material (HTS 3824.99.39.10: lithium nickel cobalt manganese oxides)",
    "380110": "Anode active material (artificial graphite; HTS 3801.10.50.10 surface-modified spherical graphite)",
    "283691": "Lithium carbonate (and lithium hydroxide, HS 282520)",
    "750210": "Nickel, unwrought, not alloyed",
    "810520": "Cobalt mattes, intermediate products, unwrought cobalt and powders (and oxides, HS 282200)",
    "253090": "Lithium ores and concentrates (spodumene; in HS 253090, mineral substances n.e.c.)",
    "260400": "Nickel ores and concentrates",
    "260500": "Cobalt ores and concentrates",
    "250410": "Natural graphite, in powder or flakes",
}


def us_partner_shares(shared: Path, hs6: list[str], threshold: float) -> tuple[list[tuple[str, float, float]], float]:
    """(partner, share, value) for partners at or above ``threshold``, and the total (USD)."""
    t = pd.read_parquet(shared / US_TABLE, columns=["partner_iso3", "hs6", "imports_for_consumption_usd"])
    t = t[t["hs6"].isin(hs6)].groupby("partner_iso3")["imports_for_consumption_usd"].sum()
    if "EU27" in t.index and "SVK" in t.index:
        t["EU27"] -= t["SVK"]
    total = float(t.sum())
    shares = (t / total).sort_values(ascending=False)
    kept = [(str(p), float(s), float(t[p])) for p, s in shares.items() if s >= threshold]
    return kept, total


def _number(raw: str) -> float | None:
    raw = str(raw).strip()
    if not re.fullmatch(r"[\d,]+(\.\d+)?", raw):
        return None  # W (withheld), — (zero), NA, >x (lower bound), ( ) (in the world total)
    return float(raw.replace(",", ""))


Shares = list[tuple[str, float, float]]


def usgs_mine_shares(shared: Path, commodity: str, names: dict[str, str]) -> tuple[Shares, float, list[str]]:
    """(ISO3 or "" for Other countries, share of the world total, tonnes) for 2024, and skipped rows."""
    u = pd.read_csv(shared / USGS_TABLE, dtype=str, keep_default_na=False)
    u = u[(u["commodity"] == commodity) & (u["table_label"] == "World Mine Production and Reserves")]
    out, skipped = [], []
    for country, raw in zip(u["country"], u["production_prev_raw"], strict=True):
        if country.startswith("World total"):
            continue
        value = _number(raw)
        if value is None or value == 0:
            skipped.append(f"{country} ({raw})")
            continue
        iso = "" if country == "Other countries" else names[country]
        out.append((iso, value, value))
    # shares of the sum of the country rows: the published world total is rounded
    listed = sum(v for _, _, v in out)
    return [(iso, v / listed, t) for iso, v, t in out], listed, skipped


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper() or "UNKNOWN"


def build(shared: Path) -> dict[str, object]:
    loc = pd.read_parquet(ROOT / "src/supplyscope/data/bundled/countries/locations.parquet")
    names = dict(zip(loc["name_short_en"], loc["iso3_code"], strict=True)) | USGS_NAMES
    nodes: list[dict[str, object]] = []
    edges: list[dict[str, object]] = []

    def node(nid: str, name: str, kind: str, country: str, note: str = "", owner: str = "") -> str:
        nodes.append(
            {
                "id": nid,
                "name": name,
                "kind": kind,
                "country": country,
                "region": "",
                "owner": owner,
                "address": "",
                "note": note,
            }
        )
        return nid

    def edge(supplier: str, buyer: str, hs: str, share: float, note: str) -> None:
        edges.append({"supplier": supplier, "buyer": buyer, "hs": hs, "share": round(share, 9), "note": note})

    pack = node(
        "PACK_USA",
        "Illustrative EV battery-pack plant (not a real firm)",
        "facility",
        "USA",
        "final product; its non-cell inputs (BMS, housing, wiring) are not mapped",
        owner="Illustrative EV maker (not a real firm)",
    )

    # mines first (shared by every refiner)
    mines: dict[str, list[tuple[str, float]]] = {}
    skipped_all: dict[str, list[str]] = {}
    for commodity, hs, label in (
        ("lithium", "253090", "lithium"),
        ("nickel", "260400", "nickel"),
        ("cobalt", "260500", "cobalt"),
        ("graphite (natural)", "250410", "graphite"),
    ):
        rows, world, skipped = usgs_mine_shares(shared, commodity, names)
        skipped_all[commodity] = skipped
        mines[label] = []
        for iso, share, tonnes in rows:
            nid = node(
                f"MINE_{label.upper()}_{iso or 'OTHER'}",
                f"Illustrative {label} mines, {iso or 'other countries'}",
                "source",
                iso,
                f"{USGS}: {tonnes:,.0f} t of {world:,.0f} t, the sum of the country rows ({commodity})",
            )
            mines[label].append((nid, share))
        mines[label + "_hs"] = [(hs, 0.0)]

    def buy_from_mines(buyer: str, label: str) -> None:
        hs = mines[label + "_hs"][0][0]
        for nid, share in mines[label]:
            edge(nid, buyer, hs, share, f"{USGS} share of world output ({label})")

    # refined materials: countries by US 2024 imports
    refiners: dict[str, list[tuple[str, float]]] = {}
    for label, hs_lines, hs, threshold in (
        ("lithium", ["283691", "282520"], "283691", 0.03),
        ("nickel", ["750210"], "750210", 0.03),
        ("cobalt", ["810520", "282200"], "810520", 0.03),
    ):
        kept, total = us_partner_shares(shared, hs_lines, threshold)
        refiners[label] = []
        for iso, share, value in kept:
            nid = node(
                f"REFINE_{label.upper()}_{iso}",
                f"Illustrative {label} refinery, {iso}",
                "facility",
                iso,
                f"{CENSUS}, HS {'+'.join(hs_lines)}: ${value / 1e6:,.1f} M of ${total / 1e6:,.1f} M",
            )
            refiners[label].append((nid, share))
            buy_from_mines(nid, label)
        refiners[label + "_hs"] = [(hs, 0.0)]

    anodes, anode_total = us_partner_shares(shared, ["380110"], 0.03)
    anode_nodes = []
    for iso, share, value in anodes:
        nid = node(
            f"ANODE_{iso}",
            f"Illustrative anode-material plant, {iso}",
            "facility",
            iso,
            f"{CENSUS}, HS 380110: ${value / 1e6:,.1f} M of ${anode_total / 1e6:,.1f} M",
        )
        anode_nodes.append((nid, share))
        buy_from_mines(nid, "graphite")

    cells, cell_total = us_partner_shares(shared, ["850760"], 0.01)
    for iso, share, value in cells:
        cell = node(
            f"CELL_{iso}",
            f"Illustrative lithium-ion cell plant, {iso}",
            "facility",
            iso,
            f"{CENSUS}, HS 850760: ${value / 1e6:,.1f} M of ${cell_total / 1e6:,.1f} M",
        )
        edge(cell, pack, "850760", share, f"{CENSUS}: partner share of HS 850760")
        cathode = node(
            f"CATHODE_FOR_{iso}",
            f"Cathode-material supplier of the {iso} cell plant (country not mapped)",
            "facility",
            "",
            "no public figure in the shared data gives cathode output by country",
        )
        edge(cathode, cell, "382499", 0.5, ASSUMPTION + " (cathode 1/2, anode 1/2)")
        for nid, s in anode_nodes:
            edge(nid, cell, "380110", 0.5 * s, f"{ASSUMPTION} (anode 1/2) x {CENSUS} share of HS 380110")
        for label in ("lithium", "nickel", "cobalt"):
            hs = refiners[label + "_hs"][0][0]
            for nid, s in refiners[label]:
                edge(nid, cathode, hs, s / 3, f"{ASSUMPTION} (1/3 {label}) x {CENSUS} share")
    return {
        "name": "EV battery pack supply map (illustrative firms, real country shares)",
        "note": "Firms and facilities are illustrative, not real companies. Country shares: "
        + CENSUS
        + "; "
        + USGS
        + ". Splits between different inputs are stated assumptions. Built by tools/bundle_network.py.",
        "final": pack,
        "final_product": "850760",
        "products": [{"hs": k, "description": v} for k, v in PRODUCTS.items()],
        "nodes": nodes,
        "edges": edges,
        "_skipped": skipped_all,
    }


def write(doc: dict[str, object]) -> dict[str, int]:
    skipped = doc.pop("_skipped")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ev_battery.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    folder = OUT / "ev_battery_csv"
    folder.mkdir(exist_ok=True)
    counts = {}
    for table, cols in (
        ("nodes", ["id", "name", "kind", "country", "region", "owner", "address", "note"]),
        ("products", ["hs", "description"]),
        ("edges", ["supplier", "buyer", "hs", "share", "note"]),
    ):
        rows = doc[table]
        assert isinstance(rows, list)
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        counts[table] = len(rows)
    with (folder / "meta.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["key", "value"])
        for key in ("name", "note", "final", "final_product"):
            w.writerow([key, doc[key]])
    doc["_skipped"] = skipped
    return counts


def provenance(shared: Path, counts: dict[str, int], skipped: dict[str, list[str]]) -> None:
    def sha(p: Path) -> str:
        return hashlib.sha256(p.read_bytes()).hexdigest()[:16]

    lines = [
        "# Bundled data: network (EV-battery example supply map)",
        "",
        "Files live in `src/supplyscope/network/examples/`; rebuilt by `tools/bundle_network.py` from "
        "`../shared/data`.",
        "Firms and facilities are **illustrative** (not real companies). Country shares are computed from:",
        "",
        f"- `{US_TABLE}` (sha256 {sha(shared / US_TABLE)}…): US Census imports for consumption, calendar 2024, "
        "via tradewartracker/trade-war-redux-2025@726c5958e1e43eb08ac076a1e602ae3149164b03; MIT / public domain. "
        "EU27 less SVK (SVK is listed on its own and inside EU27).",
        f"- `{USGS_TABLE}` (sha256 {sha(shared / USGS_TABLE)}…): USGS Mineral Commodity Summaries 2026, world mine "
        "production by country, 2024 column (`production_prev_raw`); public domain. Shares are of the sum of the "
        "country rows (the published world total is rounded).",
        "",
        "Assumptions (not data): a cell's inputs are split 1/2 cathode, 1/2 anode material; a cathode plant's 1/3 each "
        "lithium, nickel and cobalt material. Partners under 1% (cells) or 3% (refined materials, anode material) are "
        "not mapped and show as unknown.",
        "",
        "USGS rows left out (withheld `W`, zero `—`, or not a number):",
        "",
    ]
    lines += [f"- {c}: {', '.join(s) if s else 'none'}" for c, s in skipped.items()]
    lines += [
        "",
        "| file | rows |",
        "|---|---|",
        f"| `ev_battery.json` | {counts['nodes']} nodes, {counts['products']} products, {counts['edges']} edges |",
    ]
    lines += [f"| `ev_battery_csv/{t}.csv` | {n} |" for t, n in counts.items()]
    lines += ["| `ev_battery_csv/meta.csv` | 4 |", ""]
    PROV.parent.mkdir(parents=True, exist_ok=True)
    PROV.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    doc = build(args.shared)
    counts = write(doc)
    skipped = doc["_skipped"]
    assert isinstance(skipped, dict)
    provenance(args.shared, counts, skipped)
    print(f"wrote {OUT} ({counts}) and {PROV}")


if __name__ == "__main__":
    main()
