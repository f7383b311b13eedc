"""Optional parts of the package: import them through :func:`require` for a one-line hint when missing.

The extras are declared in ``pyproject.toml``: ``service`` (FastAPI, uvicorn), ``postgres`` (psycopg),
``spark`` (PySpark) and ``ftm`` (FollowTheMoney). ``test`` installs them all.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from supplyscope.errors import ConfigError

EXTRAS = {
    "fastapi": "service",
    "uvicorn": "service",
    "psycopg": "postgres",
    "pyspark": "spark",
    "followthemoney": "ftm",
}


def require(module: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise :class:`ConfigError` naming the extra that provides it.

    ``purpose`` completes the sentence "… needs the [extra] extra", e.g. ``"the web service"``.
    """
    top = module.partition(".")[0]
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.partition(".")[0] != top:
            raise  # a different module is missing: a real bug, not a missing extra
        extra = EXTRAS.get(top, top)
        raise ConfigError(
            f"{purpose} needs the [{extra}] extra: pip install 'supplyscope[{extra}]'", key=extra
        ) from None
