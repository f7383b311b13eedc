"""The package version, defined once: ``pyproject.toml`` reads it, ``supplyscope.__version__`` re-exports it."""

__version__ = "0.1.0"
