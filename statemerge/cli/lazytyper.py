"""The part of Typer's API the command modules use, without importing Typer (about 150 ms).

Command modules `import statemerge.cli.lazytyper as typer` and declare commands as with Typer:
`typer.Typer()` groups, `typer.Argument(...)` / `typer.Option(...)` in `Annotated`, `typer.Exit`,
`typer.echo`. The declarations are only recorded here. `cli/dispatch.py` parses plain calls and
prints help from them; `cli/app.py` replays them on the real Typer for everything else (shell
completion, usage errors, tests that drive the Typer app).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from statemerge.records import Record

CommandFunction = Callable[..., Any]


class Param(Record):
    """An `Argument` or `Option` declaration: Typer's arguments, kept to be replayed."""

    kind: str  # "argument" or "option"
    decls: tuple[str, ...]  # option names ("-o", "--output"); none for arguments
    settings: dict[str, Any]  # help=, metavar=, min=, envvar=, ...


def Argument(*decls: str, **settings: Any) -> Any:
    """A positional parameter, declared as `typer.Argument`."""
    return Param("argument", decls, settings)


def Option(*decls: str, **settings: Any) -> Any:
    """An option, declared as `typer.Option`."""
    return Param("option", decls, settings)


class Exit(SystemExit):
    """End the command with an exit code, as `typer.Exit` (it is a SystemExit under both)."""

    def __init__(self, code: int = 0) -> None:
        super().__init__(code)
        self.exit_code = code


def echo(message: object = "", *, err: bool = False) -> None:
    """Print one line to stdout (or stderr)."""
    stream = sys.stderr if err else sys.stdout
    stream.write(f"{message}\n")


class Command(Record):
    """A command: its name, the function that runs it, and Typer's settings for it."""

    name: str
    function: CommandFunction
    settings: dict[str, Any]


class Typer:
    """A command group, as `typer.Typer`: settings, commands, and groups added under names."""

    def __init__(self, **settings: Any) -> None:
        self.settings = settings
        self.commands: list[Command] = []
        self.groups: list[tuple[str, Typer]] = []

    @property
    def name(self) -> str:
        return str(self.settings.get("name") or "")

    @property
    def help(self) -> str:
        return str(self.settings.get("help") or "")

    def command(
        self, name: str | None = None, **settings: Any
    ) -> Callable[[CommandFunction], CommandFunction]:
        """Register a function as a command (decorator)."""

        def register(function: CommandFunction) -> CommandFunction:
            command_name = name or function.__name__.replace("_", "-")
            self.commands.append(Command(command_name, function, settings))
            return function

        return register

    def add_typer(self, group: Typer, *, name: str | None = None) -> None:
        """Add a group of commands under `name` (default: the group's own name)."""
        self.groups.append((name or group.name, group))

    def find(self, name: str) -> Command | Typer | None:
        """The command or group called `name`."""
        for command in self.commands:
            if command.name == name:
                return command
        for group_name, group in self.groups:
            if group_name == name:
                return group
        return None
