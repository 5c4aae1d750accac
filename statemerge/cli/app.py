"""The Typer application, built from the declarations in the command modules.

Plain calls never get here (cli/dispatch.py runs them); Typer serves shell completion, usage
errors, and tests that drive the app. `to_typer` replays each recorded `typer.Typer`,
`typer.Argument` and `typer.Option` on the real Typer.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

from statemerge.cli import lazytyper
from statemerge.cli.commands import build_root
from statemerge.cli.params import REQUIRED, parameters

Invoke = Callable[[lazytyper.CommandFunction, dict[str, Any]], Any]


def to_typer(group: lazytyper.Typer, invoke: Invoke | None = None) -> typer.Typer:
    """A real Typer app for a recorded group; `invoke(function, kwargs)` runs each command."""
    app = typer.Typer(**group.settings)
    for command in group.commands:
        app.command(command.name, **command.settings)(_real_command(command.function, invoke))
    for name, child in group.groups:
        app.add_typer(to_typer(child, invoke), name=name)
    return app


def _real_command(function: lazytyper.CommandFunction, invoke: Invoke | None) -> Any:
    """A function Typer can read: the same parameters, declared with Typer's own classes."""
    from typing import get_type_hints

    hints = get_type_hints(function, include_extras=True)
    signature = []
    for parameter in parameters(function):
        declare = typer.Argument if parameter.kind == "argument" else typer.Option
        annotation = Annotated[  # type: ignore[valid-type]
            hints[parameter.name].__origin__, declare(*parameter.names, **parameter.settings)
        ]
        default = inspect.Parameter.empty if parameter.default is REQUIRED else parameter.default
        signature.append(inspect.Parameter(parameter.name, inspect.Parameter.KEYWORD_ONLY,
                                           default=default, annotation=annotation))

    def command(**values: Any) -> Any:
        return invoke(function, values) if invoke else function(**values)

    command.__name__ = function.__name__
    command.__doc__ = function.__doc__
    command.__signature__ = inspect.Signature(signature)  # type: ignore[attr-defined]
    command.__annotations__ = {item.name: item.annotation for item in signature}
    return command


def _version(show: bool) -> None:
    if show:
        import statemerge

        typer.echo(f"statemerge {statemerge.__version__}")
        raise typer.Exit()


app = to_typer(build_root())


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Resolve state conflicts in JSON/YAML state files."""
