"""Bundle the real USGS minerals files from ``../shared/data/minerals`` and write their PROVENANCE.md.

Run from the repository root::

    python tools/bundle_minerals.py [--shared ../shared/data]

Each CSV is re-encoded losslessly as Parquet (zstd) with every column kept as text, so the USGS
raw markers (``W``, ``—``, ``NA``, ``>…``, ``( )``, ``Small``) survive untouched; parsing them is
the job of :mod:`supplyscope.data.sources.usgs_mcs`.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "supplyscope" / "data" / "bundled" / "minerals"
SOURCE_REPO = "pranava0x0/usgs-mineral-commodity-summaries"
COMMITS = (
    "2514d2bf45d514b45435a62983869ba1738349ad, 25031d0f60fa0c508068145d6be6228fc4933d51, "
    "02896edf4e5e6352a9a6d01cdb128415b961c9fe"
)
FILES = {
    "usgs_mcs2026_world_production_reserves.csv": "usgs_mcs2026_world_production_reserves.parquet",
    "usgs_mcs2026_us_import_reliance_and_sources.csv": "usgs_mcs2026_us_import_reliance_and_sources.parquet",
    "us_critical_minerals_list_2022_2025.csv": "us_critical_minerals_list_2022_2025.parquet",
}

PROVENANCE = """# Bundled minerals data (area `minerals`)

Built by `tools/bundle_minerals.py` from `../shared/data/minerals/` (see `shared/data/SOURCES.md`).
Every file is a lossless re-encoding (CSV → Parquet, zstd, all columns kept as text). No value was
changed, added or dropped. Licence of all three: US federal government work, public domain
(17 U.S.C. 105).

| file | source | version | rows | sha256 of the source CSV |
|---|---|---|---|---|
{table}

## Sources

- `usgs_mcs2026_world_production_reserves.parquet` and `usgs_mcs2026_us_import_reliance_and_sources.parquet`:
  tables of the **USGS Mineral Commodity Summaries 2026** (February 2026), as parsed from the MCS PDFs in
  {repo} (`data/audit/<slug>/data.json`, commits {commits}) and transcribed into CSV for
  `shared/data`. Year columns: `year_prev` = 2024, `year_latest` = 2025 (USGS estimate).
- `us_critical_minerals_list_2022_2025.parquet`: compiled from the USGS 2022 List of Critical Minerals
  (87 FR 10381, 50 minerals) and the final 2025 List (DOI/USGS, 7 November 2025; 60 minerals).

## Caveats (read before using the numbers)

- **Copper**: the production column is **refinery** production (the extraction picked that column);
  the reserves are **mine** reserves. supplyscope therefore files copper production under the
  `refining` stage, not `mining`.
- **PGM**: the production column is **palladium** only; platinum 2025e is in `note`. Reserves are
  for all platinum-group metals.
- **Silicon**: the production column is **ferrosilicon**; silicon metal 2025e is in `note`. The first
  silicon row's country label was cut in the source and is marked "Australia (row label inferred)".
- **Vanadium**: reserves are in **thousand** metric tons while production is in metric tons.
- **Germanium** has no world production table in the source (it appears only in the import-reliance
  file); supplyscope reports its stages as unavailable.
- **Gallium** is low-purity primary production (kg) with capacity; **aluminum** is primary smelter
  production with capacity; **titanium** is sponge metal. These are metal-making stages, filed as
  `refining`.
- Raw markers are kept as printed by USGS: `W` = withheld to avoid disclosing company data (never
  read as zero), `—` = zero, `NA` = not available, `>N` = more than N (a lower bound), `( )` =
  included in the world total (not separately reported), `Small` = a small amount not quantified.
- "Other countries" / "Other" and "World total (rounded)" are aggregate rows, not countries.
- No refinery or processing table for rare earths, lithium, cobalt, graphite, nickel ... is in the
  bundle, so the ~90% PRC share of rare-earth processing cannot be computed from it; supplyscope
  reports such stages as unavailable instead of guessing. Load your own stage table with
  `supplyscope.minerals.read_stage_table`.
"""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    src_dir = args.shared / "minerals"
    OUT.mkdir(parents=True, exist_ok=True)
    lines = []
    for name, out_name in FILES.items():
        src = src_dir / name
        df = pd.read_csv(src, dtype=str, keep_default_na=False)
        table = pa.Table.from_pandas(df, preserve_index=False)
        pq.write_table(table, OUT / out_name, compression="zstd", compression_level=9)
        version = "MCS 2026 (Feb 2026)" if name.startswith("usgs") else "2022 list; 2025 final list"
        source = SOURCE_REPO if name.startswith("usgs") else "USGS / DOI critical minerals lists"
        lines.append(f"| `{out_name}` | {source} | {version} | {len(df)} | `{sha256(src)[:16]}…` |")
        print(f"{out_name}: {len(df)} rows")
    text = PROVENANCE.format(table="\n".join(lines), repo=SOURCE_REPO, commits=COMMITS)
    (OUT / "PROVENANCE.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
