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
        from statemerge.gitdriver import driver_main

        sys.exit(driver_main(argv[2:]))
    if argv[:1] == ["merge"]:
        from statemerge.cli.fastmerge import fast_merge

        code = fast_merge(argv[1:])
        if code is not None:
            sys.exit(code)
    from statemerge.cli.app import app

    app()
