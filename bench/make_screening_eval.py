"""Build the labelled screening evaluation set from the real bundled lists (fixed seed).

    .venv/bin/python bench/make_screening_eval.py      # writes bench/screening_eval.csv

Every query is one supplier name as an invoice or ERP export might write it, with an optional
country, entity type and identifier, and the entity it should hit (``target``; empty for a
negative). The variants are made by GENERAL rules applied to real list names: legal forms
rewritten, spaced or dotted; common business-word abbreviations; run-together words; one typo in
a long word; branch and office wording (English and Chinese); vessel prefixes and IMO numbers;
aircraft tail numbers with or without the hyphen; person names reordered. Hard negatives are real
words recombined the way neighbouring firms are named (same place and industry words, another
distinctive word), sister firms in another place, other numbers, one-word person names used as
company names, initials of listed names, and the Fortune Global 500 names in
``bench/data/fortune_global_500.csv``, each with its headquarters country (as a compliance team
screens a supplier; empty where the file leaves it empty). SYNTHETIC: the variants and negatives are generated,
the names they start from are real.

Entities are split 50/50 into ``train`` and ``test`` by a seeded shuffle, so no test entity is
seen when fitting; every Fortune Global 500 name is in ``test``.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pandas as pd

from supplyscope.data.sources.screening_lists import bundled_entities
from supplyscope.screening.normalize import normalize_name, split_legal
from supplyscope.screening.vocab import PLACES as PLACE_WORDS

SEED = 20261201
ROOT = Path(__file__).resolve().parent
OUT = ROOT / "screening_eval.csv"
FG500 = ROOT / "data" / "fortune_global_500.csv"
COLUMNS = ("query_id", "kind", "label", "query", "country", "entity_type", "identifiers", "target", "split")

ABBREV = {
    "GROUP": "GRP",
    "INTERNATIONAL": "INTL",
    "INDUSTRY": "IND",
    "INDUSTRIAL": "IND",
    "TECHNOLOGY": "TECH",
    "CORPORATION": "CORP",
    "COMPANY": "CO",
    "MANUFACTURING": "MFG",
    "HOLDING": "HLDG",
    "TRADING": "TRDG",
    "CHEMICAL": "CHEM",
    "DEVELOPMENT": "DEV",
    "NATIONAL": "NATL",
    "ELECTRONIC": "ELEC",
    "COMMUNICATIONS": "COMM",
}
LEGAL_REWRITES = [
    (r"\bCo\.?,? Ltd\.?", ["CO LTD", "COMPANY LIMITED", "Co. Limited", "CO.,LTD"]),
    (r"\bCompany Limited\b", ["CO LTD", "Co., Ltd."]),
    (r"\bLimited\b", ["LTD", "Ltd."]),
    (r"\bS\.A\. de C\.V\.", ["S A DE C V", "SA DE CV", "S.A.DE C.V."]),
    (r"\bS\.A\.", ["S A", "SA", "S. A."]),
    (r"\bLLC\b", ["L.L.C.", "L L C"]),
    (r"\bInc\.?", ["INC", "Incorporated"]),
    (r"\bCorporation\b", ["CORP", "Corp."]),
    (r"\bGmbH\b", ["G.m.b.H.", "GMBH"]),
]
PLACES = ["Shanghai", "Shenzhen", "Urumqi", "Guangzhou", "Aksu", "Dubai", "Tehran", "Moscow", "Hong Kong"]
BRANCH_FORMS = ["{name} {place} Branch", "{name}, {place} Branch Office", "{zh}{place_zh}分公司", "Branch of {name}"]
PLACE_ZH = {"Shanghai": "上海", "Shenzhen": "深圳", "Urumqi": "乌鲁木齐", "Guangzhou": "广州", "Aksu": "阿克苏"}
INDUSTRY = ["Textile", "Trading", "Technology", "Chemical", "Energy", "Logistics", "Electronics", "Cotton", "Mining"]


def typo(word: str, rng: random.Random) -> str:
    k = rng.randrange(1, len(word) - 1)
    return word[:k] + word[k + 1] + word[k] + word[k + 2 :] if rng.random() < 0.5 else word[:k] + word[k + 1 :]


def org_variants(name: str, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, variant) pairs for an organisation name."""
    out: list[tuple[str, str]] = []
    for pattern, repl in LEGAL_REWRITES:
        if re.search(pattern, name, re.IGNORECASE):
            out.append(("legal_form", re.sub(pattern, rng.choice(repl), name, count=1, flags=re.IGNORECASE)))
            break
    words = name.split()
    up = [w.upper().strip(",.") for w in words]
    if any(w in ABBREV for w in up):
        out.append(("abbreviation", " ".join(ABBREV.get(w, w) for w in up)))
    alpha = [i for i in range(len(words) - 1) if words[i].isalpha() and words[i + 1].isalpha() and len(words[i]) >= 3]
    if alpha:
        i = rng.choice(alpha)
        out.append(("run_together", " ".join([*words[:i], words[i] + words[i + 1], *words[i + 2 :]]).upper()))
    long_ = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 7]
    if long_:
        i = rng.choice(long_)
        out.append(("typo", " ".join([*words[:i], typo(words[i], rng), *words[i + 1 :]])))
    if rng.random() < 0.35:
        place = rng.choice(list(PLACE_ZH))
        form = rng.choice(BRANCH_FORMS[:2] + BRANCH_FORMS[3:])
        out.append(("branch", form.format(name=name, place=place)))
    out.append(("punctuation_case", re.sub(r"[.,()]", " ", name).upper()))
    return out


