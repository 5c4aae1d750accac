"""The one-line error report every command, the fast paths and the git driver share.

A `StatemergeError` is one line and its own exit code (2 bad input, 1 a failed precondition). Any
other exception is a bug: one line `statemerge: internal error: ...; please report it` and exit 3
(never 1, which scripts read as "conflicts left"); the traceback only with STATEMERGE_DEBUG=1.
"""

from __future__ import annotations

import contextlib
import os
import sys

from statemerge.errors import StatemergeError, error_line

INTERNAL_ERROR = 3
DEBUG_ENV = "STATEMERGE_DEBUG"


def report_error(error: StatemergeError) -> int:
    """Write the error's line to stderr; its exit code."""
    sys.stderr.write(error_line(error.message) + "\n")
    return error.exit_code


def debugging() -> bool:
    """Whether STATEMERGE_DEBUG asks for tracebacks."""
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "false", "no", "off")


def internal_error_line(error: BaseException) -> str:
    """`statemerge: internal error: Kind: detail; please report it`, on one short line."""
    detail = " ".join(str(error).split())
    if len(detail) > 200:
        detail = detail[:199] + "…"
    kind = type(error).__name__
    return error_line(f"internal error: {kind}{': ' + detail if detail else ''}; please report it.")


def tolerant_streams() -> None:
    """Let stdout and stderr write any str: a lone surrogate (from a JSON escape such as
    `"\\ud800"`) comes out as that same escape, `\\ud800`, instead of failing the command."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # cannot change now: leave it
                reconfigure(errors="backslashreplace")


def report_internal_error(error: BaseException) -> int:
    """Report an unexpected exception (see the module docstring); exit code 3.

    A closed stdout (`statemerge ... | head`) is not a bug: one line, exit 2.
    """
    if isinstance(error, BrokenPipeError):
        sys.stderr.write(error_line("stdout was closed before all output was written.") + "\n")
        return 2
    if debugging():
        import traceback

        traceback.print_exception(error)
    sys.stderr.write(internal_error_line(error) + "\n")
    return INTERNAL_ERROR
