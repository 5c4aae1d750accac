"""`statemerge git install/uninstall/status/merge-driver`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `git` command group to the application."""
