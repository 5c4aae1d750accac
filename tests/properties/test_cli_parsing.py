"""The parser that runs plain calls without Typer (cli/dispatch.py) gives every command exactly
the values Typer gives it, for random argument lists; where it is unsure it leaves the call to
Typer."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from statemerge.cli.app import to_typer
from statemerge.cli.commands import build_root
from statemerge.cli.dispatch import HELP, parse
from statemerge.cli.lazytyper import Command, Typer
from statemerge.cli.params import parameters


def leaves(group: Typer, path: list[str]) -> list[tuple[list[str], Command]]:
    found = [([*path, command.name], command) for command in group.commands]
    for name, child in group.groups:
        found += leaves(child, [*path, name])
    return found


ROOT = build_root()
COMMANDS = leaves(ROOT, [])
CALLS: list[tuple[Any, dict[str, Any]]] = []
APP = to_typer(ROOT, invoke=lambda function, values: CALLS.append((function, values)))
WORDS = ["a.json", "b.yaml", "-", "--", "-5", "0", "3", "1.5", "nan", "", "a//b/./c", "--bogus",
         "-x", "--help", "json", "yaml", "markers", "theirs", "table", "x=1", "-oq"]


def vocabulary(command: Command) -> list[str]:
    words = list(WORDS)
    for parameter in parameters(command.function):
        for name in parameter.names:
            words += [name, f"{name}=", f"{name}=1", f"{name}=json"]
    return words


VALUES = ["a.json", "0", "3", "-1", "1.5", "", "json", "yaml", "ours", "markers", "github", "x"]


@st.composite
def call_words(draw: Any, command: Command) -> list[str]:
    """Mostly plausible calls: about the right number of arguments, options with values, and a
    few words from anywhere in the vocabulary; in random order."""
    found = parameters(command.function)
    needed = sum(1 for parameter in found if parameter.kind == "argument" and parameter.required)
    chunks = [[word] for word in draw(st.lists(st.sampled_from(VALUES[:4]), min_size=needed,
                                               max_size=needed + 2))]
    names = [name for parameter in found for name in parameter.names] or ["--help"]
    chunks += [[name, value] for name, value in draw(st.lists(
        st.tuples(st.sampled_from(names), st.sampled_from(VALUES)), max_size=3))]
    chunks += [[word] for word in draw(st.lists(st.sampled_from(vocabulary(command)),
                                                max_size=2))]
    return [word for chunk in draw(st.permutations(chunks)) for word in chunk]


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_the_fast_parser_agrees_with_typer(path: list[str], command: Command, data: Any) -> None:
    words = data.draw(call_words(command))
    ignore = bool(command.settings.get("context_settings", {}).get("ignore_unknown_options"))

    fast = parse(parameters(command.function), words, ignore_unknown=ignore)

    if fast is None or fast is HELP:
        return  # Typer handles it (or prints help)
    CALLS.clear()
    result = CliRunner().invoke(APP, [*path, *words])
    assert result.exit_code == 0, (words, result.output)
    assert [(command.function, fast)] == CALLS, words


@pytest.mark.parametrize(
    "words",
    [
        ["merge", "b.json", "o.json", "t.json", "-o", "out.json", "--conflict", "ours", "-q"],
        ["merge", "b.json", "o.json", "t.json", "-L", "x", "-L", "y", "--marker-size=9"],
        ["get", "state.json", "/a/0", "--etag"],
        ["update", "state.json", "inc", "/n", "-1", "--retries", "3"],
        ["crdt", "apply", "c.json", "inc", "5", "--replica", "r1"],
        ["log", "append", "e.jsonl", "set", "/x", "1", "--agent", "a"],
        ["check", "state", "--include", "*.json", "--format", "github"],
        ["git", "install", "*.state", "--global"],
    ],
)
def test_plain_calls_do_not_need_typer(words: list[str]) -> None:
    *path, command = words[:1] if words[0] not in ("crdt", "log", "git") else words[:2]
    node: Any = ROOT
    for name in [*path, command]:
        node = node.find(name)
    rest = words[len(path) + 1:]
    ignore = bool(node.settings.get("context_settings", {}).get("ignore_unknown_options"))

    fast = parse(parameters(node.function), rest, ignore_unknown=ignore)

    assert fast is not None and fast is not HELP
    CALLS.clear()
    result = CliRunner().invoke(APP, words)
    assert result.exit_code == 0, result.output
    assert [(node.function, fast)] == CALLS
