"""Loading: OECD CSV layout, the bundled ICIO extract, BEA tables, and rejection of malformed tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from supplyscope.data.paths import bundled
from supplyscope.errors import DataError
from supplyscope.inputoutput import IOTable, industry_by_industry, load_bea, read_icio_csv, read_icio_npz

DATA = Path(__file__).parent / "data"
MINI = DATA / "icio_mini.csv"


def test_read_icio_csv_layout() -> None:
    t = read_icio_csv(MINI)
    assert t.labels.tolist() == ["AAA_A01", "AAA_C26", "BBB_A01", "BBB_C26"]
    assert t.final_demand.tolist() == ["AAA_HFCE", "AAA_GFCF", "BBB_HFCE", "BBB_GFCF"]
    np.testing.assert_allclose(t.x, [1000, 2000, 500, 1000])
    np.testing.assert_allclose(t.v, [600, 1200, 380, 800])  # TLS + VA
    assert t.Z[0, 1] == 500.0


def _write(tmp_path: Path, edit: str, old: str, new: str) -> Path:
    text = MINI.read_text().replace(old, new, 1)
    path = tmp_path / f"{edit}.csv"
    path.write_text(text)
    return path


def test_negative_flow_is_rejected_with_row(tmp_path: Path) -> None:
    path = _write(tmp_path, "neg", "AAA_C26,200,100", "AAA_C26,200,-100")
    with pytest.raises(DataError, match=r"negative intermediate flows in rows AAA_C26 \(columns AAA_C26\)") as exc:
        read_icio_csv(path)
    assert exc.value.field == "Z"


def test_label_mismatch_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "labels", "V1,AAA_A01,AAA_C26,BBB_A01,BBB_C26", "V1,AAA_A01,BBB_A01,AAA_C26,BBB_C26")
    with pytest.raises(DataError, match="different order: row 'AAA_C26' vs column 'BBB_A01'"):
        read_icio_csv(path)
    path = _write(tmp_path, "orphan", "BBB_C26,40,160", "BBB_C99,40,160")
    with pytest.raises(DataError, match="'BBB_C99' has no matching column") as exc:
        read_icio_csv(path)
    assert exc.value.row == 5


def test_non_number_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "text", "BBB_A01,10,40", "BBB_A01,ten,40")
    with pytest.raises(DataError, match="not a number: 'ten'") as exc:
        read_icio_csv(path)
    assert exc.value.field == "AAA_A01"
    assert exc.value.row == 4


def test_unbalanced_and_overfull_columns_are_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "balance", "AAA_A01,150,500,20,30,200,50", "AAA_A01,150,500,20,30,300,50")
    with pytest.raises(DataError, match=r"do not balance.*AAA_A01"):
        read_icio_csv(path)
    Z = np.array([[5.0, 1.0], [6.0, 1.0]])
    with pytest.raises(DataError, match=r"columns of A sum to 1 or more: R_a \(1\.100\)"):
        IOTable.create(
            Z=Z,
            Y=np.array([4.0, 3.0]),
            x=np.array([10.0, 10.0]),
            regions=["R", "R"],
            sectors=["a", "b"],
            name="t",
            unit="u",
            balance_rtol=1.0,
        )


def test_shape_and_label_errors() -> None:
    with pytest.raises(DataError, match="square"):
        IOTable.create(Z=np.ones((2, 3)), Y=np.ones(2), regions=["R", "R"], sectors=["a", "b"], name="t", unit="u")
    with pytest.raises(DataError, match="duplicate node labels: R_a"):
        IOTable.create(Z=np.zeros((2, 2)), Y=np.ones(2), regions=["R", "R"], sectors=["a", "a"], name="t", unit="u")
    with pytest.raises(DataError, match="row R_b vs column R_c"):
        IOTable.create(
            Z=np.zeros((2, 2)),
            Y=np.ones(2),
            regions=["R", "R"],
            sectors=["a", "b"],
            col_sectors=["a", "c"],
            name="t",
            unit="u",
        )
    with pytest.raises(DataError, match="inputs but zero output: R_b"):
        IOTable.create(
            Z=np.array([[0.0, 1.0], [0.0, 0.0]]),
            Y=np.array([0.0, 0.0]),
            x=np.array([1.0, 0.0]),
            regions=["R", "R"],
            sectors=["a", "b"],
            name="t",
            unit="u",
            balance_rtol=1.0,
        )


def test_sector_major_npz_is_reordered(tmp_path: Path) -> None:
    # synthetic 2 countries x 2 sectors, stored sector-major like the bundled extract
    labels = np.array(["AAA_A01", "BBB_A01", "AAA_C26", "BBB_C26"])
    Z = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]], dtype=np.float32)
    x = np.array([100.0, 200.0, 300.0, 400.0])
    path = tmp_path / "t.npz"
    np.savez(
        path,
        Z=Z,
        gross_output=x,
        final_and_row_demand=x - Z.sum(axis=1),
        value_added=x - Z.sum(axis=0),
        labels=labels,
        sectors=np.array(["A01", "C26"]),
        sector_names=np.array(["Agri", "Electronics"]),
    )
    t = read_icio_npz(path)
    assert t.labels.tolist() == ["AAA_A01", "AAA_C26", "BBB_A01", "BBB_C26"]
    assert t.Z[1, 2] == 10.0  # AAA_C26 -> BBB_A01 was Z[2, 1]
    np.testing.assert_allclose(t.x, [100, 300, 200, 400])


def test_bundled_icio(icio: IOTable) -> None:
    raw = np.load(bundled("io/oecd_icio2025_y2022_80c50s.npz"), allow_pickle=False)
    assert icio.n == 4000 and len(icio.region_list) == 80 and len(icio.sector_list) == 50
    assert icio.region_list[:2] == ["AGO", "ARE"] and icio.labels[50] == "ARE_A01"
    k = int(np.flatnonzero(raw["labels"] == "USA_C26")[0])
    assert icio.x[icio.node("USA", "C26")] == raw["gross_output"][k]
    assert (icio.A.sum(axis=0) < 1).all()


def test_bea_method_hand_example() -> None:
    use = pd.DataFrame(
        {
            "code": ["c1", "c2", "V00100", "T008"],
            "i1": [10.0, 30.0, 60.0, 100.0],
            "i2": [20.0, 5.0, 75.0, 100.0],
            "F01000": [60.0, 75.0, 0.0, 0.0],
        }
    )
    make = pd.DataFrame(
        {
            "code": ["i1", "i2", "T007"],
            "c1": [90.0, 0.0, 90.0],
            "c2": [10.0, 100.0, 110.0],
            "T008": [100.0, 100.0, 200.0],
        }
    )
    t = industry_by_industry(use, make, None, name="hand", unit="u")
    # D = V q^-1 = [[1, 1/11], [0, 10/11]]; Z = D U
    np.testing.assert_allclose(t.Z, [[10 + 30 / 11, 20 + 5 / 11], [300 / 11, 50 / 11]])
    np.testing.assert_allclose(t.x, [100.0, 100.0])
    np.testing.assert_allclose(t.y, [60 + 75 / 11, 750 / 11])


def test_bea_tables_load_and_match_published_output() -> None:
    summary = load_bea("summary2023")
    make = pd.read_parquet(bundled("io/bea/Summary_Make_2023_BeforeRedef_17sch.parquet")).set_index("code")
    published = make.loc[summary.sectors.tolist(), "Total Industry Output"].to_numpy()
    # published totals; GFE's -28 make entry is set to 0 (see notes)
    assert np.abs(summary.x - published).max() <= 28.0
    assert summary.n == 71 and (summary.A.sum(axis=0) < 1).all()
    detail = load_bea("detail2017")
    assert detail.n == 402 and detail.Z_imports is not None
    assert any("S00201" in note for note in detail.notes)


def test_split_china_is_merged(tmp_path: Path) -> None:
    # the synthetic fixture with region AAA renamed to the OECD split codes CN1 / CN2 for one sector each
    text = MINI.read_text().replace("AAA_A01", "CN1_A01").replace("AAA_C26", "CN1_C26")
    text = text.replace("BBB_A01", "CN2_A01")
    path = tmp_path / "split.csv"
    path.write_text(text)
    merged = read_icio_csv(path)
    raw = read_icio_csv(path, merge_split=False)
    assert merged.labels.tolist() == ["CHN_A01", "CHN_C26", "BBB_C26"]
    np.testing.assert_allclose(merged.x, [1500, 2000, 1000])
    # CHN_A01 row = CN1_A01 + CN2_A01 rows, columns merged likewise
    assert merged.Z[0, 0] == raw.Z[0, 0] + raw.Z[0, 2] + raw.Z[2, 0] + raw.Z[2, 2]
    np.testing.assert_allclose(merged.Z.sum(), raw.Z.sum())
    np.testing.assert_allclose(merged.v.sum(), raw.v.sum())


def test_bea_mismatch_names_file_and_code() -> None:
    use = pd.DataFrame({"code": ["c1", "c2"], "i1": [10.0, 30.0], "F01000": [60.0, 75.0]})
    make = pd.DataFrame({"code": ["i1", "i2"], "c1": [90.0, 0.0], "c2": [10.0, 100.0]})
    with pytest.raises(DataError, match=r"columns missing: \['i2'\]") as exc:
        industry_by_industry(use, make, None, name="hand", unit="u", source=("use.csv", "make.csv", "imp.csv"))
    assert exc.value.source == "use.csv"
    bad = use.assign(i2=["x", 1.0])
    with pytest.raises(DataError, match="not a number: 'x'") as exc:
        industry_by_industry(bad, make, None, name="hand", unit="u", source=("use.csv", "make.csv", "imp.csv"))
    assert exc.value.row == 2 and exc.value.field == "i2"


def test_from_pymrio_rejects_missing_parts() -> None:
    from supplyscope.inputoutput import from_pymrio

    class Empty:
        Z = None
        Y = None

    with pytest.raises(DataError, match="no final demand Y"):
        from_pymrio(Empty())
