"""Console entry point: `statemerge ...` and `python -m statemerge ...`.

Start-up matters (git starts the merge driver once per file; scripts call get/set in loops), so
Typer (about 150 ms to import) is left out of plain calls: `git merge-driver` goes straight to the
driver, and cli/dispatch.py runs any other call it can parse exactly as Typer would, and answers
`--help` and `--version`. Anything else (shell completion, usage errors) goes through Typer.
Whichever path runs, an unexpected exception is one `internal error` line and exit 3
(statemerge/failures.py), never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys

RECURSION_LIMIT = 10_000  # documents nest up to 1,000 levels; walking them takes a few frames each


def main() -> None:
    """Run the CLI."""
    argv = sys.argv[1:]
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)
    try:
        code = plain_call(argv)
    except KeyboardInterrupt:
        sys.stderr.write("statemerge: interrupted.\n")
        code = 130
    except Exception as error:
        from statemerge.failures import report_internal_error

        code = report_internal_error(error)
    if code is not None:
        if argv[:1] == ["merge"] or argv[:2] == ["git", "merge-driver"]:
            _exit_now(code)
        sys.exit(code)
    try:
        from statemerge.cli.app import app

        app()
    except Exception as error:  # Typer's own exits are SystemExit, not caught here
        from statemerge.failures import report_internal_error

        sys.exit(report_internal_error(error))


def plain_call(argv: list[str]) -> int | None:
    """Run the call without Typer: its exit code, or None when Typer should handle it."""
    if argv[:2] == ["git", "merge-driver"] and argv[2:] != ["--help"]:
        _quick()
        from statemerge.git.driver import driver_main

        return driver_main(argv[2:])
    if argv[:1] == ["merge"]:
        _quick()
    if "_STATEMERGE_COMPLETE" in os.environ:  # TAB completion, from completions/ scripts
        from statemerge.cli.complete import complete

        return complete(os.environ)
    from statemerge.cli.dispatch import run

    return run(argv)


def _quick() -> None:
    """A merge builds large acyclic data and exits: the cyclic collector would only cost time."""
    import gc

    gc.disable()


def _exit_now(code: int) -> None:
    """Exit without tearing down the heap object by object (all output is flushed first)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # a closed pipe: nothing more can be said
            stream.flush()
    os._exit(code)
