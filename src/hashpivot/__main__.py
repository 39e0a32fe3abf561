"""``python -m hashpivot``: the command-line interface."""

from hashpivot.cli import run

run()
