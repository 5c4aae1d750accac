"""The ops parser: operations from command-line words and from files, their shapes checked.

`set P V` / `delete P` / `inc P N` / `insert P V` or JSON Patch JSON become RFC 6902 ops plus
`inc`; `op_problem` says in a sentence what is wrong with a malformed one. Bad words are bad
input (InputError, exit 2), like a bad file.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from statemerge.errors import InputError
from statemerge.jsonvalue import loads_strict

Op = dict[str, Any]

OP_NAMES = ("add", "remove", "replace", "move", "copy", "test", "inc")
_NEEDS_VALUE = frozenset(("add", "replace", "test", "inc"))
_NEEDS_FROM = frozenset(("move", "copy"))
_PLAIN_VALUE = frozenset(("add", "replace", "test"))
SHORTHAND = {"set": 2, "delete": 1, "inc": 2, "insert": 2}


def parse_op_words(words: Sequence[str]) -> list[Op]:
    """Turn CLI words into ops: JSON Patch JSON words, or shorthand `set P V`, `delete P`,
    `inc P N`, `insert P V` (V and N are JSON values); several may follow each other.

    >>> parse_op_words(["set", "/a", "1", "delete", "/b"])
    [{'op': 'add', 'path': '/a', 'value': 1}, {'op': 'remove', 'path': '/b'}]
    """
    ops: list[Op] = []
    position = 0
    while position < len(words):
        word = words[position]
        if word in SHORTHAND:
            count = SHORTHAND[word]
            args = list(words[position + 1 : position + 1 + count])
            if len(args) < count:
                needs = "a path and a JSON value" if count == 2 else "a path"
                raise InputError(f"The {word!r} operation needs {needs}.")
            ops.append(_shorthand(word, args))
            position += 1 + count
        elif word.lstrip().startswith(("{", "[")):
            ops.extend(_json_word(word))
            position += 1
        else:
            raise InputError(f"Unknown operation {word!r}: use set, delete, inc, insert or JSON Patch JSON.")
    if not ops:
        raise InputError("No operation given: use set, delete, inc, insert or JSON Patch JSON.")
    return ops


def _shorthand(word: str, args: list[str]) -> Op:
    path = args[0]
    _check_pointer_syntax(path, f"The {word!r} operation")
    if word == "delete":
        return {"op": "remove", "path": path}
    value = _json_argument(word, path, args[1])
    if word == "inc":
        if not is_number(value):
            raise InputError(f"The amount for inc {path} must be a number, not {args[1]!r}.")
        return {"op": "inc", "path": path, "value": value}
    last = path.rsplit("/", 1)[-1] if path else ""
    if word == "insert":
        if not path or not (last == "-" or is_index_token(last)):
            raise InputError(f"insert needs a path ending in an array index or '-', not {path!r}.")
        return {"op": "add", "path": path, "value": value}
    # set: `add` creates or replaces a member; at an array index `add` would insert, so replace.
    name = "replace" if path and is_index_token(last) else "add"
    return {"op": name, "path": path, "value": value}


def _json_argument(word: str, path: str, text: str) -> Any:
    try:
        return loads_strict(text)
    except ValueError:
        raise InputError(
            f"The value {text!r} for {word} {path} is not JSON "
            f"(write a string with quotes, like '\"{text}\"')."
        ) from None


def _json_word(word: str) -> list[Op]:
    try:
        value = loads_strict(word)
    except ValueError as error:
        raise InputError(f"The operation {word!r} is not valid JSON ({error}).") from None
    return validate_ops(value if isinstance(value, list) else [value], source="the command line")


def validate_ops(ops: Any, *, source: str) -> list[Op]:
    """Check that `ops` is a list of well-formed operations; raise InputError naming `source`."""
    if not isinstance(ops, list):
        raise InputError(f"{source}: ops must be a list of operations, not {kind_of(ops)}.")
    for index, op in enumerate(ops):
        problem = op_problem(op)
        if problem is not None:
            raise InputError(f"{source}: operation {index}: {problem}")
    return ops


def op_problem(op: Any) -> str | None:
    """Why one operation is malformed (a full sentence), or None when it is fine."""
    if type(op) is dict:  # the common shapes first: this runs once per op on replay
        path = op.get("path")
        if type(path) is str and (not path or (path[0] == "/" and "~" not in path)):
            name = op.get("op")
            if (name in _PLAIN_VALUE and "value" in op) or name == "remove":
                return None
            if name == "inc" and type(op.get("value")) is int:
                return None
    if not isinstance(op, dict):
        return f"an operation must be an object, not {kind_of(op)}."
    name = op.get("op")
    if name not in OP_NAMES:
        return f"unknown op {name!r} (known: {', '.join(OP_NAMES)})."
    path = op.get("path")
    if not isinstance(path, str):
        return f"{name} needs a string 'path'."
    problem = pointer_problem(path)
    if problem:
        return f"path {problem}"
    if name in _NEEDS_VALUE and "value" not in op:
        return f"{name} at {path!r} needs a 'value'."
    if name == "inc" and not is_number(op["value"]):
        return f"inc at {path!r} needs a number 'value', not {kind_of(op['value'])}."
    if name in _NEEDS_FROM:
        source = op.get("from")
        if not isinstance(source, str):
            return f"{name} to {path!r} needs a string 'from'."
        problem = pointer_problem(source)
        if problem:
            return f"from {problem}"
        if name == "move" and path.startswith(source + "/"):
            return f"move cannot put {source!r} inside itself at {path!r}."
    return None


def pointer_problem(pointer: str) -> str | None:
    if pointer and not pointer.startswith("/"):
        return f"{pointer!r} is not a JSON Pointer: it must be empty or start with '/'."
    if "~" in pointer and any(not part.startswith(("0", "1")) for part in pointer.split("~")[1:]):
        return f"{pointer!r} is not a JSON Pointer: '~' must be followed by 0 or 1."
    return None


def _check_pointer_syntax(pointer: str, what: str) -> None:
    problem = pointer_problem(pointer)
    if problem:
        raise InputError(f"{what}: {problem}")


def is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and (not isinstance(value, float) or math.isfinite(value))
    )


def is_index_token(token: str) -> bool:
    """An array index in a pointer: ASCII digits, no leading zero (`str.isdigit` alone would
    take digits such as "²", which `int` refuses)."""
    return token.isascii() and token.isdigit() and (token == "0" or not token.startswith("0"))


def kind_of(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")
