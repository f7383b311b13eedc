"""With BACI loaded, world indicators switch to exporter x HS6 flows and say so (mock BACI, not real trade)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from supplyscope.data.external import load_external
from supplyscope.data.warehouse import Warehouse
from supplyscope.indicators.context import Context
from supplyscope.scoring.assessment import indicator_values

COUNTRIES = (
    "country_code,country_name,country_iso2,country_iso3\n"
    "156,China,CN,CHN\n276,Germany,DE,DEU\n392,Japan,JP,JPN\n410,Korea,KR,KOR\n842,USA,US,USA\n"
)
PRODUCTS = "code,description\n850760,Lithium-ion accumulators\n"
# MOCK values in thousands of USD: world exports of 850760 = CHN 600, KOR 200, JPN 100, DEU 100
Y2024 = (
    "t,i,j,k,v,q\n"
    "2024,156,842,850760,400,1\n"
    "2024,156,276,850760,200,1\n"
    "2024,410,842,850760,150,1\n"
    "2024,410,392,850760,50,1\n"
    "2024,392,842,850760,100,1\n"
    "2024,276,842,850760,100,1\n"
)


def mock_baci(folder: Path) -> Path:
    path = folder / "BACI_HS22_V202601.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("country_codes_V202601.csv", COUNTRIES)
        zf.writestr("product_codes_HS22_V202601.csv", PRODUCTS)
        zf.writestr("BACI_HS22_Y2024_V202601.csv", Y2024)
    return path


def test_world_indicators_use_baci_once_loaded(bundled_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(bundled_db, db)
    with Warehouse.open(db) as wh:
        before = Context(wh, importer="USA")
        assert "ICIO" in before.world_basis
        counts = load_external(wh, baci=mock_baci(tmp_path))
        assert sum(counts.values()) == 6
        ctx = Context(wh, importer="USA")
        assert "exporter x HS6" in ctx.world_basis and "BACI" in ctx.world_basis
        # the importer's own imports still come from the Census table, not from BACI
        assert ctx.importer_sources == ["census:us_imports_hs10_by_partner_2024.parquet"]
        values, _, bases = indicator_values(ctx)
    shares = {"CHN": 0.6, "KOR": 0.2, "JPN": 0.1, "DEU": 0.1}
    assert values.loc["850760", "world_export_hhi"] == pytest.approx(sum(s * s for s in shares.values()))
    assert values.loc["850760", "world_top3_share"] == pytest.approx(0.9)
    assert values.loc["850760", "world_concern_share"] == pytest.approx(0.6)
    assert "BACI" in bases["world_export_hhi"]
