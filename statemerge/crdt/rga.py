"""`rga`: a replicated growable array, an ordered list that agents insert into and remove from.

    {"$crdt": "rga", "items": [
        {"after": null, "id": ["alice", 1], "value": "a"},
        {"after": ["alice", 1], "id": ["bob", 3], "removed": true},
        {"after": ["alice", 1], "id": ["alice", 2], "value": "b"}]}      # value ["a", "b"]

Every inserted item has a unique id `[replica, n]`, where n is a Lamport number (one more than
the greatest n the inserting replica has seen), and remembers the item it was inserted after (its
left origin, null for the front). The order is a walk of that tree: an item comes right after its
origin, and items inserted after one origin come newest first (greater n, then greater replica
id), so concurrent inserts at one place are both kept, in the same order on every replica.
Removed items stay as tombstones (id and origin, the value dropped) because later inserts may
name them as their origin; the list grows with every insert ever made.
Items are stored in list order.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

from statemerge.crdt import causal
from statemerge.crdt.base import Actor, CrdtType, register
from statemerge.crdt.causal import Dot
from statemerge.crdt.fields import (
    Where,
    canonical_element,
    check_fields,
    element_key,
    read_list,
    read_object,
)

ITEM_FIELDS = frozenset({"id", "after", "value", "removed"})


class Item(NamedTuple):
    """One inserted item: its left origin, whether it was removed, and its value (if not)."""

    after: Dot | None
    removed: bool
    key: bytes
    value: Any


TOMBSTONE_KEY = b""

Items = dict[Dot, Item]


def newest_first(dot: Dot) -> tuple[int, str]:
    """The sibling order: greater Lamport number first, then greater replica id."""
    return dot[1], dot[0]


def order(items: Items) -> list[Dot]:
    """Every id (tombstones too) in list order: a depth-first walk, newest sibling first."""
    children: dict[Dot | None, list[Dot]] = {}
    for dot, item in items.items():
        children.setdefault(item.after, []).append(dot)
    walk: list[Dot] = []
    stack = sorted(children.get(None, []), key=newest_first)
    while stack:
        dot = stack.pop()
        walk.append(dot)
        stack.extend(sorted(children.get(dot, []), key=newest_first))
    return walk


def visible(items: Items) -> list[Dot]:
    """The ids of the items a reader sees, in order."""
    return [dot for dot in order(items) if not items[dot].removed]


def read_item(value: Any, where: Where) -> tuple[Dot, Item]:
    """One stored item."""
    entry = read_object(value, where, "an item object")
    check_fields(entry, where, ITEM_FIELDS, "rga item")
    dot = causal.read_dot(entry.get("id"), where.at("id"), None)
    after = entry.get("after")
    origin = None if after is None else causal.read_dot(after, where.at("after"), None)
    if origin is not None and origin[1] >= dot[1]:
        raise where.at("after").error(
            f"an item's origin must have a smaller number than the item ({origin[1]} >= {dot[1]})."
        )
    removed = entry.get("removed", False)
    if not isinstance(removed, bool):
        raise where.at("removed").error("expected true or false.")
    if removed:
        return dot, Item(origin, True, TOMBSTONE_KEY, None)
    if "value" not in entry:
        raise where.error("an item that is not removed needs a 'value'.")
    key = element_key(entry["value"])
    return dot, Item(origin, False, key, canonical_element(entry["value"], key))


def index_argument(kind: CrdtType[Any], op: str, value: Any, limit: int) -> int:
    """A list index from 0 to `limit`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        raise kind.usage(op, f"the index must be an integer from 0 to {limit}, not {value!r}")
    return value


class Rga(CrdtType[Items]):
    """An ordered list: `insert INDEX X...`, `append X...`, `remove INDEX`."""

    tag = "rga"
    fields = frozenset({"items"})
    operations = MappingProxyType(
        {"insert": "insert INDEX X [X...]", "append": "append X [X...]", "remove": "remove INDEX"}
    )

    def empty(self) -> Items:
        return {}

    def decode(self, node: dict[str, Any], where: Where) -> Items:
        at = where.at("items")
        items: Items = {}
        for index, value in enumerate(read_list(node.get("items", []), at)):
            dot, item = read_item(value, at.at(index))
            if dot in items:
                raise at.at(index).at("id").error(f"id {list(dot)} is used by two items.")
            items[dot] = item
        for index, (dot, item) in enumerate(items.items()):
            if item.after is not None and item.after not in items:
                where_after = at.at(index).at("after")
                missing = list(item.after)
                raise where_after.error(f"item {list(dot)} follows {missing}, not in the list.")
        return items

    def encode(self, state: Items) -> dict[str, Any]:
        stored: list[dict[str, Any]] = []
        for dot in order(state):
            item = state[dot]
            after = None if item.after is None else causal.encode_dot(item.after)
            if item.removed:
                stored.append({"after": after, "id": causal.encode_dot(dot), "removed": True})
            else:
                stored.append({"after": after, "id": causal.encode_dot(dot), "value": item.value})
        return {"items": stored}

    def join(self, ours: Items, theirs: Items) -> Items:
        joined = dict(ours)
        for dot, item in theirs.items():
            mine = joined.get(dot)
            if mine is None or mine == item or mine.removed:
                joined.setdefault(dot, item)
            elif item.removed or item.key > mine.key:
                joined[dot] = item
        return joined

    def value(self, state: Items) -> list[Any]:
        return [state[dot].value for dot in visible(state)]

    def apply(self, state: Items, op: str, args: Sequence[Any], actor: Actor) -> Items:
        shown = visible(state)
        if op == "remove":
            if len(args) != 1:
                raise self.usage(op, f"expected one index, got {len(args)} arguments")
            if not shown:
                raise self.usage(op, "the list is empty")
            dot = shown[index_argument(self, op, args[0], len(shown) - 1)]
            return state | {dot: state[dot]._replace(removed=True, key=TOMBSTONE_KEY, value=None)}
        if op == "insert":
            if len(args) < 2:
                raise self.usage(op, "expected an index and at least one value")
            index, values = index_argument(self, op, args[0], len(shown)), args[1:]
        else:
            if not args:
                raise self.usage(op, "expected at least one value")
            index, values = len(shown), args
        after = shown[index - 1] if index else None
        number = max((dot[1] for dot in state), default=0)
        inserted = dict(state)
        for value in values:
            number += 1
            key = element_key(value)
            inserted[(actor.replica, number)] = Item(after, False, key, canonical_element(value, key))
            after = (actor.replica, number)
        return inserted


register(Rga())
