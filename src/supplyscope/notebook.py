"""The notebook-grade Python API: :func:`assess` returns an :class:`AssessmentResult` to explore.

::

    import supplyscope
    result = supplyscope.assess(importer="USA")
    result.to_frame().head()                 # one row per product, in rank order
    result.explain("850760")                 # every indicator, threshold, weight and part of one score
    result.with_weights({"security": 2})     # re-scored without writing TOML
    result.plot().write_html("ranking.html") # a plotly figure (this module is a front end: it may use plotly)

This module sits in the front-end layer (next to ``supplyscope.report``), so the analyses below it
stay free of plotly; the numbers all come from :mod:`supplyscope.api` and :mod:`supplyscope.scoring`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supplyscope import api
from supplyscope.config import DIMENSIONS, IndicatorSetting, Settings
from supplyscope.errors import ConfigError
from supplyscope.scoring.assessment import Assessment

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go


@dataclass(frozen=True)
class AssessmentResult:
    """A scored assessment plus what produced it, so it can be explained, re-weighted and plotted."""

    assessment: Assessment
    settings: Settings
    db: Path | str | None = None
    draws: int = 200
    seed: int = 0

    @property
    def importer(self) -> str:
        return self.assessment.importer

    @property
    def year(self) -> int:
        return self.assessment.year

    def to_frame(self) -> pd.DataFrame:
        """One row per entity in rank order: score, rank interval, dimensions, main driver, every value and risk."""
        return self.assessment.to_frame()

    def explain(self, code: str) -> dict[str, Any]:
        """One entity's drill-down (the record of ``supplyscope explain --format json``), with its suppliers."""
        from supplyscope.codes.hs import normalise_hs6
        from supplyscope.data.build import ensure_built
        from supplyscope.indicators.context import Context

        a = self.assessment
        code = normalise_hs6(code) if a.level == "product" else code
        with ensure_built(self.db) as wh:
            return api.explain_record(a, Context(wh, importer=a.importer, year=a.year), code)

    def with_weights(self, weights: dict[str, float]) -> AssessmentResult:
        """Re-score with changed weights: keys are dimensions (``"security"``) or indicators (``"import_hhi"``).

        The indicator values are reused; only the scores, ranks and rank intervals change.
        """
        settings = reweighted(self.settings, weights)
        return replace(
            self, assessment=self.assessment.rescored(settings, draws=self.draws, seed=self.seed), settings=settings
        )

    def plot(self, top: int = 30) -> go.Figure:
        """The top entities' dimension scores as grouped bars (a plotly figure; ``.show()`` or ``.write_html()``)."""
        from supplyscope.report import figures
        from supplyscope.report.labels import settings_text

        a = self.assessment
        records = a.entities(top)
        source = f"{a.importer} imports {a.year}; {settings_text(a.filters)}"
        fig = figures.dimension_bars(records, a.key, source)
        fig.update_layout(
            title=f"Top {len(records)} of {a.count:,} by overall score — dimension scores (0–100)"
            f"<br><sub>{source}</sub>"
        )
        return fig


def reweighted(settings: Settings, weights: dict[str, float]) -> Settings:
    """``settings`` with some dimension or indicator weights replaced (``ConfigError`` on an unknown name)."""
    dims = dict(settings.dimensions)
    indicators = dict(settings.indicators)
    for name, value in weights.items():
        w = float(value)
        if not w >= 0 or w == float("inf"):
            raise ConfigError(f"weight must be a finite number ≥ 0, not {value!r}", key=name)
        if name in DIMENSIONS:
            dims[name] = w
        elif name in indicators:
            indicators[name] = IndicatorSetting(weight=w, thresholds=indicators[name].thresholds)
        else:
            known = ", ".join([*DIMENSIONS, *sorted(indicators)])
            raise ConfigError(f"not a dimension or indicator (known: {known})", key=name)
    if not any(v > 0 for v in dims.values()):
        raise ConfigError("at least one dimension needs a weight above 0", key="dimensions")
    return replace(settings, dimensions=dims, indicators=indicators)


def assess(
    importer: str = "USA",
    year: int | None = None,
    level: str = "product",
    *,
    db: Path | str | None = None,
    config: Path | str | None = None,
    min_import: float = 1e6,
    draws: int = 200,
    seed: int = 0,
) -> AssessmentResult:
    """Score and rank every product (HS6) or industry of the importer-year; the result is explorable.

    The same computation as ``supplyscope assess`` (and its cache); the warehouse is built on first use.
    """
    if draws < 1 or seed < 0:
        raise ConfigError("draws must be at least 1 and seed at least 0", key="draws" if draws < 1 else "seed")
    result, ctx = api.assessment(
        importer, year, level, db=db, config=config, min_import=min_import, draws=draws, seed=seed
    )
    ctx.warehouse.close()
    return AssessmentResult(result, api.settings(config), db=db, draws=draws, seed=seed)
