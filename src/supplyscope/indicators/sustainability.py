"""Sustainability: governance proxies for labour rights and rule of law among suppliers.

These are **proxies**. The WGI measure perceptions of governance at country level; they say nothing
about a given supplier's practices. They stand in for labour-rights and forced-labour risk only in
the sense that weak voice, rule of law and corruption control make abuse harder to detect and remedy.
"""

from __future__ import annotations

from supplyscope.indicators.base import Indicator
from supplyscope.indicators.diversity import IMPORTS
from supplyscope.indicators.security import WGI_REF, _wgi

_PROXY = "Proxy (country-level governance perception), not a measure of labour conditions."

INDICATORS = (
    Indicator(
        "supplier_voice_accountability",
        "sustainability",
        "sustainability",
        "lower",
        "WGI estimate (-2.5..2.5)",
        "Σ_j s_j · VA_j over suppliers with a WGI score",
        WGI_REF,
        IMPORTS + "; WGI",
        "Import-weighted voice and accountability of suppliers. " + _PROXY,
        _wgi("wgi_va"),
    ),
    Indicator(
        "supplier_rule_of_law",
        "sustainability",
        "sustainability",
        "lower",
        "WGI estimate (-2.5..2.5)",
        "Σ_j s_j · RL_j over suppliers with a WGI score",
        WGI_REF,
        IMPORTS + "; WGI",
        "Import-weighted rule of law of suppliers. " + _PROXY,
        _wgi("wgi_rl"),
    ),
    Indicator(
        "supplier_control_of_corruption",
        "sustainability",
        "sustainability",
        "lower",
        "WGI estimate (-2.5..2.5)",
        "Σ_j s_j · CC_j over suppliers with a WGI score",
        WGI_REF,
        IMPORTS + "; WGI",
        "Import-weighted control of corruption of suppliers. " + _PROXY,
        _wgi("wgi_cc"),
    ),
)
