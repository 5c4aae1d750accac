"""Console entry point: `statemerge ...` and `python -m statemerge ...`."""

from __future__ import annotations


def main() -> None:
    """Run the CLI."""
    from statemerge.cli.app import app

    app()
