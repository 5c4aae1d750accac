"""The command tree: the root group, and which module declares each command or group.

Each module's `register(app)` adds its commands. A plain call imports only the module its
first word needs (`MODULES`); help and the Typer app take them all, in `ORDER`.
"""

from __future__ import annotations

import importlib

from statemerge.cli.lazytyper import Typer

ORDER = ("merge", "resolve", "git", "check", "crdt", "log", "store", "agents")
MODULES = {
    "merge": "merge", "resolve": "resolve", "git": "git", "check": "check", "diff": "check",
    "crdt": "crdt",
    "log": "log", "get": "store", "set": "store", "update": "store", "lock": "store",
    "stats": "store", "put": "agents", "mcp": "agents",
}
HELP = """Resolve state conflicts in JSON/YAML state files.

Example: statemerge merge base.json ours.json theirs.json -o merged.json"""


def build_root(first_words: list[str] | None = None) -> Typer:
    """The root group with every command, or only those `first_words[0]` may need."""
    root = Typer(name="statemerge", help=HELP, no_args_is_help=True, add_completion=True,
                 pretty_exceptions_enable=False)
    wanted = set(ORDER)
    if first_words and first_words[0] in MODULES:
        wanted = {MODULES[first_words[0]]}
    for name in ORDER:
        if name in wanted:
            importlib.import_module(f"statemerge.cli.{name}").register(root)
    return root
