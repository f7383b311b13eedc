"""Entity screening of shippers: each distinct (name, address, country) is screened once.

Names repeat across shipments (a day of 4 million parcels has far fewer distinct shippers), so the
pipeline asks the engine for the distinct shipper keys, has the engine's workers screen them batch by
batch with :func:`screen_batch` (the screener is shipped to each worker once) and joins the results back.
The default screener wraps :mod:`supplyscope.screening` (name index over the bundled SDN and UFLPA
lists, and the Xinjiang place-name matcher); anything with the same method can replace it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd
import pyarrow as pa

from supplyscope.errors import ConfigError

KEY_COLUMNS = ("name_key", "address_key", "country_key")
RESULT_COLUMNS = (
    *KEY_COLUMNS,
    "hit_list",
    "hit_id",
    "hit_name",
    "hit_score",
    "hit_explanation",
    "xinjiang_term",
)
RESULT_SCHEMA = pa.schema([(c, pa.float64() if c == "hit_score" else pa.string()) for c in RESULT_COLUMNS])
"""Arrow schema of the screened keys (table ``party_hits``)."""


@dataclass(frozen=True)
class PartyResult:
    """Screening outcome for one shipper: the best list hit (if any) and any Xinjiang term found."""

    hit_list: str | None = None
    hit_id: str | None = None
    hit_name: str | None = None
    hit_score: float | None = None
    hit_explanation: str | None = None
    xinjiang_term: str | None = None


class PartyScreener(Protocol):
    """Screens shipper names (with their addresses and countries, aligned) against lists."""

    name: str
    versions: dict[str, str]

    def screen_parties(
        self,
        names: Sequence[str],
        addresses: Sequence[str | None],
        countries: Sequence[str | None],
        progress: Callable[[int], None] | None = None,
    ) -> list[PartyResult]: ...


class IndexScreener:
    """Adapter to :mod:`supplyscope.screening`: ``load_index().screen_many`` and ``xinjiang_match``."""

    name = "supplyscope.screening"

    def __init__(self, threshold: float | None = None, db: str | None = None) -> None:
        try:
            from supplyscope import screening
        except ImportError as exc:  # pragma: no cover - the package ships with supplyscope
            raise ConfigError(f"entity screening is unavailable: {exc}", key="screening") from exc
        self._index = screening.load_index(db)
        self._xinjiang = screening.xinjiang_match
        self.threshold = threshold
        self.versions: dict[str, str] = dict(self._index.versions)
        self.cache_key = _cache_key(db, threshold)
        """Identifies this screener's results: lists, matching code and threshold (see ``party_cache``)."""

    def screen_parties(
        self,
        names: Sequence[str],
        addresses: Sequence[str | None],
        countries: Sequence[str | None],
        progress: Callable[[int], None] | None = None,
    ) -> list[PartyResult]:
        hits = self._index.screen_many(list(names), list(countries), list(addresses), self.threshold, progress=progress)
        out: list[PartyResult] = []
        for name, address, country, found in zip(names, addresses, countries, hits, strict=True):
            term = self._xinjiang(address, country) or self._xinjiang(name, country)
            if found:
                best = found[0]
                out.append(PartyResult(best.list, best.entity_id, best.name, float(best.score), best.explanation, term))
            else:
                out.append(PartyResult(xinjiang_term=term))
        return out


def _cache_key(db: str | None, threshold: float | None) -> str:
    from supplyscope.screening import bundle, xinjiang
    from supplyscope.shipments.party_cache import FORMAT

    code = hashlib.sha256(Path(xinjiang.__file__).read_bytes() + Path(__file__).read_bytes()).hexdigest()
    parts = {"index": bundle.cache_key(db, True), "threshold": threshold, "code": code, "format": FORMAT}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:24]


def screen_keys(
    keys: pd.DataFrame, screener: PartyScreener, progress: Callable[[int], None] | None = None
) -> pd.DataFrame:
    """Screen distinct shipper keys (columns :data:`KEY_COLUMNS`; '' for a missing address or country)."""
    names = [str(x) for x in keys["name_key"]]
    addresses = [str(x) or None for x in keys["address_key"]]
    countries = [str(x) or None for x in keys["country_key"]]
    results = screener.screen_parties(names, addresses, countries, progress)
    if len(results) != len(names):
        raise ConfigError(
            f"screener {screener.name} returned {len(results)} results for {len(names)} names",
            key="screening",
        )
    frame = pd.DataFrame(
        {
            "name_key": names,
            "address_key": [str(x) for x in keys["address_key"]],
            "country_key": [str(x) for x in keys["country_key"]],
            "hit_list": [r.hit_list for r in results],
            "hit_id": [r.hit_id for r in results],
            "hit_name": [r.hit_name for r in results],
            "hit_score": [r.hit_score for r in results],
            "hit_explanation": [r.hit_explanation for r in results],
            "xinjiang_term": [r.xinjiang_term for r in results],
        },
        columns=list(RESULT_COLUMNS),
    )
    return frame.astype({c: "string" for c in RESULT_COLUMNS if c != "hit_score"} | {"hit_score": "float64"})


def screen_batch(keys: pd.DataFrame, screener: PartyScreener) -> pd.DataFrame:
    """:func:`screen_keys` for one batch on an engine worker (the ``fn`` of :meth:`Engine.map_table`)."""
    return screen_keys(keys, screener)
