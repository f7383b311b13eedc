"""Resilience indicators: one module per dimension, each indicator registered once in :mod:`.registry`."""
