"""The CLI's exit codes and the line of a run interrupted before any result.

Nothing is imported here, so the console script (:func:`hashpivot.cli.run`) can use them while
the commands are still importing (numba, pypsa: seconds).
"""

from __future__ import annotations

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_CODES_EPILOG",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_SIGINT",
    "INTERRUPTED_LINE",
]

#: exit codes of every command (README "Exit codes"; ``hashpivot --help``)
EXIT_OK = 0  # the full run completed
EXIT_INTERNAL = 1  # a bug: hashpivot printed a traceback (please report it)
EXIT_BAD_INPUT = 2  # bad input: a file, a flag, an environment variable or live data
EXIT_INTERRUPTED = 3  # interrupted (Ctrl-C) after a partial summary, printed after "interrupted"
EXIT_SIGINT = 130  # interrupted before any result (128 + SIGINT)

EXIT_CODES_EPILOG = (
    "Exit codes: 0 the full run completed; 2 bad input (one line on stderr naming the file, "
    "flag, environment variable or URL); 3 interrupted (Ctrl-C) after a partial summary was "
    "printed, whose first line says 'interrupted'; 130 interrupted before any result; "
    "1 an internal error (a bug)."
)

#: the one line on stderr of a run interrupted before any result (exit code 130)
INTERRUPTED_LINE = "interrupted (no result)"
