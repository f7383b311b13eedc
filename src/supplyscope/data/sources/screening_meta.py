"""The bundled screening lists' metadata (``screening/lists.json``) and file checksums; no pandas needed."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from supplyscope.data.paths import bundled


@lru_cache(maxsize=1)
def bundled_meta() -> dict[str, dict[str, Any]]:
    """Version, counts, source and caveat of each bundled list (``screening/lists.json``)."""
    meta: dict[str, dict[str, Any]] = json.loads(bundled("screening/lists.json").read_text(encoding="utf-8"))
    return meta


def bundled_checksums() -> dict[str, str]:
    """SHA-256 of each bundled list file (the index cache is keyed on these)."""
    return {
        code: hashlib.sha256(bundled(f"screening/{m['file']}").read_bytes()).hexdigest()
        for code, m in bundled_meta().items()
    }
