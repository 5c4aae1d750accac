"""`statemerge log ...` commands."""

from __future__ import annotations

import typer

group = typer.Typer(help="log commands.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the `log` command group to the application."""
    app.add_typer(group, name="log")
