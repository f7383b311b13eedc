"""Write a large SYNTHETIC supplier CSV for the streaming/memory benchmark of ``supplyscope screen``.

    .venv/bin/python bench/make_screening_stream.py /tmp/suppliers_1m.csv --rows 1000000
    nice /usr/bin/time -v .venv/bin/supplyscope screen /tmp/suppliers_1m.csv --country-col country \
        --address-col address --out /tmp/hits_1m.csv > /dev/null

SYNTHETIC: every row is generated (fixed seed). Names recombine real words of the bundled lists (place,
industry and distinctive words) with legal forms the way supplier master files name firms; about 1% of
rows are real list names written as an invoice might (legal form rewritten, upper-cased), so the hit
path is exercised too. Countries follow a rough import-partner mix (China, Mexico, Germany, ...), about
a third of rows carry an address, and names repeat the way one supplier recurs across invoices (a
Zipf-like reuse of earlier rows), so caches see both repeats and a long tail of new names.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from pathlib import Path

from supplyscope.data.sources.screening_lists import bundled_entities

SEED = 20261202
LEGAL = ["Co., Ltd.", "CO LTD", "Limited", "LLC", "Inc.", "GmbH", "S.A. de C.V.", "Pvt Ltd", "S.p.A.", "A.S.", "JSC"]
INDUSTRY = [
    "Textile",
    "Trading",
    "Technology",
    "Chemical",
    "Energy",
    "Logistics",
    "Electronics",
    "Cotton",
    "Mining",
    "Garment",
    "Plastics",
    "Machinery",
    "Auto Parts",
    "Packaging",
    "Metal Products",
    "Solar",
    "Food",
]
COUNTRY_MIX = [
    ("CN", 30),
    ("MX", 12),
    ("DE", 8),
    ("VN", 8),
    ("JP", 6),
    ("KR", 5),
    ("IN", 6),
    ("TW", 4),
    ("IT", 4),
    ("TR", 3),
    ("US", 8),
    ("", 6),
]
CITIES = [
    "Shenzhen",
    "Ningbo",
    "Monterrey",
    "Stuttgart",
    "Ho Chi Minh City",
    "Osaka",
    "Pune",
    "Taichung",
    "Milan",
    "Bursa",
    "Chicago",
    "Urumqi",
    "Suzhou",
    "Dongguan",
    "Busan",
]


def vocabulary() -> list[str]:
    """Distinctive words (4+ letters, title-cased) from the real list names."""
    names = bundled_entities()["name"].tolist()
    words = {w.title() for n in names for w in re.findall(r"[A-Za-z]{4,}", str(n))}
    return sorted(words)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    rng = random.Random(SEED)
    words = vocabulary()
    listed = [str(n) for n in bundled_entities()["name"].tolist() if len(str(n)) > 6]
    codes = [c for c, _ in COUNTRY_MIX]
    weights = [w for _, w in COUNTRY_MIX]
    seen: list[tuple[str, str, str]] = []
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["supplier_id", "name", "country", "address"])
        for i in range(args.rows):
            if seen and rng.random() < 0.3:  # the same supplier again, recent ones more often
                row = seen[-1 - min(int(rng.paretovariate(1.2)) - 1, len(seen) - 1)]
            elif rng.random() < 0.01:
                row = (listed[rng.randrange(len(listed))].upper(), "", "")
            else:
                parts = [rng.choice(words)] + ([rng.choice(words)] if rng.random() < 0.3 else [])
                name = " ".join([*parts, rng.choice(INDUSTRY), rng.choice(LEGAL)])
                country = rng.choices(codes, weights)[0]
                addr = (
                    f"{rng.randrange(1, 999)} {rng.choice(words)} Road, {rng.choice(CITIES)}"
                    if rng.random() < 0.33
                    else ""
                )
                row = (name, country, addr)
            if len(seen) < 200_000:
                seen.append(row)
            w.writerow([f"S{i:07d}", *row])


if __name__ == "__main__":
    main()
