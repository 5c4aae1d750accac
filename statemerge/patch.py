"""Operations on JSON documents: RFC 6902 JSON Patch plus `inc`, shared by event logs and the store.

Three steps, each usable alone:

- `parse_op_words` turns command-line words (`set /a 1 inc /n 2` or JSON) into ops;
- `validate_ops` checks the shape of ops read from a file or an event;
- `apply_ops` applies them all or none, returning a new document and leaving the input alone.

>>> apply_ops({"n": 1}, parse_op_words(["inc", "/n", "2", "set", "/s", '"x"']))
{'n': 3, 's': 'x'}

Applying copies only the containers along the changed paths (the rest is shared with the input), so
a small edit of a large document costs the depth of the path, not the size of the document.
`apply_ops_in_place` is the replay hot path: it edits the document itself and undoes a half-applied
event when a later op fails.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from statemerge.errors import InputError, PatchError, UsageError
from statemerge.pointer import unescape

Op = dict[str, Any]

OP_NAMES = ("add", "remove", "replace", "move", "copy", "test", "inc")
_NEEDS_VALUE = frozenset(("add", "replace", "test", "inc"))
_NEEDS_FROM = frozenset(("move", "copy"))
_PLAIN_VALUE = frozenset(("add", "replace", "test"))
SHORTHAND = {"set": 2, "delete": 1, "inc": 2, "insert": 2}
_MISSING = object()


# --- Parsing command-line words -------------------------------------------------------------


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
                raise UsageError(f"The {word!r} operation needs {needs}.")
            ops.append(_shorthand(word, args))
            position += 1 + count
        elif word.lstrip().startswith(("{", "[")):
            ops.extend(_json_word(word))
            position += 1
        else:
            raise UsageError(f"Unknown operation {word!r}: use set, delete, inc, insert or JSON Patch JSON.")
    if not ops:
        raise UsageError("No operation given: use set, delete, inc, insert or JSON Patch JSON.")
    return ops


def _shorthand(word: str, args: list[str]) -> Op:
    path = args[0]
    _check_pointer_syntax(path, UsageError, f"The {word!r} operation")
    if word == "delete":
        return {"op": "remove", "path": path}
    value = _json_argument(word, path, args[1])
    if word == "inc":
        if not _is_number(value):
            raise UsageError(f"The amount for inc {path} must be a number, not {args[1]!r}.")
        return {"op": "inc", "path": path, "value": value}
    last = path.rsplit("/", 1)[-1] if path else ""
    if word == "insert":
        if not path or not (last == "-" or _is_index_token(last)):
            raise UsageError(f"insert needs a path ending in an array index or '-', not {path!r}.")
        return {"op": "add", "path": path, "value": value}
    # set: `add` creates or replaces a member; at an array index `add` would insert, so replace.
    name = "replace" if path and _is_index_token(last) else "add"
    return {"op": name, "path": path, "value": value}


def _json_argument(word: str, path: str, text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        raise UsageError(
            f"The value {text!r} for {word} {path} is not JSON "
            f"(write a string with quotes, like '\"{text}\"')."
        ) from None


def _json_word(word: str) -> list[Op]:
    try:
        value = json.loads(word, parse_constant=_reject_constant)
    except ValueError as error:
        raise UsageError(f"The operation {word!r} is not valid JSON ({error}).") from None
    try:
        return validate_ops(value if isinstance(value, list) else [value], source="the command line")
    except InputError as error:
        raise UsageError(error.message) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# --- Validating the shape of ops ------------------------------------------------------------


def validate_ops(ops: Any, *, source: str) -> list[Op]:
    """Check that `ops` is a list of well-formed operations; raise InputError naming `source`."""
    if not isinstance(ops, list):
        raise InputError(f"{source}: ops must be a list of operations, not {_kind(ops)}.")
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
        return f"an operation must be an object, not {_kind(op)}."
    name = op.get("op")
    if name not in OP_NAMES:
        return f"unknown op {name!r} (known: {', '.join(OP_NAMES)})."
    path = op.get("path")
    if not isinstance(path, str):
        return f"{name} needs a string 'path'."
    problem = _pointer_problem(path)
    if problem:
        return f"path {problem}"
    if name in _NEEDS_VALUE and "value" not in op:
        return f"{name} at {path!r} needs a 'value'."
    if name == "inc" and not _is_number(op["value"]):
        return f"inc at {path!r} needs a number 'value', not {_kind(op['value'])}."
    if name in _NEEDS_FROM:
        source = op.get("from")
        if not isinstance(source, str):
            return f"{name} to {path!r} needs a string 'from'."
        problem = _pointer_problem(source)
        if problem:
            return f"from {problem}"
        if name == "move" and path.startswith(source + "/"):
            return f"move cannot put {source!r} inside itself at {path!r}."
    return None


def _pointer_problem(pointer: str) -> str | None:
    if pointer and not pointer.startswith("/"):
        return f"{pointer!r} is not a JSON Pointer: it must be empty or start with '/'."
    if "~" in pointer and any(not part.startswith(("0", "1")) for part in pointer.split("~")[1:]):
        return f"{pointer!r} is not a JSON Pointer: '~' must be followed by 0 or 1."
    return None


def _check_pointer_syntax(pointer: str, error: type[UsageError], what: str) -> None:
    problem = _pointer_problem(pointer)
    if problem:
        raise error(f"{what}: {problem}")


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and (not isinstance(value, float) or math.isfinite(value))
    )


def _is_index_token(token: str) -> bool:
    return token.isdigit() and (token == "0" or not token.startswith("0"))


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


# --- Applying ops ---------------------------------------------------------------------------


def apply_ops(document: Any, ops: Sequence[Op]) -> Any:
    """A new document with every op applied, or PatchError and no change (the input is shared,
    never mutated).

    >>> apply_ops({"a": [1, 2]}, [{"op": "add", "path": "/a/1", "value": 9}])
    {'a': [1, 9, 2]}
    """
    editor = _Editor(document, set(), None)
    for op in ops:
        editor.apply(op)
    return editor.root


def apply_ops_in_place(document: Any, ops: Sequence[Op]) -> Any:
    """Apply ops by editing `document` itself; returns the (possibly replaced) root.

    All or nothing: when an op fails, the ops before it are undone and PatchError is raised.
    """
    if len(ops) == 1 and set_member(document, ops[0]):
        return document
    # One op that fails, fails before it changes anything; only a move (take, then put) or
    # several ops need an undo journal.
    editor = _Editor(document, None, [] if len(ops) != 1 or ops[0].get("op") == "move" else None)
    try:
        for op in ops:
            editor.apply(op)
    except PatchError:
        editor.undo()
        raise
    return editor.root


@lru_cache(maxsize=8192)
def split_pointer(pointer: str) -> tuple[str, ...]:
    """A pointer's unescaped tokens (cached: replay meets the same paths again and again)."""
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        raise PatchError(f"JSON Pointer {pointer!r} must be empty or start with '/'.")
    tokens = pointer[1:].split("/")
    if "~" in pointer:
        problem = _pointer_problem(pointer)
        if problem:
            raise PatchError(problem[:1].upper() + problem[1:])
        return tuple(unescape(token) for token in tokens)
    return tuple(tokens)


