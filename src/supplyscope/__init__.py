"""supplyscope: open, offline supply-chain resilience analysis on real public data."""

from supplyscope.errors import ConfigError, DataError, NotFoundError, RuleError, SupplyscopeError

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "DataError",
    "NotFoundError",
    "RuleError",
    "SupplyscopeError",
    "__version__",
]
