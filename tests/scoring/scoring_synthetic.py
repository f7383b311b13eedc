"""A tiny SYNTHETIC warehouse whose indicator values can be worked out by hand (see test_core_handworked)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from supplyscope.data.warehouse import Warehouse

SRC = "synthetic:handworked"


def build() -> Warehouse:
    wh = Warehouse.open(":memory:")
    products = pd.DataFrame(
        {
            "code": ["000001", "000002"],
            "hs_version": "HS2022",
            "level": 6,
            "description": ["Synthetic widget A", "Synthetic widget B"],
            "parent": ["0000", "0000"],
            "section": ["I", "I"],
            "chapter": ["00", "00"],
            "heading": ["0000", "0000"],
        }
    )
    wgi = {"CAN": 1.0, "CHN": -1.0, "VNM": 0.0, "DEU": 0.5, "USA": 1.0}
    countries = pd.DataFrame(
        {
            "iso3": list(wgi),
            "name": list(wgi),
            "wgi_year": 2021,
            **{c: list(wgi.values()) for c in ("wgi_va", "wgi_pv", "wgi_ge", "wgi_rq", "wgi_rl", "wgi_cc")},
            "is_aggregate": False,
        }
    )
    groups = pd.DataFrame(
        {
            "group_name": ["concern", "fta", "like_minded", "like_minded"],
            "iso3": ["CHN", "CAN", "CAN", "USA"],
            "source": "synthetic",
        }
    )
    flows = pd.DataFrame(
        {
            "year": 2024,
            "exporter": ["CAN", "CHN", "VNM", "CAN"],
            "importer": "USA",
            "hs6": ["000001", "000001", "000001", "000002"],
            "hs_version": "HS2022",
            "value_usd": [60.0, 30.0, 10.0, 100.0],
            "quantity": np.nan,
            "unit": None,
            "duty_usd": [0.0, 6.0, 0.0, 0.0],
            "reporter": "importer",
            "source": SRC,
        }
    )
    lines = pd.DataFrame(
        {
            "year": 2024,
            "importer": "USA",
            "exporter": ["CAN", "CHN", "VNM", "CAN"],
            "hts10": ["0000010010", "0000010090", "0000010090", "0000020000"],
            "hs6": ["000001", "000001", "000001", "000002"],
            "description": ["WIDGETS, OF STEEL", "WIDGETS, NESOI", "WIDGETS, NESOI", "WIDGETS B"],
            "value_usd": [60.0, 30.0, 10.0, 100.0],
            "duty_usd": [0.0, 6.0, 0.0, 0.0],
            "source": SRC,
        }
    )
    partner = pd.DataFrame(
        {
            "year": 2024,
            "importer": "USA",
            "exporter": ["CAN", "OTH"],
            "hs2": "00",
            "value_usd": [200.0, 50.0],
            "duty_usd": 0.0,
            "source": SRC,
        }
    )
    measures = pd.DataFrame(
        {
            "measure": "section301:List 3",
            "hts": ["00000100"],
            "valid_from": [pd.Timestamp("2018-09-24").date()],
            "kind": "301",
            "rate": 0.25,
            "list": "List 3",
            "exclusions": None,
            "source": SRC,
        }
    )
    world = pd.DataFrame(
        {
            "year": 2022,
            "country": ["CHN", "CAN", "VNM", "DEU", "DEU"],
            "sector": ["X01"] * 4 + ["X02"],
            "output_usd": [50.0, 30.0, 10.0, 10.0, 100.0],
            "source": SRC,
        }
    )
    links = pd.DataFrame(
        {
            "hs6": ["000001", "000002", "000002", "000001", "000002"],
            "classification": ["ICIO2025", "ICIO2025", "ICIO2025", "BEA2012", "BEA2012"],
            "industry": ["X01", "X01", "X02", "IND1", "IND1"],
            "weight": [1.0, 0.5, 0.5, 1.0, 1.0],
            "source": SRC,
        }
    )
    industries = pd.DataFrame(
        {
            "classification": "BEA2012",
            "industry": ["IND1"],
            "name": ["Synthetic industry"],
            "upstreamness": [2.0],
            "import_penetration": [0.4],
        }
    )
    end_use = pd.DataFrame(
        {
            "hs6": ["000001", "000001", "000002"],
            "bec4": ["420", "610", "112"],
            "end_use": ["intermediate", "consumption", "consumption"],
            "source": SRC,
        }
    )
    linkage = pd.DataFrame(
        {
            "classification": ["BEA2012", "ICIO2025", "ICIO2025"],
            "industry": ["IND1", "X01", "X02"],
            "intermediate_share": [0.5, 0.9, 0.3],
            "productive_use_share": [0.6, np.nan, np.nan],
            "user_output_share": [0.05, 0.5, 0.1],
            "user_industries": [7, 20, 3],
            "import_export_ratio": [2.0, np.nan, np.nan],
            "source": SRC,
        }
    )
    wh.load({"products": products, "countries": countries, "industries": industries}, source=SRC, checksum="-")
    wh.load({"product_end_use": end_use, "industry_linkage": linkage}, source=SRC, checksum="-")
    wh.load(
        {
            "country_groups": groups,
            "trade_flows": flows,
            "tariff_line_flows": lines,
            "partner_totals": partner,
            "trade_measures": measures,
            "world_supply": world,
            "product_industry": links,
        },
        source=SRC,
        checksum="-",
    )
    return wh
