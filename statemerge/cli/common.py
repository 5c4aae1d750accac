"""What every command shares: turning `StatemergeError` into one stderr line and an exit code."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import statemerge.cli.lazytyper as typer
from statemerge.errors import StatemergeError, error_line


@contextmanager
def handled() -> Iterator[None]:
    """Run a command body; a StatemergeError becomes one stderr line and its exit code."""
    try:
        yield
    except StatemergeError as error:
        sys.stderr.write(error_line(error.message) + "\n")
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        sys.stderr.write(error_line("interrupted.") + "\n")
        raise typer.Exit(130) from None
