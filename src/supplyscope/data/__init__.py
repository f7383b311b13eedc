"""Canonical tables, the DuckDB warehouse and the bundled data."""
