"""Whole documents that hold CRDT nodes anywhere: validate them, read their plain value, join them.

A node is never looked into by these walks (its stored fields are the type's business); every
other object and array is walked, without recursion, so deep documents cannot overflow the stack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from statemerge.crdt.base import decode_node, is_node, join_all, node_value
from statemerge.crdt.fields import Where, element_key, type_name
from statemerge.errors import InputError
from statemerge.pointer import child


def nodes(document: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Every node in a document with its JSON Pointer, in document order (not nodes in nodes).

    `pointer` is where `document` itself sits (when it is a part of a larger one).
    """
    stack: list[tuple[str, Any]] = [(pointer, document)]
    while stack:
        pointer, value = stack.pop()
        if is_node(value):
            yield pointer, value
        elif isinstance(value, dict):
            stack.extend((child(pointer, key), value[key]) for key in reversed(list(value)))
        elif isinstance(value, list):
            stack.extend((child(pointer, i), value[i]) for i in reversed(range(len(value))))


def validate(document: Any, *, source: str, pointer: str = "") -> None:
    """Check every node in a document; the first malformed one raises NodeError with its pointer."""
    for at, node in nodes(document, pointer):
        decode_node(node, Where(source, at))


def value_of(document: Any, *, source: str = "<document>", pointer: str = "") -> Any:
    """The plain JSON of a document: every node replaced by its value."""
    return map_nodes(document, lambda at, node: node_value(node, Where(source, at)), pointer)


def map_nodes(document: Any, replace: Callable[[str, Any], Any], pointer: str = "") -> Any:
    """A copy of `document` in which each node at pointer P becomes `replace(P, node)`."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, str, Any]] = [(root, 0, pointer, document)]
    while stack:
        parent, slot, pointer, value = stack.pop()
        if is_node(value):
            parent[slot] = replace(pointer, value)
        elif isinstance(value, dict):
            parent[slot] = fields = dict.fromkeys(value)
            stack.extend((fields, k, child(pointer, k), value[k]) for k in reversed(list(value)))
        elif isinstance(value, list):
            parent[slot] = items = [None] * len(value)
            stack.extend((items, i, child(pointer, i), value[i]) for i in reversed(range(len(value))))
        else:
            parent[slot] = value
    return root[0]


def join_documents(documents: Sequence[Any], sources: Sequence[str]) -> Any:
    """The N-way join of documents: nodes at one path are joined, every other part must be equal.

    Objects come back with sorted keys, so the result does not depend on the order of the inputs.
    """
    if not documents:
        raise InputError("Nothing to join: give at least one document.")
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, str, list[Any]]] = [(root, 0, "", list(documents))]
    while stack:
        parent, slot, pointer, values = stack.pop()
        marks = [is_node(value) for value in values]
        if all(marks):
            parent[slot] = join_all(values, [Where(source, pointer) for source in sources])
        elif any(marks):
            plain, node = sources[marks.index(False)], sources[marks.index(True)]
            raise _differs(plain, pointer, f"a plain value where {node} has a CRDT node")
        elif all(isinstance(value, dict) for value in values):
            keys = set(values[0])
            for value, source in zip(values[1:], sources[1:], strict=True):
                if set(value) != keys:
                    odd = sorted(set(value) ^ keys)[0]
                    raise _differs(source, pointer, f"key {odd!r} is in it or {sources[0]}, not both")
            parent[slot] = fields = dict.fromkeys(sorted(keys))
            stack.extend((fields, k, child(pointer, k), [v[k] for v in values]) for k in fields)
        elif all(isinstance(value, list) for value in values):
            length = len(values[0])
            for value, source in zip(values[1:], sources[1:], strict=True):
                if len(value) != length:
                    raise _differs(source, pointer, f"{len(value)} items where {sources[0]} has {length}")
            parent[slot] = items = [None] * length
            stack.extend((items, i, child(pointer, i), [v[i] for v in values]) for i in range(length))
        else:
            key = element_key(values[0])
            for value, source in zip(values[1:], sources[1:], strict=True):
                if element_key(value) != key:
                    raise _differs(source, pointer, f"{type_name(value)} unlike {sources[0]}'s")
            parent[slot] = values[0]
    return root[0]


def _differs(source: str, pointer: str, what: str) -> InputError:
    where = repr(pointer) if pointer else "the root"
    return InputError(f"{source} at {where}: {what}; only CRDT nodes may differ between the joined files.")


def replace_at(document: Any, pointer: str, value: Any) -> Any:
    """A copy of `document` with the (existing) value at `pointer` replaced; the rest is shared."""
    from statemerge.pointer import parse

    def rebuilt(container: Any, tokens: list[str]) -> Any:
        if not tokens:
            return value
        if isinstance(container, list):
            index = int(tokens[0])
            return [
                *container[:index],
                rebuilt(container[index], tokens[1:]),
                *container[index + 1 :],
            ]
        return {**container, tokens[0]: rebuilt(container[tokens[0]], tokens[1:])}

    return rebuilt(document, parse(pointer))
