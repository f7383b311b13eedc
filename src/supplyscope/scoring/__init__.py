"""Thresholds and weights → risks, dimension scores, overall score, ranking and sensitivity."""
