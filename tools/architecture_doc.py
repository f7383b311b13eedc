"""Render the layer section of ``docs/architecture.md`` from the import contracts in ``.importlinter``.

The contract file is the source; the doc shows it. ``python tools/architecture_doc.py`` rewrites the
block between the markers, ``--check`` exits 1 when the doc is out of date (the test suite runs the check).
"""

from __future__ import annotations

import argparse
import configparser
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / ".importlinter"
DOC = ROOT / "docs" / "architecture.md"
BEGIN = "<!-- layers: generated from .importlinter by tools/architecture_doc.py; do not edit -->"
END = "<!-- end of generated layers -->"


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.strip().splitlines() if line.strip()]


def render(contracts: Path = CONTRACTS) -> str:
    """The generated Markdown block, markers included."""
    cfg = configparser.ConfigParser()
    cfg.read(contracts, encoding="utf-8")
    out = [BEGIN, ""]
    for section in cfg.sections():
        if not section.startswith("importlinter:contract:"):
            continue
        c = cfg[section]
        out.append(f"### {c['name']}")
        out.append("")
        if c["type"] == "layers":
            out.append("Top to bottom; a module may import its own layer and those below it, never one above.")
            out.append("")
            out.append("| # | layer (modules) |")
            out.append("|---|---|")
            for i, layer in enumerate(_lines(c["layers"]), start=1):
                mods = ", ".join(f"`{m.strip()}`" for m in layer.split(":"))
                out.append(f"| {i} | {mods} |")
        elif c["type"] == "forbidden":
            sources = ", ".join(f"`{m}`" for m in _lines(c["source_modules"]))
            forbidden = ", ".join(f"`{m}`" for m in _lines(c["forbidden_modules"]))
            out.append(f"These modules: {sources}")
            out.append("")
            out.append(f"never import, directly or through another module: {forbidden}.")
        out.append("")
    out.append(END)
    return "\n".join(out)


def updated(text: str, block: str) -> str:
    """``text`` with the generated block replaced (or appended when the markers are missing)."""
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        return head + block + tail
    return text.rstrip("\n") + "\n\n" + block + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/architecture.md is out of date")
    args = parser.parse_args()
    text = DOC.read_text(encoding="utf-8")
    new = updated(text, render())
    if args.check:
        if new != text:
            print("docs/architecture.md is out of date: run `python tools/architecture_doc.py`", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
