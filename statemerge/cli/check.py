"""`statemerge check` and `statemerge diff`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add `check` and `diff` to the application."""
