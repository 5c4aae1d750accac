"""Applying ops: all or nothing, as a new document that shares what did not change, or in
place with an undo journal (the replay hot path, with a shortcut for one member op)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from statemerge.errors import PatchError
from statemerge.patch.opsparser import Op, is_index_token, kind_of, pointer_problem
from statemerge.pointer import unescape

_MISSING = object()


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
    # The usual ops take the fast path (`set_member`), journaled; the first one it does not
    # take, and all after it, go through the editor, which undoes them all when one fails.
    journal: list[tuple[Any, ...]] | None = [] if len(ops) != 1 else None
    done = 0
    try:
        for op in ops:
            if not set_member(document, op, journal):
                break
            done += 1
        else:
            return document
    except PatchError:  # a malformed pointer: the editor's message for several ops
        if journal is None:
            raise
    # One op that fails, fails before it changes anything; only a move (take, then put) or
    # several ops need an undo journal.
    if journal is None and ops[0].get("op") == "move":
        journal = []
    editor = _Editor(document, None, journal)
    try:
        for op in ops[done:]:
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
        problem = pointer_problem(pointer)
        if problem:
            raise PatchError(problem[:1].upper() + problem[1:])
        return tuple(unescape(token) for token in tokens)
    return tuple(tokens)


def _index(token: str, length: int, path: str, *, allow_end: bool) -> int:
    if token == "-" and allow_end:
        return length
    if not is_index_token(token):
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


def set_member(document: Any, op: Any, journal: list[tuple[Any, ...]] | None = None) -> bool:
    """The replay hot path: one add, replace, remove or inc below the root, reached through
    objects and existing array elements, applied in place (and journaled, when a journal is
    given, as the editor journals). Says True when it applied the op; False (having changed
    nothing) for anything else, which then takes the general path and its messages."""
    if type(op) is not dict:
        return False
    name, path = op.get("op"), op.get("path")
    if type(path) is not str or name not in _MEMBER_OPS:
        return False
    steps = _steps(path)
    if steps is None:
        return False
    parents, key, index = steps
    node = document
    for token, position in parents:
        if type(node) is dict:
            node = node.get(token, _MISSING)
        elif type(node) is list and 0 <= position < len(node):
            node = node[position]
        else:
            return False
    value = op.get("value", _MISSING)
    if name == "inc":  # a finite number, and no boolean
        kind = type(value)
        if not (kind is int or (kind is float and value - value == 0.0)):
            return False
    elif type(value) in _CONTAINERS:
        value = _clone(value)  # replay goes on editing it in place
    if type(node) is dict:
        old = node.get(key, _MISSING)
        if name == "add":
            if value is _MISSING:
                return False
            node[key] = value
        elif old is _MISSING and name != "inc":
            return False
        elif name == "remove":
            del node[key]
        elif name == "replace":
            if value is _MISSING:
                return False
            node[key] = value
        elif old is _MISSING:
            node[key] = value
        elif type(old) is int or type(old) is float:
            node[key] = old + value
        else:
            return False
        if journal is not None:
            journal.append(("dict", node, key, old))
        return True
    if type(node) is not list:
        return False
    length = len(node)
    if name == "add":
        if key == "-":
            index = length
        if value is _MISSING or not 0 <= index <= length:
            return False
        node.insert(index, value)
        if journal is not None:
            journal.append(("inserted", node, index))
        return True
    if not 0 <= index < length:
        return False
    old = node[index]
    if name == "remove":
        del node[index]
        if journal is not None:
            journal.append(("removed", node, index, old))
        return True
    if name == "replace":
        if value is _MISSING:
            return False
        node[index] = value
    elif type(old) is int or type(old) is float:
        node[index] = old + value
    else:
        return False
    if journal is not None:
        journal.append(("list", node, index, old))
    return True


@lru_cache(maxsize=8192)
def _steps(path: str) -> tuple[tuple[tuple[str, int], ...], str, int] | None:
    """A pointer as `set_member` walks it: each parent token with its array index, then the
    last token and its index (-1: not an index); None for the root. PatchError when malformed."""
    tokens = split_pointer(path)
    if not tokens:
        return None
    indexes = tuple(map(_index_of, tokens))
    return tuple(zip(tokens[:-1], indexes, strict=False)), tokens[-1], indexes[-1]


def _index_of(token: str) -> int:
    if is_index_token(token):
        try:
            return int(token)
        except ValueError:  # a digit int() does not read: the general path says so
            pass
    return -1


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
                raise PatchError(f"Cannot inc the root: it is {kind_of(old)}, not a number.")
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
        raise PatchError(f"Cannot inc {_where(path)}: it is {kind_of(old)}, not a number.")
    raise PatchError(f"inc at {_where(path)} needs a number, not {kind_of(amount)}.")
