"""`statemerge merge` without Typer, for plain invocations (git and scripts call it often).

Reads the options `mergerun` defines for both parsers; on anything it is not sure of (help, a
typo, a value Typer would refuse) it returns None and Typer handles the call, with its messages.
A property test feeds both parsers the same arguments and compares the requests.
"""

from __future__ import annotations

from typing import Any

from statemerge.cli.mergerun import (
    FLAG_OPTIONS,
    NEGATED_FLAGS,
    VALUED_OPTIONS,
    MergeRequest,
    merge_request,
    run_merge,
)
from statemerge.documents.formats import FORMATS
from statemerge.merging.conflicts import CONFLICT_STYLES

_VALUED = {name: field for field, names in VALUED_OPTIONS.items() for name in names}
_FLAGS = {name: field for field, names in FLAG_OPTIONS.items() for name in names}
_NEGATED = {name: field for field, names in NEGATED_FLAGS.items() for name in names}
_CHOICES: dict[str, tuple[str, ...]] = {"conflict": CONFLICT_STYLES, "fmt": FORMATS}


def parse_merge_args(args: list[str]) -> MergeRequest | None:
    """A MergeRequest for plain arguments, or None when Typer should handle them."""
    positional: list[str] = []
    fields: dict[str, Any] = {}
    labels: list[str] = []
    index = 0
    while index < len(args):
        word = args[index]
        name, equals, inline = word.partition("=") if word.startswith("--") else (word, "", "")
        if name in _VALUED:
            if equals:
                value = inline
            elif index + 1 < len(args):
                index += 1
                value = args[index]
            else:
                return None
            field = _VALUED[name]
            if field == "labels":
                labels.append(value)
            elif field == "marker_size":
                if not (value.isascii() and value.isdigit()) or int(value) < 1:
                    return None
                fields["marker_size"] = int(value)
            elif field in _CHOICES and value not in _CHOICES[field]:
                return None
            else:
                fields[field] = value
        elif name in _FLAGS and not equals:
            fields[_FLAGS[name]] = True
        elif name in _NEGATED and not equals:
            fields[_NEGATED[name]] = False
        elif word.startswith("-") and word != "-":
            return None
        else:
            positional.append(word)
        index += 1
    if len(positional) != 3:
        return None
    return merge_request(*positional, labels=labels, **fields)


def fast_merge(args: list[str]) -> int | None:
    """Run a plain `merge` call; None when Typer should handle the arguments."""
    request = parse_merge_args(args)
    return None if request is None else run_merge(request)
