"""Self-contained HTML reports and figures."""
