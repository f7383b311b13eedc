"""Option fuzzing: every command's ``--help``, and a bad value for every option, give a one-line error.

The commands and their parameters are introspected from the real Typer commands, so a new option is
fuzzed without editing this file. A bad value must be rejected while the command line is parsed
(before any work starts), so every case runs in-process in milliseconds and never builds a warehouse.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.testing import CliRunner

from supplyscope.cli import COMMANDS, app, load_command
from supplyscope.errors import SupplyscopeError

MISSING = "/nonexistent/supplyscope-fuzz/missing.file"

OUTPUTS = {"out", "html", "write", "ftm", "graphml", "target", "db", "audit", "xlsx"}
"""Path parameters that name a file or folder to create (a missing path is their normal case)."""
CREATED = {("network export", "bom"), ("data export", "parquet")}
"""Per command: further path parameters that are outputs."""
CSV_COMMANDS = {"dependence"}
"""The commands whose ``--format`` offers csv; every other command must refuse ``--format csv`` in one line."""


def _walk(cmd: Any, path: list[str]) -> Iterator[tuple[str, Any]]:
    if isinstance(cmd, TyperGroup):
        ctx = typer.Context(cmd)
        for name in cmd.list_commands(ctx):
            yield from _walk(cmd.get_command(ctx, name), [*path, name])
    else:
        yield " ".join(path), cmd


LEAVES = [leaf for name in COMMANDS for leaf in _walk(load_command(name), [name])]


def _element(annotation: Any) -> Any:
    args = getattr(annotation, "__args__", None)
    return args[0] if args and getattr(annotation, "__origin__", None) is list else annotation


def bad_values(command: str, param: TyperOption | TyperArgument) -> list[str]:
    """The values a parameter must reject: derived from its type and declared range."""
    if isinstance(param, TyperOption) and param.is_flag:
        return []
    desc = param.type_descriptor
    ann = _element(desc.annotation)
    if desc.is_choice:
        csv_refused = "csv" in [str(c) for c in desc.choices or ()] and command not in CSV_COMMANDS
        return ["no-such-choice", *(["csv"] if csv_refused else [])]
    if desc.is_path or ann is Path:
        if param.name in OUTPUTS or (command, param.name) in CREATED:
            return []
        return [MISSING]
    low = getattr(param, "min", None)
    if ann is int:
        return ["x", "-1"] + ([] if low == 0 else ["0"])
    if ann is float:
        return ["x", "nan", "inf"] + ([] if low is not None and low < 0 else ["-1"])
    return []


CASES = [
    pytest.param(command, cmd, param, value, id=f"{command} {param.name}={value}")
    for command, cmd in LEAVES
    for param in cmd.params
    for value in bad_values(command, param)
]


def _args(command: str, cmd: Any, param: Any, value: str) -> list[str]:
    """The command line: the bad value first, so it is the first parameter processed."""
    if isinstance(param, TyperArgument):
        assert cmd.params.index(param) == min(i for i, p in enumerate(cmd.params) if isinstance(p, TyperArgument)), (
            "only a command's first argument can be fuzzed alone"
        )
        return [*command.split(), "--", value]
    return [*command.split(), param.opts[0], value]


def test_every_command_is_fuzzed() -> None:
    fuzzed = {c for c, *_ in (p.values for p in CASES)}
    assert {"assess", "explain", "trace", "shock", "minerals price-floor", "duty"} <= fuzzed
    assert len(CASES) > 100


def test_csv_is_offered_exactly_where_listed() -> None:
    """One OutputFormat for all commands: csv passes the parse only on the commands that write it."""
    accepts = set()
    for command, cmd in LEAVES:
        for param in cmd.params:
            if param.opts[:1] == ["--format"] and "csv" in [str(c) for c in param.type_descriptor.choices or ()]:
                try:
                    param.process_value(cmd.make_context(command, [], resilient_parsing=True), "csv")
                except typer.BadParameter:
                    continue
                accepts.add(command)
    assert accepts == CSV_COMMANDS
    assert any(v == "csv" for *_, v in (p.values for p in CASES))  # the refusals are fuzzed


@pytest.mark.parametrize(("command", "cmd"), [pytest.param(c, cmd, id=c) for c, cmd in LEAVES])
def test_help(command: str, cmd: Any) -> None:
    result = CliRunner().invoke(app, [*command.split(), "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout and "<bool>" not in result.stdout


@pytest.mark.parametrize(("command", "cmd", "param", "value"), CASES)
def test_bad_value_is_one_line_error(command: str, cmd: Any, param: Any, value: str) -> None:
    args = _args(command, cmd, param, value)
    try:
        cmd.make_context(command, args[len(command.split()) :])
    except typer.Exit:
        pytest.fail(f"{' '.join(args)}: exited without an error")
    except Exception as exc:  # the parse must fail on this parameter, not on a later missing one
        text = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        names = [*param.opts, param.name, param.name.upper(), param.display_name_raw]
        assert any(f"'{n}'" in text for n in names), f"{' '.join(args)}: rejected for another reason: {text}"
    else:
        pytest.fail(f"{' '.join(args)}: the bad value was accepted")
    result = CliRunner().invoke(app, args)
    assert "Traceback" not in result.output and not result.stdout.strip()
    if isinstance(result.exception, SupplyscopeError):  # a settings error: `main` prints it as one line (exit 4)
        assert "\n" not in str(result.exception)
        return
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr


def test_supplyscope_error_is_one_line(tmp_path: Path) -> None:
    """A deliberate error raised by a command (a damaged warehouse file) is one line, with its exit code."""
    db = tmp_path / "damaged.duckdb"
    db.write_bytes(b"not a database" * 100)
    env = {**os.environ, "COLUMNS": "300"}
    code = "from supplyscope.cli import main; main()"
    proc = subprocess.run(
        [sys.executable, "-c", code, "data", "info", "--db", str(db)], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 5, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("DataError:"), proc.stderr
    assert "data build --force" in lines[0] and "Traceback" not in proc.stderr
