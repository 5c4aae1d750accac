"""TAB completion without Typer: answers the committed scripts in completions/ (Typer's protocol).

The scripts run `statemerge` with `_STATEMERGE_COMPLETE=complete_bash|complete_zsh|complete_fish`
and the words typed so far. Offered: subcommands, option names (once each unless repeatable),
and the choices of an option or argument that has them; anything else (file names) is left to
the shell. Requests for the scripts themselves (`source_*`) go to Typer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from statemerge.cli.lazytyper import Command, Typer
    from statemerge.cli.params import Parameter

Candidate = tuple[str, str]  # value, help
ROOT_OPTIONS = ("--version", "--install-completion", "--show-completion", "--help")


def complete(environ: Mapping[str, str]) -> int | None:
    """Print the completions a shell asked for; None when Typer should answer."""
    import sys

    shell = environ.get("_STATEMERGE_COMPLETE", "").removeprefix("complete_")
    if shell == "bash":
        words = split_words(environ.get("COMP_WORDS", ""))
        cword = int(environ.get("COMP_CWORD", "0") or 0)
        args, incomplete = words[1:cword], words[cword] if cword < len(words) else ""
    elif shell in ("zsh", "fish"):
        typed = environ.get("_TYPER_COMPLETE_ARGS", "")
        args = split_words(typed)[1:]
        incomplete = "" if not args or typed.endswith(" ") else args.pop()
    else:
        return None
    found = candidates(args, incomplete)
    if shell == "bash":
        sys.stdout.write("\n".join(value for value, _ in found))
    elif shell == "zsh":
        shown = "\n".join(f'"{_zsh(value)}":"{_zsh(text)}"' if text else f'"{_zsh(value)}"'
                           for value, text in found)
        sys.stdout.write(f"_arguments '*: :(({shown}))'" if shown else "_files")
    elif environ.get("_TYPER_COMPLETE_FISH_ACTION") == "is-args":
        return 0 if found else 1
    else:
        sys.stdout.write("\n".join(value + "\t" + re.sub(r"\s", " ", text) if text else value
                                   for value, text in found))
    return 0


def split_words(text: str) -> list[str]:
    """The words of a command line as the shell would split them (an open quote ends a word)."""
    import shlex

    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    words: list[str] = []
    try:
        words.extend(lexer)
    except ValueError:
        words.append(lexer.token)
    return words


def candidates(args: list[str], incomplete: str) -> list[Candidate]:
    """What may follow `statemerge ARGS...` and start with `incomplete`."""
    from statemerge.cli.commands import build_root
    from statemerge.cli.helptext import split_doc
    from statemerge.cli.lazytyper import Typer
    from statemerge.cli.params import parameters

    node: Command | Typer = build_root(args[:1])
    depth = 0
    while isinstance(node, Typer) and depth < len(args):
        child = node.find(args[depth])
        if child is None:
            return []
        node, depth = child, depth + 1
    if isinstance(node, Typer):
        found: list[Candidate] = []
        if incomplete.startswith("-"):
            names = ROOT_OPTIONS if node.name == "statemerge" else ("--help",)
            return [(name, "") for name in names if name.startswith(incomplete)]
        found += [(command.name, split_doc(command.function.__doc__ or "")[0])
                  for command in node.commands]
        found += [(name, split_doc(child.help)[0]) for name, child in node.groups]
        return [(value, text) for value, text in found if value.startswith(incomplete)]
    return _for_command(parameters(node.function), args[depth:], incomplete)


def _for_command(found: list[Parameter], typed: list[str], incomplete: str) -> list[Candidate]:
    """Option names, or the choices of the option or argument being typed."""
    options = {name: parameter for parameter in found if parameter.kind == "option"
               for name in parameter.names}
    previous = options.get(typed[-1]) if typed else None
    if previous is not None and not previous.is_flag:
        return _choices(previous, incomplete)
    if incomplete.startswith("-"):
        used = {options[word].name for word in typed if word in options}
        offered = [(name, str(parameter.settings.get("help") or ""))
                   for parameter in found if parameter.kind == "option"
                   and (parameter.many or parameter.name not in used)
                   for name in parameter.names]
        offered.append(("--help", "Show this message and exit."))
        return [(name, text) for name, text in offered if name.startswith(incomplete)]
    arguments = [parameter for parameter in found if parameter.kind == "argument"]
    taken = _positional_count(typed, options)
    if taken < len(arguments) or (arguments and arguments[-1].many):
        return _choices(arguments[min(taken, len(arguments) - 1)], incomplete)
    return []


def _positional_count(typed: list[str], options: dict[str, Parameter]) -> int:
    count, index = 0, 0
    while index < len(typed):
        option = options.get(typed[index])
        if option is not None:
            index += 1 if option.is_flag else 2
            continue
        count += 1
        index += 1
    return count


def _choices(parameter: Parameter, incomplete: str) -> list[Candidate]:
    import enum

    if not issubclass(parameter.value_type, enum.Enum):
        return []  # a file name or free text: the shell completes files
    values = [str(member.value) for member in parameter.value_type]
    return [(value, "") for value in values if value.startswith(incomplete)]


def _zsh(text: str) -> str:
    return (text.replace('"', '""').replace("'", "''").replace("$", "\\$").replace("`", "\\`")
            .replace(":", r"\\:"))


__all__ = ["candidates", "complete", "split_words"]
