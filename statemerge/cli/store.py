"""`statemerge get/set/update/lock/stats`: shared state under concurrency."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the store commands to the application."""
