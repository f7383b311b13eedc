"""Regenerate (or check) sample outputs in Markdown files from real runs, so they cannot drift.

A generated block sits between two markers; the name after ``output:`` picks its generator::

    <!-- output: assess-top10 -->
    ...generated text...
    <!-- /output -->

Generators named ``cli:...`` run the ``supplyscope`` command in a subprocess (fixed terminal width, a
private ``$SUPPLYSCOPE_HOME``) and show the command and its stdout as a code block; other generators are
Python functions returning Markdown. To add one, add an entry to :data:`GENERATORS`; any section of
any Markdown file can then adopt it with a marker pair.

    python tools/readme_outputs.py --write [--db WAREHOUSE]   # rewrite the blocks
    python tools/readme_outputs.py --check [--db WAREHOUSE]   # exit 1 if a block differs from a real run
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = (ROOT / "README.md", ROOT / "docs" / "validation.md")
BLOCK = re.compile(r"(<!-- output: (?P<name>[\w.:-]+) -->\n)(?P<body>.*?)(<!-- /output -->)", re.S)
WIDTH = "110"
PROGRESS = re.compile(r"^\s*\d+% ▕")


def cli_block(args: list[str], shown: str) -> Callable[[Path | None, Path], str]:
    """A generator that runs ``supplyscope ARGS`` and shows ``$ supplyscope SHOWN`` with its output."""

    def run(db: Path | None, home: Path) -> str:
        env = {**os.environ, "SUPPLYSCOPE_HOME": str(home), "COLUMNS": WIDTH, "NO_COLOR": "1", "TERM": "dumb"}
        extra = ["--db", str(db)] if db else []
        proc = subprocess.run(
            [sys.executable, "-c", "from supplyscope.cli import main; main()", *args, *extra],
            capture_output=True,
            text=True,
            cwd=home,
            env=env,
            timeout=600,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"supplyscope {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
        # DuckDB prints a progress bar on stdout for long queries; it is timing, not output
        lines = [ln.rstrip() for ln in proc.stdout.splitlines() if not PROGRESS.match(ln)]
        return "```\n$ supplyscope " + shown + "\n" + "\n".join(lines).strip("\n") + "\n```\n"

    return run


def validation_table(db: Path | None, home: Path) -> str:
    """The validation list's ranks and percentiles in the default assessment (docs/validation.md)."""
    os.environ["SUPPLYSCOPE_HOME"] = str(home)
    sys.path.insert(0, str(ROOT / "tools"))
    from validation_list import render_table

    return render_table(db)


def checks(db: Path | None, home: Path) -> str:
    """Acceptance checks on the bundled data (textiles in the top 50, rare-earth concern share)."""
    os.environ["SUPPLYSCOPE_HOME"] = str(home)
    sys.path.insert(0, str(ROOT / "tools"))
    from validation_list import render_checks

    return render_checks(db)


def audit(db: Path | None, home: Path) -> str:
    """The HS→ICIO concordance audit summary."""
    sys.path.insert(0, str(ROOT / "tools"))
    from validation_list import render_audit

    return render_audit()


GENERATORS: dict[str, Callable[[Path | None, Path], str]] = {
    "acceptance-checks": checks,
    "icio-audit": audit,
    "assess-top10": cli_block(["assess", "--top", "10", "--out", "out"], "assess --top 10"),
    "explain-850760": cli_block(["explain", "850760"], "explain 850760"),
    "assess-eu2021": cli_block(["assess", "--method", "eu2021", "--out", "out"], "assess --method eu2021"),
    "validation-table": validation_table,
}


def render(text: str, db: Path | None, home: Path) -> str:
    """``text`` with every generated block replaced by a fresh run."""

    def sub(m: re.Match[str]) -> str:
        name = m.group("name")
        if name not in GENERATORS:
            raise KeyError(f"unknown output block {name!r}; known: {sorted(GENERATORS)}")
        return m.group(1) + GENERATORS[name](db, home) + m.group(4)

    return BLOCK.sub(sub, text)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    p.add_argument("--db", type=Path, default=None, help="warehouse (default: build one under a temporary home)")
    a = p.parse_args(argv)
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for f in FILES:
            old = f.read_text(encoding="utf-8")
            new = render(old, a.db, Path(tmp))
            if new != old:
                stale.append(f)
                if a.write:
                    f.write_text(new, encoding="utf-8")
    for f in stale:
        print(("rewrote " if a.write else "differs from a real run: ") + str(f.relative_to(ROOT)))
    return 1 if stale and a.check else 0


if __name__ == "__main__":
    raise SystemExit(main())