def person_variants(name: str) -> list[tuple[str, str]]:
    if "," in name:
        last, first = (x.strip() for x in name.split(",", 1))
        return [("person_reordered", f"{first} {last}".title())]
    return [("person_case", name.title())]


def read_fg500(path: Path = FG500) -> list[dict[str, str]]:
    """The Fortune Global 500 rows (``name``, ``country``) of ``path``, skipping its ``#`` comment lines."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def main() -> None:
    rng = random.Random(SEED)
    ents = bundled_entities()
    ids = sorted(ents["entity_id"])
    rng.shuffle(ids)
    split = {e: ("train" if k % 2 == 0 else "test") for k, e in enumerate(ids)}
    rows: list[dict[str, object]] = []
    all_names = {n.casefold() for n in ents["name"]} | {a.casefold() for al in ents["aliases"] for a in al}

    def add(
        kind: str, label: int, query: str, target: str, sp: str, country: str = "", etype: str = "", ident: str = ""
    ) -> None:
        rows.append(
            {
                "kind": kind,
                "label": label,
                "query": query,
                "country": country,
                "entity_type": etype,
                "identifiers": ident,
                "target": target,
                "split": sp,
            }
        )

    orgs = ents[ents["entity_type"] == "organisation"]
    uflpa = orgs[orgs["list"] == "UFLPA"]
    sdn_orgs = orgs[orgs["list"] == "SDN"].sample(450, random_state=SEED)
    for _, r in pd.concat([uflpa, sdn_orgs]).iterrows():
        sp = split[r["entity_id"]]
        variants = org_variants(str(r["name"]), rng)
        for kind, v in rng.sample(variants, min(2, len(variants))):
            country = r["country"] if isinstance(r["country"], str) and rng.random() < 0.5 else ""
            add(kind, 1, v, r["entity_id"], sp, country)
    for _, r in ents[ents["entity_type"] == "person"].sample(120, random_state=SEED).iterrows():
        for kind, v in person_variants(str(r["name"])):
            add(kind, 1, v, r["entity_id"], split[r["entity_id"]], etype="person")
    for _, r in ents[ents["entity_type"] == "vessel"].sample(120, random_state=SEED).iterrows():
        imo = next((i for i in r["identifiers"] if i.startswith("IMO:")), "")
        prefix = rng.choice(["M/V", "MV", "MT", "M.V."])
        add("vessel_prefix", 1, f"{prefix} {r['name']}", r["entity_id"], split[r["entity_id"]])
        if imo:
            add("vessel_imo", 1, f"{r['name']} IMO {imo[4:]}", r["entity_id"], split[r["entity_id"]])
    for _, r in ents[ents["entity_type"] == "aircraft"].sample(60, random_state=SEED).iterrows():
        name = str(r["name"])
        if re.fullmatch(r"[A-Z0-9]{1,3}-[A-Z0-9]{2,6}", name):
            add(
                "aircraft_tail",
                1,
                name.replace("-", "") if rng.random() < 0.5 else name,
                r["entity_id"],
                split[r["entity_id"]],
            )

    # ---- hard negatives
    # neighbour firm: the name's most distinctive word (rarest core token, not a place) replaced by
    # another rare word from the lists, so the result names a different firm with the same place and
    # industry words
    df_tok: dict[str, int] = {}
    for n in ents["name"]:
        for t in set(normalize_name(str(n)).core):
            df_tok[t] = df_tok.get(t, 0) + 1

    def word_token(w: str) -> str | None:
        core = normalize_name(w).core
        if len(core) != 1 or len(core[0]) < 3 or core[0] in PLACE_WORDS or split_legal([core[0]])[1]:
            return None
        return core[0] if core[0].isalpha() and core[0] == w.lower().strip(",.()") else None

    vocab = sorted(
        {
            w.strip(",.()").title()
            for n in orgs["name"]
            for w in str(n).split()
            if len(w) >= 5 and (tok := word_token(w)) and df_tok.get(tok, 0) <= 2
        }
    )
    for _, r in pd.concat([uflpa, sdn_orgs.head(250)]).iterrows():
        sp = split[r["entity_id"]]
        words = str(r["name"]).split()
        scored = [(df_tok.get(tok, 0), i) for i, w in enumerate(words) if (tok := word_token(w))]
        if len(scored) >= 2:
            i = min(scored)[1]
            neighbour = " ".join([*words[:i], rng.choice(vocab), *words[i + 1 :]])
            if neighbour.casefold() not in all_names:
                add("neighbour_firm", 0, neighbour, "", sp)
        first = words[0].strip(",")
        if first.istitle() and first in [*PLACES, "Xinjiang", "Changji", "Turpan", "Hotan", "Kashgar", "Beijing"]:
            other = rng.choice([p for p in PLACES if p != first])
            add("sister_other_place", 0, " ".join([other, *words[1:]]), "", sp)
        nums = re.findall(r"\b\d+\b", str(r["name"]))
        if nums:
            add("other_number", 0, re.sub(r"\b\d+\b", str(int(nums[0]) + 3), str(r["name"]), count=1), "", sp)
        core = [w for w in words if w.isalpha() and w[0].isupper() and w.upper() not in ("CO", "LTD", "LIMITED")]
        acro = "".join(w[0] for w in core).upper()
        if 3 <= len(acro) <= 5 and acro.casefold() not in all_names:
            add("initials", 0, acro, "", sp)
    for _, r in ents[ents["entity_type"] == "person"].sample(150, random_state=SEED + 1).iterrows():
        token = str(r["name"]).split(",")[0].strip()
        if token.isalpha() and len(token) >= 4:
            add(
                "person_word_as_company",
                0,
                f"{token.title()} {rng.choice(INDUSTRY)} Co., Ltd.",
                "",
                split[r["entity_id"]],
            )
    for company in read_fg500():
        add("fortune_global_500", 0, company["name"], "", "test", company["country"])

    with OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for k, row in enumerate(rows, start=1):
            w.writerow({"query_id": k, **row})
    kinds = pd.DataFrame(rows).groupby(["kind", "split"]).size().unstack(fill_value=0)
    print(f"{len(rows)} queries -> {OUT}\n{kinds}")


if __name__ == "__main__":
    main()
