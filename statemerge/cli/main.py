"""Console entry point: `statemerge ...` and `python -m statemerge ...`.

git starts the merge driver once per file, so the two hot commands skip Typer's import (about
100 ms) when their arguments are plain: `git merge-driver` always, `merge` when the fast parser
understands every argument. Anything else (help, completion, odd arguments) goes through Typer.
Whichever path runs, an unexpected exception is one `internal error` line and exit 3
(statemerge/failures.py), never a traceback.
"""

from __future__ import annotations

import sys

RECURSION_LIMIT = 10_000  # documents nest up to 1,000 levels; walking them takes a few frames each


def main() -> None:
    """Run the CLI."""
    argv = sys.argv[1:]
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)
    code = fast_path(argv)
    if code is not None:
        _exit_now(code)
    try:
        from statemerge.cli.app import app

        app()
    except Exception as error:  # Typer's own exits are SystemExit, not caught here
        from statemerge.failures import report_internal_error

        sys.exit(report_internal_error(error))


def fast_path(argv: list[str]) -> int | None:
    """Run `git merge-driver ...` or a plain `merge ...` without Typer: the exit code, or None
    when Typer should handle the arguments."""
    try:
        if argv[:2] == ["git", "merge-driver"]:
            _quick()
            from statemerge.git.driver import driver_main

            return driver_main(argv[2:])
        if argv[:1] == ["merge"]:
            _quick()
            from statemerge.cli.fastmerge import fast_merge

            return fast_merge(argv[1:])
    except KeyboardInterrupt:
        sys.stderr.write("statemerge: interrupted.\n")
        return 130
    except Exception as error:
        from statemerge.failures import report_internal_error

        return report_internal_error(error)
    return None


def _quick() -> None:
    """A merge builds large acyclic data and exits: the cyclic collector would only cost time."""
    import gc

    gc.disable()


def _exit_now(code: int) -> None:
    """Exit without tearing down the heap object by object (all output is flushed first)."""
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # a closed pipe: nothing more can be said
            stream.flush()
    os._exit(code)
