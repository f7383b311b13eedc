"""Every option of `shipments screen` and every settings key is documented in docs/scale.md."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from supplyscope.cli import load_command
from supplyscope.shipments.settings import DEFAULTS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "scale.md").read_text()


def _keys(node: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, value in node.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and key != "rates":
            out.extend(_keys(value, path + "."))
        else:
            out.append(path)
    return out


def test_every_cli_option_is_documented() -> None:
    group: Any = load_command("shipments")
    screen = group.commands["screen"]
    options = [o for p in screen.params for o in p.opts if o.startswith("--")]
    assert "--engine" in options
    missing = [o for o in options if f"`{o}" not in DOC]
    assert missing == []


def test_every_setting_is_documented() -> None:
    keys = _keys(tomllib.loads(DEFAULTS.read_text()))
    assert "de_minimis.apply_proposed_exclusions" in keys
    missing = [k for k in keys if f"`{k}`" not in DOC and f"`{k}," not in DOC]
    assert missing == []
