"""Build ``bench/screening_cases.csv``: labelled name pairs drawn from the real screening lists.

Run from the repository root (seeded, so the file is reproducible)::

    .venv/bin/python bench/make_screening_cases.py [--seed 20261125] [--per-kind 220]

Every pair has a real listed name on the candidate side. Positives (label 1) pair an entity's
listed name with a *variant* of it; negatives (label 0) pair it with a different real entity whose
name is similar. Kinds:

* ``abbreviation``    business words abbreviated (Company -> Co, Group -> Grp, Communications -> Comm)
* ``legal_form``      legal form dropped, expanded or swapped (Co., Ltd. -> Company Limited, LLC -> Ltd)
* ``reorder``         words reordered (city prefix moved to the end, first two words swapped)
* ``transliteration`` Russian-program names written in Cyrillic, or romanisation variants
                      (kh/h, ts/c, ya/ia, Xinjiang/Sinkiang, Hetian/Hotan ...)
* ``typo``            one or two character edits in the longest word
* ``translation``     legal forms and business words translated (LLC <-> OBSHCHESTVO S OGRANICHENNOI
                      OTVETSTVENNOSTYU, Co. Ltd <-> Youxian Gongsi, Trading <-> Maoyi ...)
* ``alias``           a real alias from the list (a.k.a./f.k.a.) against the entity's primary name
* ``neg_prefix``      a different entity sharing the first word (often a city: "SHENZHEN ...")
* ``neg_shared``      a different entity sharing two or more words ("... TRADING COMPANY LIMITED")
* ``neg_variant``     a variant (as above) of one entity against a different, similar entity

Candidates are SDN entities (not individuals, vessels or aircraft) and all UFLPA entries. Pairs
of different list entries whose names have the same words (ignoring legal forms) are left out of the
negatives (they are duplicates in the list, not hard negatives). The generator does not call the
matcher's normaliser: it has its own crude word splitter, so the cases are not tuned to the matcher.
``split`` puts each entity in ``train`` or ``test`` by a hash of its id, so a name never appears on
both sides of the split.
Synthetic part: only the variants; every name they start from is a real list entry.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
from collections import defaultdict
from pathlib import Path

import pandas as pd
from anyascii import anyascii

from supplyscope.screening.bundle import bundled_entities

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "screening"
OUT = ROOT / "bench" / "screening_cases.csv"

ABBREV = {
    "COMPANY": "CO",
    "LIMITED": "LTD",
    "GROUP": "GRP",
    "COMMUNICATIONS": "COMM",
    "COMMUNICATION": "COMM",
    "INTERNATIONAL": "INTL",
    "INDUSTRIAL": "IND",
    "INDUSTRIES": "INDS",
    "INDUSTRY": "IND",
    "TECHNOLOGY": "TECH",
    "TECHNOLOGIES": "TECH",
    "CORPORATION": "CORP",
    "MANUFACTURING": "MFG",
    "ENGINEERING": "ENG",
    "DEVELOPMENT": "DEV",
    "TRADING": "TRDG",
    "HOLDING": "HLDG",
    "HOLDINGS": "HLDGS",
    "ELECTRONICS": "ELEC",
    "ELECTRONIC": "ELEC",
    "EQUIPMENT": "EQUIP",
    "MACHINERY": "MACH",
    "SERVICES": "SVCS",
    "NATIONAL": "NATL",
    "ASSOCIATION": "ASSN",
    "MANAGEMENT": "MGMT",
    "INCORPORATED": "INC",
    "SCIENTIFIC": "SCI",
    "PHARMACEUTICAL": "PHARM",
    "CHEMICAL": "CHEM",
}
LEGAL_SWAPS = [
    ("CO., LTD.", "COMPANY LIMITED"),
    ("CO., LTD", "CO LIMITED"),
    ("COMPANY LIMITED", "CO., LTD."),
    ("LIMITED LIABILITY COMPANY", "LLC"),
    ("LLC", "LIMITED"),
    ("JOINT STOCK COMPANY", "JSC"),
    ("LIMITED", "LTD."),
    ("LTD.", "LIMITED"),
    ("LTD", "INC."),
    ("S.A.", "SA"),
    ("GMBH", "G.M.B.H."),
    ("CORPORATION", "CORP."),
    ("INC.", "INCORPORATED"),
    ("CO.", "COMPANY"),
    ("FZE", "FZCO"),
    ("COMPANY", "CO."),
]
TRANSLATIONS = [
    ("LIMITED LIABILITY COMPANY", "OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU"),
    ("OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU", "LIMITED LIABILITY COMPANY"),
    ("JOINT STOCK COMPANY", "AKTSIONERNOE OBSHCHESTVO"),
    ("AKTSIONERNOE OBSHCHESTVO", "JOINT STOCK COMPANY"),
    ("PUBLIC JOINT STOCK COMPANY", "PUBLICHNOE AKTSIONERNOE OBSHCHESTVO"),
    ("CO., LTD.", "YOUXIAN GONGSI"),
    ("CO., LTD", "YOUXIAN GONGSI"),
    ("COMPANY LIMITED", "YOUXIAN GONGSI"),
    ("GROUP", "JITUAN"),
    ("TECHNOLOGY", "KEJI"),
    ("TRADING", "MAOYI"),
    ("INDUSTRIAL", "SHIYE"),
    ("INTERNATIONAL", "GUOJI"),
    ("S.A.", "SOCIEDAD ANONIMA"),
    ("COMPANY", "SHERKAT"),
    ("BANK", "BANCO"),
    ("NATIONAL", "NACIONAL"),
    ("GMBH", "LIMITED"),
]
ROMAN_VARIANTS = [
    ("KH", "H"),
    ("TS", "C"),
    ("YA", "IA"),
    ("YU", "IU"),
    ("IY", "II"),
    ("SHCH", "SCH"),
    ("ZH", "J"),
    ("OU", "U"),
    ("EE", "I"),
    ("XINJIANG", "SINKIANG"),
    ("HETIAN", "HOTAN"),
    ("KASHGAR", "KASHI"),
    ("Q", "K"),
    ("EI", "EY"),
    ("OV", "OFF"),
]
LAT2CYR = [
    ("SHCH", "Щ"),
    ("KH", "Х"),
    ("TS", "Ц"),
    ("CH", "Ч"),
    ("SH", "Ш"),
    ("ZH", "Ж"),
    ("YU", "Ю"),
    ("YA", "Я"),
    ("YE", "Е"),
    ("A", "А"),
    ("B", "Б"),
    ("V", "В"),
    ("G", "Г"),
    ("D", "Д"),
    ("E", "Е"),
    ("Z", "З"),
    ("I", "И"),
    ("Y", "Й"),
    ("K", "К"),
    ("L", "Л"),
    ("M", "М"),
    ("N", "Н"),
    ("O", "О"),
    ("P", "П"),
    ("R", "Р"),
    ("S", "С"),
    ("T", "Т"),
    ("U", "У"),
    ("F", "Ф"),
    ("C", "К"),
    ("X", "КС"),
    ("W", "В"),
    ("H", "Х"),
    ("Q", "К"),
    ("J", "Дж"),
]
CYR_LEGAL = [
    ("LIMITED LIABILITY COMPANY", "ООО"),
    ("JOINT STOCK COMPANY", "АО"),
    ("OOO", "ООО"),
    ("LLC", "ООО"),
    ("OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU", "ООО"),
]


# The generator does not use the matcher's normaliser (that would tune the cases to the matcher).
# It has its own crude word splitter and a short list of words that are not part of a firm's identity.
_NOT_IDENTITY = frozenset(
    {
        "CO",
        "LTD",
        "LIMITED",
        "LLC",
        "INC",
        "CORP",
        "CORPORATION",
        "COMPANY",
        "JSC",
        "OOO",
        "SA",
        "GMBH",
        "PJSC",
        "AO",
        "ZAO",
        "OAO",
        "PAO",
        "PLC",
        "FZE",
        "LLP",
        "DE",
        "CV",
        "S",
        "A",
        "OF",
        "THE",
        "AND",
        "LIABILITY",
        "JOINT",
        "STOCK",
        "PUBLIC",
        "OPEN",
        "CLOSED",
    }
)


def simple_core(name: str) -> tuple[str, ...]:
    """Upper-case ASCII words of a name without legal-form and filler words (generator-only)."""
    return tuple(t for t in re.split(r"[^A-Z0-9]+", anyascii(name).upper()) if t and t not in _NOT_IDENTITY)


def same_text(a: str, b: str) -> bool:
    """Equal once case, spaces and punctuation are ignored (a variant that changed nothing)."""
    return re.sub(r"[^A-Z0-9]", "", a.upper()) == re.sub(r"[^A-Z0-9]", "", b.upper())


def to_cyrillic(text: str) -> str:
    out, i = [], 0
    up = text.upper()
    while i < len(up):
        for lat, cyr in LAT2CYR:
            if up.startswith(lat, i):
                out.append(cyr)
                i += len(lat)
                break
        else:
            out.append(up[i])
            i += 1
    return "".join(out)


def words(name: str) -> list[str]:
    return name.split()


def v_abbreviation(name: str, rng: random.Random) -> str | None:
    ws = words(name)
    idx = [i for i, w in enumerate(ws) if w.upper().strip(",.") in ABBREV]
    if not idx:
        return None
    for i in rng.sample(idx, k=max(1, min(len(idx), rng.randint(1, 3)))):
        ws[i] = ABBREV[ws[i].upper().strip(",.")]
    return " ".join(ws)


def v_legal_form(name: str, rng: random.Random) -> str | None:
    up = name.upper()
    swaps = [(a, b) for a, b in LEGAL_SWAPS if a in up]
    if swaps:
        a, b = rng.choice(swaps)
        return up.replace(a, b, 1)
    return f"{name} {rng.choice(['LTD', 'LLC', 'CO., LTD.', 'INC', 'LIMITED', 'GMBH'])}"


def v_reorder(name: str, rng: random.Random) -> str | None:
    ws = [w.strip(",") for w in words(name)]
    core = [w for w in ws if simple_core(w)]
    if len(core) < 2:
        return None
    if rng.random() < 0.5:
        return " ".join([*ws[1:], f"({ws[0]})"])
    i = rng.randrange(len(ws) - 1)
    ws[i], ws[i + 1] = ws[i + 1], ws[i]
    return " ".join(ws)


def v_transliteration(name: str, rng: random.Random, russian: bool) -> str | None:
    up = name.upper()
    if russian and rng.random() < 0.6:
        for a, b in CYR_LEGAL:
            if a in up:
                rest = up.replace(a, "").strip(" ,")
                return f"{b} «{to_cyrillic(rest)}»"
        return to_cyrillic(up)
    options = [(a, b) for a, b in ROMAN_VARIANTS if a in up]
    if not options:
        return None
    for a, b in rng.sample(options, k=min(len(options), 2)):
        up = up.replace(a, b)
    return up


def v_typo(name: str, rng: random.Random) -> str | None:
    ws = words(name)
    cand = [i for i, w in enumerate(ws) if len(w) >= 5 and w.isalpha()]
    if not cand:
        return None
    i = max(cand, key=lambda k: len(ws[k]))
    w = list(ws[i])
    for _ in range(1 if len(w) < 8 else rng.randint(1, 2)):
        op, p = rng.choice(("del", "sub", "swap", "ins")), rng.randrange(1, len(w) - 1)
        if op == "del":
            del w[p]
        elif op == "sub":
            w[p] = rng.choice("AEIOUNRSTLC")
        elif op == "swap":
            w[p], w[p + 1] = w[p + 1], w[p]
        else:
            w.insert(p, rng.choice("AEIOUNRSTLC"))
    ws[i] = "".join(w)
    return " ".join(ws)


def v_translation(name: str, rng: random.Random) -> str | None:
    up = name.upper()
    options = [(a, b) for a, b in TRANSLATIONS if re.search(rf"\b{re.escape(a)}(?!\w)", up)]
    if not options:
        return None
    for a, b in rng.sample(options, k=min(len(options), 2)):
        up = re.sub(rf"\b{re.escape(a)}(?!\w)", b, up, count=1)
    return up


def split_of(entity_id: str) -> str:
    return "test" if int(hashlib.sha1(entity_id.encode()).hexdigest(), 16) % 2 else "train"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--per-kind", type=int, default=220)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    ents = bundled_entities()
    raw = pd.read_csv(SHARED / "ofac_sdn_2024-05-03.csv.gz", dtype=str, keep_default_na=False)
    kinds = {f"SDN:{r.ent_num.strip()}": r.sdn_type.strip() for r in raw.itertuples()}
    russian = {f"SDN:{r.ent_num.strip()}" for r in raw.itertuples() if "RUSSIA" in r.program or "UKRAINE" in r.program}
    keep = ents["list"].eq("UFLPA") | ents["entity_id"].map(lambda e: kinds.get(e) == "-0-")
    ents = ents[keep].reset_index(drop=True)
    names = dict(zip(ents["entity_id"], ents["name"], strict=True))
    ids = sorted(names)
    print(f"{len(ids)} candidate entities (SDN non-individuals + UFLPA)")

    cases: list[dict[str, object]] = []

    def add(kind: str, label: int, query: str, qid: str, cid: str) -> None:
        cases.append(
            {
                "kind": kind,
                "label": label,
                "query": query,
                "candidate": names[cid],
                "query_entity_id": qid,
                "candidate_entity_id": cid,
                "split": split_of(cid),
            }
        )

    makers = {
        "abbreviation": lambda n, e: v_abbreviation(n, rng),
        "legal_form": lambda n, e: v_legal_form(n, rng),
        "reorder": lambda n, e: v_reorder(n, rng),
        "transliteration": lambda n, e: v_transliteration(n, rng, e in russian),
        "typo": lambda n, e: v_typo(n, rng),
        "translation": lambda n, e: v_translation(n, rng),
    }
    # UFLPA entries first so the small list is well represented, then SDN in random order.
    order = [e for e in ids if e.startswith("UFLPA")] + rng.sample(
        [e for e in ids if not e.startswith("UFLPA")], k=sum(1 for e in ids if not e.startswith("UFLPA"))
    )
    variants_of: dict[str, list[str]] = defaultdict(list)
    for kind, make in makers.items():
        made = 0
        start = rng.randrange(len(order)) if kind != "abbreviation" else 0
        for e in order[start:] + order[:start]:
            if made >= args.per_kind:
                break
            v = make(names[e], e)
            if v is None or same_text(v, names[e]):
                continue
            add(kind, 1, v, e, e)
            variants_of[e].append(v)
            made += 1
    # real aliases
    alias_rows = [
        (e, a)
        for e, al in zip(ents["entity_id"], ents["aliases"], strict=True)
        for a in al
        if simple_core(a) and not same_text(a, names[e])
    ]
    for e, a in rng.sample(alias_rows, k=min(args.per_kind, len(alias_rows))):
        add("alias", 1, a, e, e)

    # hard negatives
    norm_core = {e: simple_core(n) for e, n in names.items()}
    by_first: dict[str, list[str]] = defaultdict(list)
    by_token: dict[str, list[str]] = defaultdict(list)
    for e, core in norm_core.items():
        if core:
            by_first[core[0]].append(e)
        for t in set(core):
            by_token[t].append(e)

    def distinct(a: str, b: str) -> bool:
        return a != b and norm_core[a] != norm_core[b]

    neg_prefix: list[tuple[str, str]] = []
    for lst in by_first.values():
        if 2 <= len(lst) <= 400:
            for _ in range(min(4, len(lst))):
                a, b = rng.sample(lst, 2)
                if distinct(a, b):
                    neg_prefix.append((a, b))
    neg_shared: list[tuple[str, str]] = []
    for e in rng.sample(ids, k=len(ids)):
        core = set(norm_core[e])
        pool = {o for t in core if len(by_token[t]) <= 300 for o in by_token[t]}
        pool = [o for o in pool if distinct(e, o) and len(core & set(norm_core[o])) >= 2]
        if pool:
            neg_shared.append((e, rng.choice(sorted(pool))))
        if len(neg_shared) >= 3 * args.per_kind:
            break
    seen: set[tuple[str, str]] = set()
    n_neg = 3 * args.per_kind
    for kind, pairs, n in (("neg_prefix", neg_prefix, n_neg), ("neg_shared", neg_shared, n_neg)):
        rng.shuffle(pairs)
        taken = 0
        for a, b in pairs:
            if taken >= n or (a, b) in seen or (b, a) in seen:
                continue
            seen.add((a, b))
            add(kind, 0, names[a], a, b)
            taken += 1
    # a variant of A against a similar B
    made = 0
    for a, b in neg_shared + neg_prefix:
        if made >= 2 * args.per_kind:
            break
        if variants_of.get(a):
            add("neg_variant", 0, rng.choice(variants_of[a]), a, b)
            made += 1

    df = pd.DataFrame(cases)
    df.insert(0, "case_id", range(1, len(df) + 1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(args.out, index=False, quoting=csv.QUOTE_MINIMAL)
    print(df.groupby(["kind", "label"]).size().to_string())
    print(f"{len(df)} cases ({int(df['label'].sum())} positive) -> {args.out}")


if __name__ == "__main__":
    main()
