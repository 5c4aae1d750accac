"""What every command shares: turning `StatemergeError` into one stderr line and an exit code."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from statemerge.errors import StatemergeError, error_line
from statemerge.failures import report_internal_error, tolerant_streams


@contextmanager
def handled() -> Iterator[None]:
    """Run a command body; a StatemergeError becomes one stderr line and its exit code, any other
    exception one `internal error` line and exit 3."""
    tolerant_streams()
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise  # Typer's own ways out (exit codes, usage errors) pass through
    except StatemergeError as error:
        sys.stderr.write(error_line(error.message) + "\n")
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        sys.stderr.write(error_line("interrupted.") + "\n")
        raise typer.Exit(130) from None
    except Exception as error:  # a bug: one line, never a traceback (see statemerge/failures.py)
        raise typer.Exit(report_internal_error(error)) from None
