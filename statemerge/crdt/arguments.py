"""Command-line words as CRDT operation arguments: the parser, which raises InputError.

The types take plain values; only words typed on a command line need reading first.
"""

from __future__ import annotations

from typing import Any

from statemerge.errors import InputError
from statemerge.jsonvalue import loads_strict


def json_argument(text: str) -> Any:
    """One command-line word read as a JSON value (`5`, `'"x"'`, `'{"k": 1}'`).

    >>> json_argument('{"k": [1, "x"]}')
    {'k': [1, 'x']}
    """
    try:
        return loads_strict(text)
    except ValueError:
        raise InputError(
            f"Argument {text!r} is not a JSON value (write strings in quotes, like '\"x\"')."
        ) from None
