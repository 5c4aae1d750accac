"""Console entry point: `statemerge ...` and `python -m statemerge ...`.

git starts the merge driver once per file, so the two hot commands skip Typer's import (about
100 ms) when their arguments are plain: `git merge-driver` always, `merge` when the fast parser
understands every argument. Anything else (help, completion, odd arguments) goes through Typer.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the CLI."""
    argv = sys.argv[1:]
    if argv[:2] == ["git", "merge-driver"]:
        _quick()
        from statemerge.git.driver import driver_main

        _exit_now(driver_main(argv[2:]))
    if argv[:1] == ["merge"]:
        _quick()
        from statemerge.cli.fastmerge import fast_merge

        code = fast_merge(argv[1:])
        if code is not None:
            _exit_now(code)
    from statemerge.cli.app import app

    app()


def _quick() -> None:
    """A merge builds large acyclic data and exits: the cyclic collector would only cost time."""
    import gc

    gc.disable()


def _exit_now(code: int) -> None:
    """Exit without tearing down the heap object by object (all output is flushed first)."""
    import os

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
