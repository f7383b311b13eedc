"""Review decisions, the hash-chained audit log (tampering detected), streaming and the index cache."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from supplyscope.cli import app
from supplyscope.errors import DataError
from supplyscope.screening import ScreeningIndex
from supplyscope.screening.audit import append, verify
from supplyscope.screening.batch import iter_suppliers, screen_stream

runner = CliRunner()
SUPPLIERS = """name,country
XINJIANG ZHONGTAI CHEM CO,China
Acme Widgets Incorporated,USA
CAMELGROUP CO LTD,CN
,
Hotan Haolin Hair Accessories,CN
"""


@pytest.fixture
def run(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "suppliers.csv"
    src.write_text(SUPPLIERS, encoding="utf-8")
    out, audit = tmp_path / "hits.csv", tmp_path / "audit.jsonl"
    res = runner.invoke(app, ["screen", str(src), "--country-col", "country", "--out", str(out), "--audit", str(audit)])
    assert res.exit_code == 0, res.output
    return out, audit


def first_hit(out: Path) -> dict[str, str]:
    with out.open(encoding="utf-8", newline="") as fh:
        return next(r for r in csv.DictReader(fh) if r["entity_id"])


def test_review_records_decision_reason_and_user(run: tuple[Path, Path]) -> None:
    out, audit = run
    h = first_hit(out)
    args = ["screen", "review", str(out), "--row", h["row"], "--entity", h["entity_id"], "--decision", "escalated"]
    res = runner.invoke(app, [*args, "--reason", "same name, Urumqi address", "--user", "alice", "--audit", str(audit)])
    assert res.exit_code == 0, res.output
    records = [json.loads(x) for x in audit.read_text(encoding="utf-8").splitlines()]
    rec = records[-1]
    assert rec["command"] == "review" and rec["user"] == "alice"
    assert rec["decisions"] == [
        {
            "row": int(h["row"]),
            "input": h["input"],
            "entity_id": h["entity_id"],
            "list": h["list"],
            "listed_name": h["listed_name"],
            "score": float(h["score"]),
            "decision": "escalated",
            "reason": "same name, Urumqi address",
        }
    ]
    assert rec["results_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert "PARTIAL" in rec["list_versions"]
    assert verify(audit).ok and verify(audit).records == 2


def test_review_rejects_unknown_hits_and_decisions(run: tuple[Path, Path], tmp_path: Path) -> None:
    out, audit = run
    h = first_hit(out)
    bad = tmp_path / "decisions.csv"
    bad.write_text(f"row,entity_id,decision,reason\n{h['row']},{h['entity_id']},waived,ok\n", encoding="utf-8")
    res = runner.invoke(app, ["screen", "review", str(out), "--decisions", str(bad), "--audit", str(audit)])
    assert isinstance(res.exception, DataError) and res.exception.row == 2 and res.exception.field == "decision"
    res = runner.invoke(
        app, ["screen", "review", str(out), "--row", "2", "--entity", "SDN:1", "--decision", "cleared", "--reason", "x"]
    )
    assert isinstance(res.exception, DataError) and res.exception.field == "entity_id"
    assert len(audit.read_text(encoding="utf-8").splitlines()) == 1  # nothing recorded


def _three(audit: Path) -> list[str]:
    for k in range(3):
        append(audit, {"command": "test", "n": k})
    return audit.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("how", ["edit", "delete", "reorder"])
def test_verify_detects_tampering(tmp_path: Path, how: str) -> None:
    audit = tmp_path / "audit.jsonl"
    lines = _three(audit)
    assert verify(audit).ok
    if how == "edit":
        lines[1] = lines[1].replace('"n": 1', '"n": 7')
    elif how == "delete":
        del lines[1]
    else:
        lines[0], lines[1] = lines[1], lines[0]
    audit.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = verify(audit)
    assert not result.ok
    res = runner.invoke(app, ["screen", "verify", "--audit", str(audit)])
    assert res.exit_code == 1


def test_verify_check_files_sees_a_changed_output(run: tuple[Path, Path]) -> None:
    out, audit = run
    assert verify(audit, check_files=True).ok
    out.write_text(out.read_text(encoding="utf-8").replace("hit", "no match", 1), encoding="utf-8")
    problems = verify(audit, check_files=True).problems
    assert problems and "output file" in problems[0]


def test_streaming_in_batches_gives_the_same_output(index: ScreeningIndex, tmp_path: Path) -> None:
    src = tmp_path / "s.csv"
    src.write_text(SUPPLIERS, encoding="utf-8")
    outs = []
    for size in (1, 2, 100):
        out = tmp_path / f"o{size}.csv"
        run = screen_stream(index, iter_suppliers(src, "name", "country"), out=out, batch_rows=size)
        assert run.output_sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
        assert run.counts["rows"] == 5 and run.counts["empty_names"] == 1
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2]


def test_header_is_checked_before_any_row_is_read(tmp_path: Path) -> None:
    src = tmp_path / "s.csv"
    src.write_text("supplier\nX\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        iter_suppliers(src, "name")  # raises at once, not on first next()
    assert exc.value.field == "name"


def test_index_cache_is_written_once_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from supplyscope.screening import bundle

    monkeypatch.setenv("SUPPLYSCOPE_HOME", str(tmp_path))
    bundle._load.cache_clear()
    key = bundle.cache_key(None, True)
    first = bundle.load_index()
    path = bundle.cache_path(key)
    assert path.is_file() and path.parent == tmp_path / "cache"
    stamp = path.stat().st_mtime_ns
    bundle._load.cache_clear()
    again = bundle.load_index()
    assert path.stat().st_mtime_ns == stamp  # read, not rebuilt
    assert again is not first
    assert [h.entity_id for h in again.screen("Camel Group")] == [h.entity_id for h in first.screen("Camel Group")]
    bundle._load.cache_clear()
