"""``python -m supplyscope.cli``: the same as the ``supplyscope`` command."""

from supplyscope.cli import main

main()
