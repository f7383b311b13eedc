"""One module per public source: read a raw file and return canonical-table frames."""
