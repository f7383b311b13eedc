"""Input-output analysis: MRIO model, Leontief/Ghosh maths, look-through exposure, shock ripple.

Typical use::

    from supplyscope.inputoutput import load_icio, exposure, load_scenarios, run_scenarios
    table = load_icio()                       # OECD ICIO 2022, 80 countries × 50 sectors
    exposure(table, "USA", "CHN")             # face value vs look-through, per US industry
    run_scenarios(table, load_scenarios("scenario.toml"))
"""

from __future__ import annotations

from .bea import industry_by_industry, load_bea
from .exposure import exposure, exposure_table, foreign_share, import_exposure
from .from_pymrio import from_pymrio
from .icio import load_icio, read_icio_csv, read_icio_npz
from .iomath import (
    LeontiefLU,
    calc_A,
    calc_B,
    calc_G,
    calc_L,
    calc_v,
    calc_x,
    ghosh_multipliers,
    ghosh_solve,
    leontief_lu,
    output_multipliers,
    value_added_multipliers,
)
from .model import IOTable
from .products import product_exposure, product_import_exposure
from .scenarios import Scenario, Shock, load_scenarios, parse_scenarios
from .shocks import ShockResult, run_scenarios
from .tiva import domestic_sourcing, foreign_value_added

__all__ = [
    "IOTable",
    "LeontiefLU",
    "Scenario",
    "Shock",
    "ShockResult",
    "calc_A",
    "calc_B",
    "calc_G",
    "calc_L",
    "calc_v",
    "calc_x",
    "domestic_sourcing",
    "exposure",
    "exposure_table",
    "foreign_share",
    "foreign_value_added",
    "from_pymrio",
    "ghosh_multipliers",
    "ghosh_solve",
    "import_exposure",
    "industry_by_industry",
    "leontief_lu",
    "load_bea",
    "load_icio",
    "load_scenarios",
    "output_multipliers",
    "parse_scenarios",
    "product_exposure",
    "product_import_exposure",
    "read_icio_csv",
    "read_icio_npz",
    "run_scenarios",
    "value_added_multipliers",
]
