"""Reference codes: HS products, countries and groups, HS-to-industry concordances."""
