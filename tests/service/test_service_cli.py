"""``supplyscope serve`` / ``supplyscope alerts``: registration, JSON output, clean errors, documented options."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from supplyscope.cli.service import alerts_app, register, serve

DOCS = Path(__file__).resolve().parents[2] / "docs" / "service.md"


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """test root"""

    register(app)
    return app


def test_alerts_commands_print_one_json_document(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    runner = CliRunner()
    app = _app()
    migrated = runner.invoke(app, ["alerts", "migrate", "--db", db, "--format", "json"])
    assert migrated.exit_code == 0, migrated.output
    assert json.loads(migrated.stdout) == {"applied": [1, 2, 3], "schema_version": 3}
    added = runner.invoke(app, ["alerts", "add-user", "acme", "--role", "analyst", "--db", db, "--format", "json"])
    user = json.loads(added.stdout)
    assert user["role"] == "analyst" and user["token"].startswith("sst_")
    listed = json.loads(runner.invoke(app, ["alerts", "users", "--db", db, "--format", "json"]).stdout)
    assert [u["name"] for u in listed] == ["acme"] and "token" not in listed[0]
    refused = runner.invoke(app, ["alerts", "cut-release", "--db", db])
    assert refused.exit_code != 0 and "0 new submitter(s)" in str(refused.exception)
    audit = json.loads(runner.invoke(app, ["alerts", "verify-audit", "--db", db, "--format", "json"]).stdout)
    assert audit["ok"] is True and audit["first_bad_id"] is None


def test_bad_database_url_is_a_supplyscope_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["alerts", "users", "--db", "mysql://x/y"])
    assert result.exit_code != 0
    assert "unsupported database URL" in str(result.exception)


def _options(command: Any) -> set[str]:
    return {opt for p in command.params for opt in p.opts if opt.startswith("--")}


def test_every_option_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    single = typer.Typer(add_completion=False)
    single.command()(serve)
    commands = {"serve": typer.main.get_command(single)}
    group = typer.main.get_command(alerts_app)
    subcommands = getattr(group, "commands", {})
    assert set(subcommands) == {
        "migrate",
        "add-user",
        "users",
        "cut-release",
        "release",
        "reset-token",
        "verify-audit",
    }
    commands.update({f"alerts {name}": cmd for name, cmd in subcommands.items()})
    for name, cmd in commands.items():
        assert f"supplyscope {name}" in text, f"`supplyscope {name}` is not in docs/service.md"
        for opt in _options(cmd):
            assert re.search(rf"`{re.escape(opt)}\b", text), f"{name} {opt} is not documented in docs/service.md"
