"""Rebuild the foundation's bundled data from ``../shared/data`` and write PROVENANCE.md.

Run from the repository root::

    python tools/build_bundle.py [--shared ../shared/data]

Every output is a lossless re-encoding (Parquet, zstd) of a real public file, or a documented
subset of one. No value is invented. Other areas (screening, origin, minerals) have their own
``tools/bundle_<area>.py`` and their own section file under ``bundled/<area>/PROVENANCE.md``.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "src" / "supplyscope" / "data" / "bundled"


@dataclass
class Entry:
    path: str
    source: str
    version: str
    licence: str
    rows: int
    note: str


def write_parquet(df: pd.DataFrame, rel: str) -> int:
    out = BUNDLE / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, out, compression="zstd", compression_level=9)
    return len(df)


def read_str_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def build(shared: Path) -> list[Entry]:
    entries: list[Entry] = []

    # --- trade -------------------------------------------------------------------------
    t = pd.read_parquet(shared / "trade/us_imports_hs10_by_partner_2024.parquet")
    n = write_parquet(t, "trade/us_imports_hs10_by_partner_2024.parquet")
    entries.append(
        Entry(
            "trade/us_imports_hs10_by_partner_2024.parquet",
            "US Census Bureau International Trade API (intltrade/imports/hs), via "
            "tradewartracker/trade-war-redux-2025@726c5958e1e43eb08ac076a1e602ae3149164b03 "
            "data/2024-hs10-imports*.parquet",
            "calendar year 2024 (December 2024 year-to-date), imports for consumption and calculated duty",
            "Census data public domain; repository MIT",
            n,
            "HTS10 x 51 partners (50 largest + EU27 aggregate, Census code 0003), ~98% of US imports. "
            "Slovakia (4359) is listed separately and also inside EU27: supplyscope subtracts SVK from "
            "EU27 line by line when loading (see data/sources/census.py).",
        )
    )
    c = read_str_csv(shared / "trade/census_country_code_to_iso3.csv")
    n = write_parquet(c, "trade/census_country_code_to_iso3.parquet")
    entries.append(
        Entry(
            "trade/census_country_code_to_iso3.parquet",
            "FRB Atlanta Census country mapping via tradewartracker/trade-war-redux-2025@726c5958 "
            "data/CensusCountryMapping_FRBAtl_short.csv",
            "2025-06",
            "MIT (repository); codes public",
            n,
            "Census CTY_CODE -> ISO3.",
        )
    )
    h = pd.read_csv(shared / "tariffs/us_tariff_by_hs2_partner_tradewartracker.csv", dtype={"CTY_CODE": str})
    h = h[["HS2", "CTY_CODE", "CTY_NAME", "2024_imports", "2024_duty"]].rename(
        columns={
            "HS2": "hs2",
            "CTY_CODE": "partner_census_code",
            "CTY_NAME": "partner_name",
            "2024_imports": "imports_usd",
            "2024_duty": "duty_usd",
        }
    )
    h["hs2"] = h["hs2"].astype(int).map(lambda v: f"{v:02d}")
    h["partner_census_code"] = h["partner_census_code"].str.zfill(4)
    n = write_parquet(h, "trade/us_imports_hs2_by_partner_2024.parquet")
    entries.append(
        Entry(
            "trade/us_imports_hs2_by_partner_2024.parquet",
            "US Census Bureau via tradewartracker/trade-war-redux-2025@726c5958 data-hs2/hs2-tariff-*.csv "
            "(last changed ed6e735f, 2025-08-06)",
            "calendar year 2024",
            "Census data public domain; repository MIT",
            n,
            "HS2 x 226 partners, 2024 imports and duty. The tracker's modelled 2025 tariff columns are "
            "not shipped. Used for the share of imports outside the 51 disclosed partners.",
        )
    )

    # --- HS nomenclature ---------------------------------------------------------------
    hs = read_str_csv(shared / "hs/hs2022_harmonized_system.csv")
    n = write_parquet(hs, "codes/hs2022_harmonized_system.parquet")
    entries.append(
        Entry(
            "codes/hs2022_harmonized_system.parquet",
            "UN Comtrade HS 2022 via datasets/harmonized-system@905e5a0fa29f5700d62cb3cc1265f21bc8a92329",
            "HS 2022",
            "ODC-PDDL-1.0",
            n,
            "section, hscode (2/4/6 digits), description, parent, level.",
        )
    )
    sec = read_str_csv(shared / "hs/hs2022_sections.csv")
    n = write_parquet(sec, "codes/hs2022_sections.parquet")
    entries.append(
        Entry(
            "codes/hs2022_sections.parquet",
            "same as above (data/sections.csv)",
            "HS 2022",
            "ODC-PDDL-1.0",
            n,
            "21 HS sections.",
        )
    )

    # --- concordances ------------------------------------------------------------------
    conc = "insongkim/concordance@201c812e51f213d967d8701b6ed6398c79df4a04 (R package concordance 2.1.0)"
    for src, dst, note in [
        (
            "concordances/hs6_naics.csv",
            "codes/hs2022_naics.parquet",
            "HS 2022 -> NAICS, one-to-many without weights.",
        ),
        (
            "concordances/bea2012_naics2012.csv",
            "codes/bea2012_naics2012.parquet",
            "BEA 2012 detail IO codes -> NAICS 2012.",
        ),
        ("concordances/bea2012_desc.csv", "codes/bea2012_desc.parquet", "BEA 2012 detail code names."),
        (
            "concordances/hs_isic4.csv.gz",
            "codes/hs_isic4.parquet",
            "HS (combined versions) -> ISIC rev.4, used to reach OECD ICIO sectors.",
        ),
        (
            "concordances/upstream_us_detailed.csv",
            "codes/upstream_us_detailed.parquet",
            "Antras-Chor upstreamness (GVC_Ui) by BEA detail industry, 2002/2007/2012.",
        ),
        ("concordances/naics2017_desc.csv", "codes/naics2017_desc.parquet", "NAICS 2017 names."),
    ]:
        df = read_str_csv(shared / src)
        n = write_parquet(df, dst)
        entries.append(
            Entry(
                dst,
                f"{conc}: {src.split('/')[-1]}",
                "2.1.0",
                "MIT; underlying UN/Census/BEA tables public",
                n,
                note,
            )
        )

    # --- IO tables ---------------------------------------------------------------------
    z = np.load(shared / "io/oecd_icio2025_y2022_80c50s.npz", allow_pickle=True)
    arrays = {k: z[k] for k in z.files}
    for k in ("country_names", "sector_names"):
        arrays[k] = arrays[k].astype(str)
    arrays["audit"] = np.asarray(str(arrays["audit"]))
    out = BUNDLE / "io/oecd_icio2025_y2022_80c50s.npz"
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, **arrays)
    entries.append(
        Entry(
            "io/oecd_icio2025_y2022_80c50s.npz",
            "OECD Inter-Country Input-Output tables, 2025 release (2022_SML.csv), via PyPI "
            "sanction-simulator==0.1.4 data/bench_cache.npz",
            "ICIO 2025 release, year 2022, USD million",
            "OECD data CC BY 4.0; package MIT",
            int(arrays["Z"].shape[0]),
            "4,000 nodes = 80 countries x 50 sectors, sector-major order (index = sector*80 + country). "
            "Z rebuilt as A*(omb*go); the OECD rest-of-world region was dropped upstream; 51 inactive nodes "
            "zeroed upstream. Object arrays re-saved as strings so the file loads without pickle.",
        )
    )
    for name in ("oecd_icio2025_country_codes.csv", "oecd_icio2025_sector_codes.csv"):
        df = read_str_csv(shared / "io" / name)
        dst = "io/" + name.replace(".csv", ".parquet")
        n = write_parquet(df, dst)
        entries.append(
            Entry(
                dst,
                f"OECD ICIO 2025 code mapping via sanction-simulator==0.1.4 {name}",
                "ICIO 2025",
                "CC BY 4.0",
                n,
                "Code -> name.",
            )
        )
    bea = shared / "io/bea"
    for f in sorted(bea.iterdir()):
        if f.name.startswith("Detail_ValueAdded"):
            continue
        df = pd.read_csv(f, dtype={"code": str})
        dst = "io/bea/" + f.name.replace(".csv.gz", ".parquet").replace(".csv", ".parquet")
        n = write_parquet(df, dst)
        entries.append(
            Entry(
                dst,
                f"BEA input-output accounts via USEPA/useeior@1565a70b7da2e50ff7ab5fc344fc0ba95f307a8a ({f.name})",
                "2017 benchmark (detail) / 2023 annual (summary), before redefinitions, producer prices",
                "BEA data public domain; useeior MIT",
                n,
                "USD million; first column `code` is the row code.",
            )
        )

    # --- countries ---------------------------------------------------------------------
    wgi = pd.read_csv(shared / "countries/wgi_1996_2021.csv.gz")
    wgi = wgi[["code", "countryname", "year", "vae", "pve", "gee", "rqe", "rle", "cce"]]
    n = write_parquet(wgi, "countries/wgi_1996_2021.parquet")
    entries.append(
        Entry(
            "countries/wgi_1996_2021.parquet",
            "World Bank Worldwide Governance Indicators (2022 update) via "
            "zjq1234567/replication-governance-indicators@ed69a926 wgidataset.dta",
            "WGI 2022 update, years 1996-2021",
            "CC BY 4.0",
            n,
            "Estimates only (va/pv/ge/rq/rl/cc, about -2.5..2.5); standard errors and ranks dropped. "
            "Not the newest WGI release.",
        )
    )
    gl = "Harvard Growth Lab via PyPI atlas-common-data==1.1.1 classification/location/"
    for src, dst in [
        ("growthlab_country.csv", "countries/locations.parquet"),
        ("growthlab_group.csv", "countries/groups.parquet"),
        ("growthlab_group_member.csv", "countries/group_members.parquet"),
    ]:
        df = read_str_csv(shared / "countries" / src)
        n = write_parquet(df, dst)
        entries.append(Entry(dst, gl + src, "1.1.1", "Apache-2.0", n, "Locations and country groups."))
    wdi = pd.read_parquet(shared / "countries/growthlab_wdi_cache.parquet")
    n = write_parquet(wdi, "countries/wdi.parquet")
    entries.append(
        Entry(
            "countries/wdi.parquet",
            "World Bank WDI extract via atlas-common-data==1.1.1 cache/wdi_data.parquet",
            "1960-2024",
            "CC BY 4.0",
            n,
            "GDP (used to weight EU members), population, goods trade.",
        )
    )
    fta = read_str_csv(shared / "countries/us_fta_partners_and_hts_program_codes.csv")
    n = write_parquet(fta, "countries/us_fta_partners.parquet")
    entries.append(
        Entry(
            "countries/us_fta_partners.parquet",
            "USTR FTA list and HTSUS General Note 3(c)(i) program symbols (compiled)",
            "2026",
            "public domain",
            n,
            "20 US FTA partners, agreement, HTS program codes.",
        )
    )

    # --- tariffs -----------------------------------------------------------------------
    hts = read_str_csv(shared / "tariffs/hts_2026_revision_4.csv.gz")
    n = write_parquet(hts, "tariffs/hts_2026_revision_4.parquet")
    entries.append(
        Entry(
            "tariffs/hts_2026_revision_4.parquet",
            "USITC HTS export (2026 Basic Edition, Revision 4) via "
            "DavidRod1865/HTS-Classifier@70c7c0470517691a5c3fc2c6451281186a4a2346",
            "2026 Revision 4",
            "public domain",
            n,
            "Unmodified columns; rates are text and are parsed by supplyscope.",
        )
    )
    s301 = read_str_csv(shared / "tariffs/section301_china_lists_1_to_4.csv")
    n = write_parquet(s301, "tariffs/section301_china_lists_1_to_4.parquet")
    entries.append(
        Entry(
            "tariffs/section301_china_lists_1_to_4.parquet",
            "USTR Section 301 list annexes (Federal Register) via "
            "mitsuoxv/us-tariffs-on-china@0665b94ceb802cca8954a7e32bfab2fbfabf214c",
            "Lists 1, 2, 3, 4A, 4B (4B never took effect)",
            "USTR lists public domain",
            n,
            "11 chapter 98/99 header rows are flagged (is_chapter98_99_header) and skipped "
            "when loading. Exclusions and the 2024 four-year-review increases are not included.",
        )
    )
    return entries


def write_provenance(entries: list[Entry]) -> None:
    lines = [
        "# Bundled data: provenance",
        "",
        "Generated by `tools/build_bundle.py` from `../shared/data` (see its SOURCES.md). Each file is a",
        "re-encoding or a documented subset of real public data; nothing is invented. Areas with their own",
        "builder list their files in `<area>/PROVENANCE.md`.",
        "",
        "| file | source | version | licence | rows | notes |",
        "|---|---|---|---|---|---|",
    ]
    for e in entries:
        lines.append(f"| `{e.path}` | {e.source} | {e.version} | {e.licence} | {e.rows:,} | {e.note} |")
    lines += [
        "",
        "Section files: "
        + ", ".join(
            f"[`{p.parent.name}/PROVENANCE.md`]({p.parent.name}/PROVENANCE.md)"
            for p in sorted(BUNDLE.glob("*/PROVENANCE.md"))
        )
        or "none",
        "",
    ]
    (BUNDLE / "PROVENANCE.md").write_text("\n".join(lines))
    (BUNDLE / "provenance.json").write_text(json.dumps([e.__dict__ for e in entries], indent=1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args()
    entries = build(args.shared)
    write_provenance(entries)
    total = sum(p.stat().st_size for p in BUNDLE.rglob("*") if p.is_file())
    print(f"{len(entries)} files, bundle size {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
