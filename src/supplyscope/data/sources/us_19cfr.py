"""Reader for the bundled 19 CFR Part 102 rule corpora (102.20, 102.21 and the 87 FR 68356 overlay)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from supplyscope.data.paths import bundled
from supplyscope.errors import DataError

CFR_102_20 = "origin/us_19cfr/102.20-2026-08-26.json.gz"
CFR_102_21 = "origin/us_19cfr/102.21-2026-08-26.json.gz"
CFR_102_21_OVERLAY = "origin/us_19cfr/102.21-6201-6208-87FR68356.json.gz"


def read_cfr_corpus(path: str | Path) -> dict[str, Any]:
    """One corpus file (gzipped JSON with a ``rules`` list); a bundled name or a path."""
    p = Path(path)
    if not p.is_absolute() and not p.exists():
        p = bundled(str(path))
    try:
        with gzip.open(p, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"cannot read 19 CFR rule corpus: {exc}", source=str(p)) from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise DataError("a rule corpus needs a 'rules' list", source=str(p), field="rules")
    return data
