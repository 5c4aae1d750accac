"""The Typer application: one module per command group registers its commands here."""

from __future__ import annotations

import typer

from statemerge.cli import agents, check, crdt, git, log, merge, store

app = typer.Typer(
    name="statemerge",
    help="Resolve state conflicts in JSON/YAML state files.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

for group in (merge, git, check, crdt, log, store, agents):
    group.register(app)