def _index(token: str, length: int, path: str, *, allow_end: bool) -> int:
    if token == "-" and allow_end:
        return length
    if not _is_index_token(token):
        raise PatchError(f"{path} does not exist: {token!r} is not an array index.")
    index = int(token)
    if index > (length if allow_end else length - 1):
        raise PatchError(f"{path} does not exist: index {index} is past the end (length {length}).")
    return index


def _where(path: str) -> str:
    return path or "the root"


def _clone(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _clone(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clone(item) for item in value]
    return value


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: `1 == 1.0`, but `true` is not `1` and key order does not matter."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(json_equal(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(json_equal, a, b))
    if isinstance(a, str) or isinstance(b, str) or a is None or b is None:
        return type(a) is type(b) and a == b
    return bool(a == b)


def set_member(document: Any, op: Any) -> bool:
    """The replay hot path: one add, replace, remove or inc of an object member, reached
    through objects and existing array elements, applied in place. Says True when it applied
    the op; False (having changed nothing) for anything else, which then takes the general
    path (`apply_ops_in_place`) and its messages."""
    if type(op) is not dict:
        return False
    name, path = op.get("op"), op.get("path")
    if type(path) is not str or not path or name not in _MEMBER_OPS:
        return False
    tokens = split_pointer(path)
    node = document
    for token in tokens[:-1]:
        if type(node) is dict:
            node = node.get(token, _MISSING)
        elif type(node) is list and _is_index_token(token) and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    if type(node) is not dict:
        return False
    key = tokens[-1]
    if name == "remove":
        if key not in node:
            return False
        del node[key]
        return True
    value = op.get("value", _MISSING)
    kind = type(value)
    if name == "inc":
        old = node.get(key, 0)
        finite = kind is int or (kind is float and value - value == 0.0)
        if not finite or type(old) not in _NUMBERS:
            return False
        node[key] = old + value
        return True
    if value is _MISSING or (name == "replace" and key not in node):
        return False
    node[key] = _clone(value) if kind is dict or kind is list else value
    return True


_MEMBER_OPS = frozenset(("add", "replace", "remove", "inc"))
_NUMBERS = (int, float)
_CONTAINERS = (dict, list)


class _Editor:
    """Applies ops to one document, copying shared containers (copy mode) or editing in place
    with an undo journal, so that a failed op never leaves a half-applied event behind."""

    __slots__ = ("fresh", "journal", "root")

    def __init__(self, document: Any, fresh: set[int] | None, journal: list[tuple[Any, ...]] | None) -> None:
        self.root = document
        # Copy mode: the ids of the containers this editor made (and so may mutate).
        self.fresh = fresh
        # In-place mode: what to put back when a later op fails (None: nothing can fail late).
        self.journal = journal

    def apply(self, op: Op) -> None:
        name = op.get("op")
        path = op.get("path")
        if type(path) is not str:
            raise PatchError(f"Operation {op!r} has no string path.")
        if name == "test":
            if not json_equal(self._read(path), op.get("value", _MISSING)):
                raise PatchError(f"Test failed at {_where(path)}: the value differs.")
            return
        if name == "move" or name == "copy":
            source = op.get("from")
            if type(source) is not str:
                raise PatchError(f"The {name} to {_where(path)} has no string 'from'.")
            if name == "copy":
                value = _clone(self._read(source))
            elif source == path:
                self._read(source)
                return
            elif path.startswith(source + "/"):
                raise PatchError(f"Cannot move {source} inside itself to {path}.")
            else:
                value = self._write("remove", source, None)
            name = "add"
        else:
            value = op.get("value", _MISSING)
            if value is _MISSING and name != "remove":
                raise PatchError(f"The {name} at {_where(path)} has no value.")
            if self.fresh is None and type(value) in _CONTAINERS:
                value = _clone(value)  # replay goes on editing it in place
        self._write(name, path, value)

    def _write(self, name: Any, path: str, value: Any) -> Any:
        """Apply add, replace, remove or inc at `path`; returns what was removed."""
        tokens = split_pointer(path)
        if not tokens:
            return self._at_root(name, value)
        parent = self._parent(tokens, path)
        token = tokens[-1]
        journal = self.journal
        if type(parent) is dict:
            old = parent.get(token, _MISSING)
            if name == "add":
                parent[token] = value
            elif old is _MISSING and name != "inc":
                raise PatchError(f"{path} does not exist.")
            elif name == "replace":
                parent[token] = value
            elif name == "remove":
                del parent[token]
            elif name == "inc":
                parent[token] = _increased(old, value, path)
            else:
                raise PatchError(f"Unknown op {name!r}.")
            if journal is not None:
                journal.append(("dict", parent, token, old))
            return old
        if type(parent) is list:
            if name == "add":
                index = _index(token, len(parent), path, allow_end=True)
                parent.insert(index, value)
                if journal is not None:
                    journal.append(("inserted", parent, index))
                return None
            index = _index(token, len(parent), path, allow_end=False)
            old = parent[index]
            if name == "remove":
                del parent[index]
                if journal is not None:
                    journal.append(("removed", parent, index, old))
                return old
            if name == "replace":
                parent[index] = value
            elif name == "inc":
                parent[index] = _increased(old, value, path)
            else:
                raise PatchError(f"Unknown op {name!r}.")
            if journal is not None:
                journal.append(("list", parent, index, old))
            return old
        raise PatchError(f"{path} does not exist.")

    def _at_root(self, name: Any, value: Any) -> Any:
        old = self.root
        if name == "remove":
            raise PatchError("Cannot remove the whole document (path '').")
        if name == "inc":
            if type(old) not in _NUMBERS:
                raise PatchError(f"Cannot inc the root: it is {_kind(old)}, not a number.")
            value = _increased(old, value, "")
        elif name not in ("add", "replace"):
            raise PatchError(f"Unknown op {name!r}.")
        if self.journal is not None:
            self.journal.append(("root", old))
        self.root = value
        return old

    def _read(self, path: str) -> Any:
        node = self.root
        for token in split_pointer(path):
            if type(node) is dict:
                node = node.get(token, _MISSING)
                if node is _MISSING:
                    raise PatchError(f"{path} does not exist.")
            elif type(node) is list:
                node = node[_index(token, len(node), path, allow_end=False)]
            else:
                raise PatchError(f"{path} does not exist.")
        return node

    def _parent(self, tokens: tuple[str, ...], path: str) -> Any:
        """The container holding the last token, made writable."""
        fresh = self.fresh
        node = self.root
        if fresh is not None and id(node) not in fresh:
            node = self.root = self._copy(node)
        for token in tokens[:-1]:
            if type(node) is dict:
                child = node.get(token, _MISSING)
                if child is _MISSING:
                    raise PatchError(f"{path} does not exist.")
                key: Any = token
            elif type(node) is list:
                key = _index(token, len(node), path, allow_end=False)
                child = node[key]
            else:
                raise PatchError(f"{path} does not exist.")
            if fresh is not None and id(child) not in fresh:
                child = node[key] = self._copy(child)
            node = child
        return node

    def _copy(self, node: Any) -> Any:
        assert self.fresh is not None
        if type(node) is dict:
            node = dict(node)
        elif type(node) is list:
            node = list(node)
        else:
            return node
        self.fresh.add(id(node))
        return node

    def undo(self) -> None:
        """Revert every journaled change, newest first (in-place mode)."""
        for entry in reversed(self.journal or ()):
            kind = entry[0]
            if kind == "root":
                self.root = entry[1]
            elif kind == "dict":
                _, parent, key, old = entry
                if old is _MISSING:
                    parent.pop(key, None)
                else:
                    parent[key] = old
            elif kind == "list":
                _, parent, index, old = entry
                parent[index] = old
            elif kind == "inserted":
                _, parent, index = entry
                del parent[index]
            else:  # removed
                _, parent, index, old = entry
                parent.insert(index, old)


def _increased(old: Any, amount: Any, path: str) -> Any:
    """`old + amount` for inc (an absent member counts as 0); booleans are not numbers."""
    kind = type(amount)
    if kind is int or (kind is float and amount - amount == 0.0):  # finite
        if old is _MISSING:
            return amount
        kind = type(old)
        if kind is int or kind is float:
            return old + amount
        raise PatchError(f"Cannot inc {_where(path)}: it is {_kind(old)}, not a number.")
    raise PatchError(f"inc at {_where(path)} needs a number, not {_kind(amount)}.")
