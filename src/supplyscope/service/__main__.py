"""``python -m supplyscope.service [options]``: the same as ``supplyscope serve`` without loading other areas."""

from __future__ import annotations

import typer

from supplyscope.service.cli import serve


def main() -> None:
    typer.run(serve)


if __name__ == "__main__":
    main()
