"""Console entry point: `statemerge ...` and `python -m statemerge ...`.

Start-up matters (git starts the merge driver once per file; scripts call get/set in loops), so
Typer (about 150 ms to import) is left out of plain calls: `git merge-driver` goes straight to the
driver, and cli/dispatch.py runs any other call it can parse exactly as Typer would, and answers
`--help` and `--version`. Anything else (shell completion, usage errors) goes through Typer.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run the CLI."""
    argv = sys.argv[1:]
    if argv[:2] == ["git", "merge-driver"] and argv[2:] != ["--help"]:
        _quick()
        from statemerge.git.driver import driver_main

        _exit_now(driver_main(argv[2:]))
    if argv[:1] == ["merge"]:
        _quick()
    if "_STATEMERGE_COMPLETE" in os.environ:  # TAB completion, from completions/ scripts
        from statemerge.cli.complete import complete

        code = complete(os.environ)
    else:
        from statemerge.cli.dispatch import run

        code = run(argv)
    if code is not None:
        if argv[:1] == ["merge"]:
            _exit_now(code)
        sys.exit(code)
    from statemerge.cli.app import app

    app()


def _quick() -> None:
    """A merge builds large acyclic data and exits: the cyclic collector would only cost time."""
    import gc

    gc.disable()


def _exit_now(code: int) -> None:
    """Exit without tearing down the heap object by object (all output is flushed first)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
