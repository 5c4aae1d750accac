"""`statemerge merge BASE OURS THEIRS`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add `merge` to the application."""
