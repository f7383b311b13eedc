"""The bundled rule-of-origin files: hand-encoded US FTA rule sets (YAML) and the UK schemes (gzipped JSON).

Only this module knows where they live; :mod:`supplyscope.origin` parses and compiles what it returns.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from supplyscope.data.paths import BUNDLED_DIR
from supplyscope.errors import NotFoundError

US_FTA_DIR = BUNDLED_DIR / "origin" / "us_fta"
UK_DIR = BUNDLED_DIR / "origin" / "uk_psr"
UK_METADATA = "uk_roo_schemes_metadata.json.gz"


def us_fta_rule_files() -> list[Path]:
    """The bundled US FTA rule files (one YAML per agreement), sorted by name."""
    return sorted(US_FTA_DIR.glob("*.yaml"))


def uk_scheme_names() -> list[str]:
    """Names of the bundled UK schemes (file stems), e.g. ``japan``, ``cptpp``, ``eu``."""
    return sorted(p.name[: -len(".json.gz")] for p in UK_DIR.glob("*.json.gz") if p.name != UK_METADATA)


def uk_scheme_file(scheme: str) -> Path:
    """Path of one UK scheme's rule sets; :class:`NotFoundError` lists the schemes there are."""
    path = UK_DIR / f"{scheme}.json.gz"
    if not path.exists():
        raise NotFoundError("UK scheme", scheme, uk_scheme_names())
    return path


def read_uk_rule_sets(scheme: str) -> list[dict[str, Any]]:
    """The ``rule_sets`` of one UK scheme, as stored (trade-tariff-backend JSON)."""
    with gzip.open(uk_scheme_file(scheme), "rt", encoding="utf-8") as fh:
        sets: list[dict[str, Any]] = json.load(fh)["rule_sets"]
    return sets


def read_uk_metadata() -> Any:
    """The UK schemes' metadata document (titles, countries, …), as stored."""
    with gzip.open(UK_DIR / UK_METADATA, "rt", encoding="utf-8") as fh:
        return json.load(fh)
