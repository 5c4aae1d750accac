"""Running a command without Typer: the start-up of every plain call stays near Python's own.

The command tree and each command's parameters come from the same declarations the Typer app
is built from (`cli/lazytyper.py`, `cli/params.py`), and this parser follows Click's rules for
them: options anywhere before `--`, `--name=value`, repeatable options, one variadic argument
last, `ignore_unknown_options` passing unknown dash words on as arguments, `envvar` defaults.
Anything it does not take exactly as Typer would (an unknown option, a bad value, a missing
argument, a short option glued to its value) returns None, and Typer handles the call with its
usual messages. `--help` and `--version` are answered here.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from statemerge.cli.lazytyper import Command
    from statemerge.cli.params import Parameter

HELP = object()  # what `parse` returns when --help was asked for


def run(argv: list[str]) -> int | None:
    """Run the call `statemerge ARGV...`; its exit code, or None when Typer should run it."""
    if argv == ["--version"]:
        import statemerge

        sys.stdout.write(f"statemerge {statemerge.__version__}\n")
        return 0
    from statemerge.cli.commands import build_root
    from statemerge.cli.lazytyper import Typer
    from statemerge.cli.params import parameters

    node: Command | Typer = build_root(argv[:1])
    path = ["statemerge"]
    rest = list(argv)
    while isinstance(node, Typer):
        if not rest or rest[0] == "--help":
            from statemerge.cli.helptext import group_help

            sys.stdout.write(group_help(node, path))
            return 0 if rest else 2  # as Typer: no arguments is help, with exit 2
        child = node.find(rest[0])
        if child is None:
            return None
        path.append(rest.pop(0))
        node = child
    found = parameters(node.function)
    values = parse(found, rest, ignore_unknown=bool(node.settings.get("context_settings", {})
                                                     .get("ignore_unknown_options")))
    if values is HELP:
        from statemerge.cli.helptext import command_help

        sys.stdout.write(command_help(node, found, path))
        return 0
    if values is None:
        return None
    try:
        node.function(**values)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
    return 0


def parse(found: list[Parameter], words: list[str], *, ignore_unknown: bool = False) -> Any:
    """The function's keyword arguments for `words`, HELP, or None when Typer should decide."""
    options = {name: parameter for parameter in found if parameter.kind == "option"
               for name in parameter.names}
    given: dict[str, list[str]] = {}
    positional: list[str] = []
    asked_help = False
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word == "--":
            positional.extend(words[index:])
            break
        if not word.startswith("-") or word == "-":
            positional.append(word)
            continue
        name, equals, inline = word.partition("=") if word.startswith("--") else (word, "", "")
        if name == "--help":
            if equals:
                return None
            asked_help = True
            continue
        option = options.get(name)
        if option is None:
            if (word.startswith("--") or not _has_short(options)) and ignore_unknown:
                positional.append(word)
                continue
            return None  # an unknown option, or short options glued together or to a value
        if option.is_flag:
            if equals:
                return None
            given.setdefault(option.name, []).append("")
            continue
        if not equals:
            if index >= len(words):
                return None
            inline = words[index]
            index += 1
        given.setdefault(option.name, []).append(inline)
    if asked_help:
        return HELP
    return _bind(found, given, positional)


def _has_short(options: dict[str, Parameter]) -> bool:
    return any(not name.startswith("--") for name in options)


def _bind(found: list[Parameter], given: dict[str, list[str]], positional: list[str]) -> Any:
    """Convert and assign the words; None on anything Typer would refuse."""
    arguments = [parameter for parameter in found if parameter.kind == "argument"]
    if any(parameter.many for parameter in arguments[:-1]):
        return None
    values: dict[str, Any] = {}
    try:
        for parameter in found:
            if parameter.kind == "option":
                words = given.get(parameter.name)
                if words is None:
                    env = parameter.settings.get("envvar")
                    words = [os.environ[env]] if env and os.environ.get(env) else None
                values[parameter.name] = _option_value(parameter, words)
            elif parameter.many:
                words, positional = positional, []
                values[parameter.name] = _many(parameter, words)
            else:
                word = positional.pop(0) if positional else None
                values[parameter.name] = _single(parameter, word)
    except ValueError:
        return None
    return None if positional else values


def _option_value(parameter: Parameter, words: list[str] | None) -> Any:
    if parameter.is_flag:
        return True if words else parameter.default
    if parameter.many:
        return _many(parameter, words or [])
    return _single(parameter, words[-1] if words else None)


def _single(parameter: Parameter, word: str | None) -> Any:
    if word is None:
        if parameter.required:
            raise ValueError(f"{parameter.name} is required")
        return parameter.default
    return parameter.convert(word)


def _many(parameter: Parameter, words: list[str]) -> Any:
    if not words:
        if parameter.required:
            raise ValueError(f"{parameter.name} is required")
        return parameter.default
    return [parameter.convert(word) for word in words]


__all__ = ["HELP", "parse", "run"]
