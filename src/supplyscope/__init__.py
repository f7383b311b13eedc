"""supplyscope: open, offline supply-chain resilience analysis on real public data.

The public Python API is what ``__all__`` lists; everything else lives in private or area modules.
Names other than the errors are imported on first use, so ``import supplyscope`` stays cheap::

    import supplyscope
    with supplyscope.Warehouse.open() as wh: ...
    result = supplyscope.assess(importer="USA")  # .to_frame(), .explain(hs6), .with_weights({...}), .plot()
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from supplyscope._version import __version__
from supplyscope.errors import (
    ConfigError,
    ConflictError,
    DataError,
    NotFoundError,
    RuleError,
    SupplyscopeError,
    UnavailableError,
)

_LAZY: dict[str, str] = {
    "Warehouse": "supplyscope.data.warehouse",
    "ensure_built": "supplyscope.data.build",
    "load_settings": "supplyscope.config",
    "assess": "supplyscope.notebook",
    "AssessmentResult": "supplyscope.notebook",
    "explain": "supplyscope.api",
}

if TYPE_CHECKING:
    from supplyscope.api import explain
    from supplyscope.config import load_settings
    from supplyscope.data.build import ensure_built
    from supplyscope.data.warehouse import Warehouse
    from supplyscope.notebook import AssessmentResult, assess

__all__ = [
    "AssessmentResult",
    "ConfigError",
    "ConflictError",
    "DataError",
    "NotFoundError",
    "RuleError",
    "SupplyscopeError",
    "UnavailableError",
    "Warehouse",
    "__version__",
    "assess",
    "ensure_built",
    "explain",
    "load_settings",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'supplyscope' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
