"""Bundle the screening lists from ``../shared/data/screening`` and write their PROVENANCE.md.

Run from the repository root::

    python tools/bundle_screening.py [--shared ../shared/data]

Outputs (``src/supplyscope/data/bundled/screening/``): one Parquet file per list in the canonical
``screening_entities`` columns, ``lists.json`` (version, counts, caveats) and ``PROVENANCE.md``.
The rows come from the package's own loaders, so the bundle and ``supplyscope lists load`` agree.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from supplyscope.data.sources.screening_lists import canonical, load_sdn_csv, load_uflpa
from supplyscope.data.warehouse import file_checksum

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "supplyscope" / "data" / "bundled" / "screening"

UFLPA_CAVEAT = (
    "PARTIAL: {n} of about 144 UFLPA Entity List entities (144 = total after the January 2025 notice; "
    "later notices add more). Missing: most of the June 2022 list (XPCC, Hetian Taida, the Lop County "
    "entities, ...), Ninestar's 8 subsidiaries, 14 of the May 2024 cotton entities, about 11 of the "
    "November 2024 entities, 24 of the 25 Huafu subsidiaries, and all Chinese-language names. Three "
    "rows rest on one unverified test fixture (low confidence). A 'no match' against this list is NOT "
    "clearance: complete the list from the DHS UFLPA Entity List page and load it with "
    "`supplyscope lists load FILE --list-format uflpa`."
)
SDN_CAVEAT = (
    "OFAC SDN list as of 2024-05-03 (not current). sdn.csv carries no addresses (add.csv was not "
    "captured); countries are inferred from the remarks (nationality, vessel flag, or the country most "
    "identifiers name). Aliases come from the a.k.a./f.k.a./n.k.a. remarks."
)


def write(df: object, name: str) -> None:
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, OUT / name, compression="zstd", compression_level=9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    src = args.shared / "screening"
    OUT.mkdir(parents=True, exist_ok=True)

    sdn_path = src / "ofac_sdn_2024-05-03.csv.gz"
    sdn = load_sdn_csv(sdn_path, version="2024-05-03")
    uflpa_path = src / "uflpa_entity_list_v2.csv"
    uflpa = load_uflpa(uflpa_path, version="compiled 2026-12 v2 (notices to 2026-08)")
    latest = max(d for d in uflpa.frame["listed_on"] if d is not None)
    uflpa.version = f"compiled 2026-12 v2 (latest listing date {latest})"
    write(canonical(sdn.frame), "sdn.parquet")
    write(canonical(uflpa.frame), "uflpa.parquet")

    meta = {
        "SDN": {
            "file": "sdn.parquet",
            "version": sdn.version,
            "entries": len(sdn.frame),
            "aliases": int(sdn.frame["aliases"].map(len).sum()),
            "with_country": int(sdn.frame["country"].notna().sum()),
            "source": "OFAC Specially Designated Nationals list, sdn.csv, via "
            "jackdwyer/specially-designated-nationals-list@a5ec3c5ee4aae1b36ba24897a051787ea5429d30",
            "licence": "US government work, public domain",
            "sha256": file_checksum(sdn_path),
            "caveat": SDN_CAVEAT,
            "listed_on_note": f"OFAC sdn.csv does not publish designation dates; list as of {sdn.version}",
            "without_listed_on": int(sdn.frame["listed_on"].isna().sum()),
            "partial": False,
            "entity_types": {str(k): int(v) for k, v in sdn.frame["entity_type"].value_counts().sort_index().items()},
            "with_identifiers": int(sdn.frame["identifiers"].map(len).gt(0).sum()),
            "unresolved_countries": dict(sdn.unresolved_countries.most_common()),
        },
        "UFLPA": {
            "file": "uflpa.parquet",
            "version": uflpa.version,
            "entries": len(uflpa.frame),
            "aliases": int(uflpa.frame["aliases"].map(len).sum()),
            "expected_entries": 144,
            "partial": True,
            "with_country": 0,
            "source": "UFLPA Entity List (DHS/FLETF) compiled from the DHS UFLPA Strategy, Federal Register "
            "notices and their summaries (shared/data/screening/uflpa_entity_list_v2.csv; see SOURCES.md)",
            "licence": "US government work, public domain",
            "sha256": file_checksum(uflpa_path),
            "caveat": UFLPA_CAVEAT.format(n=len(uflpa.frame)),
            "listed_on_note": "the sources read for this UFLPA entry give no listing date (added_on is empty in "
            f"uflpa_entity_list_v2.csv); list {uflpa.version}",
            "without_listed_on": int(uflpa.frame["listed_on"].isna().sum()),
            "with_fr_document": int(uflpa.frame["identifiers"].map(len).gt(0).sum()),
        },
    }
    (OUT / "lists.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    lines = [
        "# Bundled screening lists: provenance",
        "",
        "Generated by `tools/bundle_screening.py` from `../shared/data/screening` with the package's own",
        "loaders (`supplyscope.data.sources.screening_lists`). Columns are the canonical `screening_entities` table.",
        "Nothing was invented; rows are re-encodings of the source files.",
        "",
        "| file | source | version | licence | rows | notes |",
        "|---|---|---|---|---|---|",
    ]
    for code, m in meta.items():
        lines.append(
            f"| `{m['file']}` ({code}) | {m['source']} | {m['version']} | {m['licence']} | "
            f"{m['entries']:,} | {m['caveat']} |"
        )
    lines += ["", "Source file checksums (SHA-256):", ""]
    lines += [f"- `{p.name}`: `{file_checksum(p)}`" for p in (sdn_path, uflpa_path)]
    lines += [
        "",
        f"SDN rows whose country could not be inferred from the remarks: "
        f"{len(sdn.frame) - meta['SDN']['with_country']:,} (country left empty).",
        "UFLPA rows carry no country: the compiled file does not state one, and none was assumed.",
        f"UFLPA rows with a Federal Register document number: {meta['UFLPA']['with_fr_document']} of "
        f"{meta['UFLPA']['entries']}; every row has its source URL. Rows without a listing date (`listed_on` "
        f"null, and hits say why in `listed_on_note`): UFLPA {meta['UFLPA']['without_listed_on']}, "
        f"SDN {meta['SDN']['without_listed_on']:,} (sdn.csv publishes no designation dates).",
        "SDN entity types (from the sdn_type column): "
        + ", ".join(f"{k} {v:,}" for k, v in meta["SDN"]["entity_types"].items())
        + f"; rows with an identifier (IMO, MMSI, date of birth, tail number) in the remarks: "
        f"{meta['SDN']['with_identifiers']:,}.",
        "The SDN source has 14,966 lines after its header (SOURCES.md counts 14,966 rows); the last is "
        "the DOS end-of-file byte (0x1A) Treasury appends, not an entry, hence 14,965 rows.",
        "",
        "`lists.json` is derived from the two files above: each list's version, counts, source, licence and",
        "caveat, read by `supplyscope lists info`.",
        "",
    ]
    (OUT / "PROVENANCE.md").write_text("\n".join(lines), encoding="utf-8")
    for code, m in meta.items():
        print(f"{code}: {m['entries']} entries, {m['aliases']} aliases -> {OUT / str(m['file'])}")


if __name__ == "__main__":
    main()
