"""`--help` as plain text, from the same declarations the parser reads (no Typer, no rich).

A command's docstring gives the summary (its first paragraph) and the text after it; a paragraph
that starts with `Example:` is shown last under its own heading. Each option shows its value's
form (`--timeout FLOAT`), its help, its default and range; flags show nothing but their help.
"""

from __future__ import annotations

import enum
import os
import sys
import textwrap

from statemerge.cli.lazytyper import Command, Typer
from statemerge.cli.params import Parameter

MAX_WIDTH = 100
ROOT_OPTIONS = (
    ("--version", "Print the version and exit."),
    ("--install-completion", "Install completion for the current shell."),
    ("--show-completion", "Show completion for the current shell, to copy it or customize it."),
)


def _width() -> int:
    return max(min(_columns(), MAX_WIDTH), 40)


def _columns() -> int:
    """The terminal's width as `shutil.get_terminal_size((80, 24))` gives it, without importing
    shutil (it loads the compression modules): $COLUMNS, else the terminal, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def split_doc(text: str) -> tuple[str, list[str], list[str]]:
    """A docstring as its summary (first paragraph), its other paragraphs, and its example."""
    lines = text.strip().splitlines() or [""]
    full = (lines[0].strip() + "\n" + textwrap.dedent("\n".join(lines[1:]))).strip()
    paragraphs = [part.strip() for part in full.split("\n\n") if part.strip()] or [""]
    rest, example = [], []
    for paragraph in paragraphs[1:]:
        if paragraph.startswith("Example:"):
            example = [line.strip() for line in paragraph[len("Example:"):].strip().splitlines()]
        else:
            rest.append(" ".join(paragraph.split()))
    return " ".join(paragraphs[0].split()), rest, example


def command_help(command: Command, found: list[Parameter], path: list[str]) -> str:
    """The `--help` text of one command."""
    width = _width()
    summary, rest, example = split_doc(command.function.__doc__ or "")
    arguments = [parameter for parameter in found if parameter.kind == "argument"]
    usage = [*path, "[OPTIONS]"]
    usage += [parameter.metavar if parameter.required else f"[{parameter.metavar}]"
              for parameter in arguments]
    out = [f"Usage: {' '.join(usage)}", ""]
    out += _paragraphs([summary, *rest], width)
    rows = [(parameter.metavar, _describe(parameter)) for parameter in arguments]
    if rows:
        out += ["", "Arguments:", *_table(rows, width)]
    rows = [(_option_names(parameter), _describe(parameter))
            for parameter in found if parameter.kind == "option"]
    rows.append(("--help", "Show this message and exit."))
    out += ["", "Options:", *_table(rows, width)]
    if example:
        out += ["", "Example:", *(f"  {line}" for line in example)]
    return "\n".join(out) + "\n"


def group_help(group: Typer, path: list[str]) -> str:
    """The `--help` text of a command group (the root included)."""
    width = _width()
    summary, rest, example = split_doc(group.help)
    out = [f"Usage: {' '.join(path)} [OPTIONS] COMMAND [ARGS]...", ""]
    out += _paragraphs([summary, *rest], width)
    options = [*(ROOT_OPTIONS if len(path) == 1 else ()), ("--help", "Show this message and exit.")]
    out += ["", "Options:", *_table(list(options), width)]
    rows = [(command.name, split_doc(command.function.__doc__ or "")[0])
            for command in group.commands]
    rows += [(name, split_doc(child.help)[0]) for name, child in group.groups]
    out += ["", "Commands:", *_table(rows, width)]
    if example:
        out += ["", "Example:", *(f"  {line}" for line in example)]
    return "\n".join(out) + "\n"


def _paragraphs(paragraphs: list[str], width: int) -> list[str]:
    out: list[str] = []
    for paragraph in paragraphs:
        if out:
            out.append("")
        out += textwrap.wrap(paragraph, width - 2, initial_indent="  ", subsequent_indent="  ")
    return out


def _option_names(parameter: Parameter) -> str:
    names = ", ".join(parameter.names)
    return names if parameter.is_flag else f"{names} {parameter.metavar}"


def _describe(parameter: Parameter) -> str:
    """An option's or argument's help, with its default, range and whether it is required."""
    notes = []
    default = parameter.default
    if isinstance(default, enum.Enum):
        default = default.value
    if parameter.required:
        notes.append("required")
    elif not parameter.is_flag and default not in (None, "", [], ()):
        notes.append(f"default: {default}")
    if parameter.settings.get("min") is not None:
        notes.append(f">= {parameter.settings['min']}")
    if parameter.settings.get("envvar"):
        notes.append(f"env: {parameter.settings['envvar']}")
    text = str(parameter.settings.get("help") or "")
    return f"{text} [{'; '.join(notes)}]".strip() if notes else text


def _table(rows: list[tuple[str, str]], width: int) -> list[str]:
    """Two columns: names (up to 30 wide) and wrapped descriptions."""
    left = min(max(len(name) for name, _ in rows), 30) + 4
    out = []
    for name, text in rows:
        wrapped = textwrap.wrap(text, max(width - left, 20)) or [""]
        if len(name) + 4 > left:
            out.append(f"  {name}")
            out += [" " * left + line for line in wrapped]
        else:
            out.append(f"  {name.ljust(left - 2)}{wrapped[0]}".rstrip())
            out += [" " * left + line for line in wrapped[1:]]
    return out
