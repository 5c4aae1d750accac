"""RFC 6901 JSON Pointers: parse, format, resolve.

>>> parse("/a~1b/0")
['a/b', '0']
>>> format_pointer(["a/b", 0])
'/a~1b/0'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from statemerge.errors import PatchError


def escape(token: str) -> str:
    """Escape one reference token (`~` -> `~0`, `/` -> `~1`)."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """Undo `escape`."""
    return token.replace("~1", "/").replace("~0", "~")


def parse(pointer: str) -> list[str]:
    """Split a pointer into its unescaped tokens; `""` is the root."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise PatchError(f"JSON Pointer {pointer!r} must be empty or start with '/'.")
    return [unescape(token) for token in pointer[1:].split("/")]


def format_pointer(tokens: Iterable[str | int]) -> str:
    """Join tokens (keys or array indexes) into a pointer."""
    return "".join("/" + escape(str(token)) for token in tokens)


def child(pointer: str, token: str | int) -> str:
    """The pointer of one child of `pointer`."""
    return pointer + "/" + escape(str(token))


def array_index(token: str, length: int, *, allow_end: bool, pointer: str) -> int:
    """Read an array index token (`-` means the end when `allow_end`)."""
    if token == "-" and allow_end:
        return length
    if not (token.isascii() and token.isdigit()) or (token != "0" and token.startswith("0")):
        raise PatchError(f"{token!r} in {pointer!r} is not an array index.")
    index = int(token)
    limit = length if allow_end else length - 1
    if index > limit:
        raise PatchError(f"Index {index} in {pointer!r} is out of range (length {length}).")
    return index


def resolve(document: Any, pointer: str) -> Any:
    """The value at `pointer`; raises PatchError when it does not exist."""
    node = document
    for token in parse(pointer):
        if isinstance(node, dict):
            if token not in node:
                raise PatchError(f"{pointer!r} does not exist: no key {token!r}.")
            node = node[token]
        elif isinstance(node, list):
            node = node[array_index(token, len(node), allow_end=False, pointer=pointer)]
        else:
            raise PatchError(f"{pointer!r} does not exist: {token!r} is inside a scalar.")
    return node


def exists(document: Any, pointer: str) -> bool:
    """Whether `pointer` names a value in `document`."""
    try:
        resolve(document, pointer)
    except PatchError:
        return False
    return True
