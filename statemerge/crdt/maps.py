"""`or-map`: an object whose keys hold nested CRDT nodes, added and removed with add-wins semantics.

    {"$crdt": "or-map", "context": {"alice": 2},
     "entries": {"hits": [{"dots": [["alice", 2]],
                           "node": {"$crdt": "g-counter", "inc": {"alice": 2}}}]}}

Each write to a key (`put`, or `update` of its nested node) is an event with a fresh dot that
carries the key's whole new node and replaces the writes it has seen; `remove` drops a key's
writes. Keys are joined like or-set elements (`causal`), so a remove takes away only the writes it
has seen: a concurrent write keeps the key, and a removed key leaves no tombstone. When writes were
concurrent, a key holds several; its value is the join of their nodes (nested nodes join
recursively). If concurrent writes put nodes of different types, the type of the write with the
greatest dot (counter, then replica id) is shown, until the next write replaces them all.
A plain value put at a key is stored as an `lww-register`.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

from statemerge.clocks import VersionVector
from statemerge.crdt import causal
from statemerge.crdt.arguments import json_argument
from statemerge.crdt.base import (
    Actor,
    CrdtType,
    decode_node,
    encode_node,
    is_node,
    join_states,
    register,
)
from statemerge.crdt.causal import Dot, Entries
from statemerge.crdt.fields import Where, element_key, read_object
from statemerge.crdt.registers import LWW

INSIDE = Where("<or-map>")


class MapState(NamedTuple):
    """The writes live at each key, and the causal context of the whole map."""

    keys: dict[str, Entries]  # key -> canonical node key -> (node, dots)
    context: VersionVector


def read_nested(value: Any, where: Where, index: int) -> tuple[bytes, Any]:
    """The nested node of entry `index`, validated, as its canonical key and canonical form."""
    node = encode_node(*decode_node(value, where.at(index).at("node")))
    return element_key(node), node


def current(entries: Entries) -> tuple[CrdtType[Any], Any]:
    """A key's node: the join of its concurrent writes (of the type of the greatest dot)."""
    writes: list[tuple[Dot, tuple[CrdtType[Any], Any]]] = []
    for node, dots in entries.values():
        newest = max(dots, key=lambda dot: (dot[1], dot[0]))
        writes.append((newest, decode_node(node, INSIDE)))
    writes.sort(key=lambda write: (write[0][1], write[0][0]), reverse=True)
    chosen = writes[0][1][0]
    same = [decoded for _, decoded in writes if decoded[0] is chosen]
    return join_states(same, [INSIDE] * len(same))


class OrMap(CrdtType[MapState]):
    """An add-wins map of nested nodes: `put KEY VALUE`, `update KEY OP ARG...`, `remove KEY...`."""

    tag = "or-map"
    fields = frozenset({"entries", "context"})
    operations = MappingProxyType(
        {"put": "put KEY VALUE", "update": "update KEY OP [ARG...]", "remove": "remove KEY..."}
    )

    def empty(self) -> MapState:
        return MapState({}, {})

    def decode(self, node: dict[str, Any], where: Where) -> MapState:
        context = causal.read_context(node.get("context", {}), where.at("context"))
        at = where.at("entries")
        used: set[Dot] = set()
        keys: dict[str, Entries] = {}
        for key, writes in read_object(node.get("entries", {}), at).items():
            entries = causal.read_entries(writes, at.at(key), context, "node", read_nested, used)
            if entries:
                keys[key] = entries
        return MapState(keys, context)

    def encode(self, state: MapState) -> dict[str, Any]:
        return {
            "context": dict(sorted(state.context.items())),
            "entries": {key: causal.encode_entries(state.keys[key], "node") for key in sorted(state.keys)},
        }

    def join(self, ours: MapState, theirs: MapState) -> MapState:
        keys: dict[str, Entries] = {}
        for key in ours.keys.keys() | theirs.keys.keys():
            joined = causal.join_entries(
                ours.keys.get(key, {}), ours.context, theirs.keys.get(key, {}), theirs.context
            )
            if joined:
                keys[key] = joined
        return MapState(keys, causal.join_contexts(ours.context, theirs.context))

    def value(self, state: MapState) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        for key in sorted(state.keys):
            kind, nested = current(state.keys[key])
            shown[key] = kind.value(nested)
        return shown

    def apply(self, state: MapState, op: str, args: Sequence[Any], actor: Actor) -> MapState:
        if op == "remove":
            if not args or not all(isinstance(key, str) for key in args):
                raise self.usage(op, "expected one or more keys (strings)")
            return MapState({k: v for k, v in state.keys.items() if k not in args}, state.context)
        if len(args) < 2 or not isinstance(args[0], str):
            raise self.usage(op, "expected a key (a string) and what to write")
        key = args[0]
        kind, nested = self.written(state, op, key, args[1:], actor)
        node = encode_node(kind, nested)
        dot = causal.next_dot(state.context, actor.replica)
        keys = dict(state.keys)
        keys[key] = {element_key(node): (node, frozenset({dot}))}
        return MapState(keys, causal.with_dot(state.context, dot))

    def written(
        self, state: MapState, op: str, key: str, args: Sequence[Any], actor: Actor
    ) -> tuple[CrdtType[Any], Any]:
        """The node a `put` or `update` writes at `key`."""
        existing = current(state.keys[key]) if key in state.keys else None
        if op == "update":
            if existing is None:
                raise self.usage(op, f"the map has no key {key!r} (put it first)")
            kind, nested = existing
            if not isinstance(args[0], str) or args[0] not in kind.operations:
                raise kind.unknown(str(args[0]))
            return kind, kind.apply(nested, args[0], args[1:], actor)
        if len(args) != 1:
            raise self.usage(op, f"expected one value, got {len(args)}")
        if is_node(args[0]):
            return decode_node(args[0], Where("<argument>"))
        last = existing[1] if existing is not None and existing[0] is LWW else None
        return LWW, LWW.apply(last, "set", args, actor)

    def parse_arguments(self, state: MapState, op: str, words: Sequence[str]) -> list[Any]:
        if op == "remove" or len(words) < 2:
            return list(words)
        if op == "put":
            return [words[0], *(json_argument(word) for word in words[1:])]
        if words[0] not in state.keys:
            raise self.usage(op, f"the map has no key {words[0]!r} (put it first)")
        kind, nested = current(state.keys[words[0]])
        if words[1] not in kind.operations:
            raise kind.unknown(words[1])
        return [words[0], words[1], *kind.parse_arguments(nested, words[1], words[2:])]


register(OrMap())
