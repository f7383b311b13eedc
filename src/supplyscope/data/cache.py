"""Reference work computed once and kept under ``$SUPPLYSCOPE_HOME/cache``, keyed by its inputs' checksums.

A cache entry is a JSON document named ``<name>-<key>.json``, where the key is the SHA-256 of the input
files' bytes and of a version string the caller bumps when the derived format changes. A changed input or
format gives a new key, so a stale entry is never read; older entries of the same name are removed when a
new one is written. Entries are written atomically (temporary file, then rename), so a crash leaves either
the old entry or the new one, never half of one. JSON, not pickle: an entry is data, readable and safe to load.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from supplyscope.data.paths import home


def cache_dir() -> Path:
    """``<home>/cache``, created on first use."""
    path = home() / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def inputs_key(inputs: Iterable[Path], version: str) -> str:
    """SHA-256 over ``version`` and every input file's name and bytes (first 16 hex digits)."""
    digest = hashlib.sha256(version.encode())
    for path in inputs:
        digest.update(path.name.encode())
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def cached_json(name: str, inputs: Iterable[Path], version: str, build: Callable[[], Any]) -> Any:
    """The cached document for these inputs, or ``build()`` stored and returned when there is none.

    ``build`` must return plain JSON data (dicts, lists, strings, numbers, booleans, None).
    """
    key = inputs_key(list(inputs), version)
    directory = cache_dir()
    target = directory / f"{name}-{key}.json"
    try:
        with target.open(encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        pass  # missing or unreadable: rebuild below
    value = build()
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(value, fh, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, target)
    except OSError:
        Path(tmp).unlink(missing_ok=True)  # a read-only or full home still gets the computed value
        return value
    for old in directory.glob(f"{name}-" + "?" * len(key) + ".json"):  # the same name with another key
        if old != target:
            old.unlink(missing_ok=True)
    return value
