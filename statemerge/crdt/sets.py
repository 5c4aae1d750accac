"""Sets of JSON values: `g-set` (add only), `2p-set` (removed forever) and `or-set` (add wins).

Elements are identified by their canonical JSON (`fields.element_key`) and stored sorted by it.

    {"$crdt": "g-set", "elements": ["a", "b"]}
    {"$crdt": "2p-set", "elements": ["a"], "removed": ["b"]}          # value ["a"]
    {"$crdt": "or-set", "context": {"alice": 2, "bob": 1},
     "entries": [{"dots": [["alice", 2]], "value": "a"}]}            # value ["a"]

The or-set keeps, per element, the dots of the adds that are still live, plus one causal context
(see `causal`): a remove drops the element's dots, so removed elements leave nothing behind but
the context, a version vector that grows with the number of replicas, not of elements.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

from statemerge.crdt import causal
from statemerge.crdt.base import Actor, CrdtType, register
from statemerge.crdt.causal import Dotted
from statemerge.crdt.fields import Where, canonical_element, element_key, read_list

Elements = dict[bytes, Any]  # canonical key -> element


def read_element(value: Any, where: Where, index: int) -> tuple[bytes, Any]:
    """Any JSON value is an element: its canonical key and form (the entry's place is unused)."""
    key = element_key(value)
    return key, canonical_element(value, key)


def read_elements(value: Any, where: Where) -> Elements:
    """An array of JSON values as a set (duplicates count once)."""
    elements: Elements = {}
    for item in read_list(value, where, "an array of elements"):
        key = element_key(item)
        elements[key] = canonical_element(item, key)
    return elements


def encode_elements(elements: Elements) -> list[Any]:
    """Elements sorted by their canonical form."""
    return [elements[key] for key in sorted(elements)]


def keyed(kind: CrdtType[Any], op: str, args: Sequence[Any]) -> Elements:
    """The elements named by `add X...` / `remove X...`."""
    if not args:
        raise kind.usage(op, "expected at least one element")
    found: Elements = {}
    for element in args:
        key = element_key(element)
        found[key] = canonical_element(element, key)
    return found


class GSet(CrdtType[Elements]):
    """A set that only grows: `add X...`."""

    tag = "g-set"
    fields = frozenset({"elements"})
    operations = MappingProxyType({"add": "add X [X...]"})

    def empty(self) -> Elements:
        return {}

    def decode(self, node: dict[str, Any], where: Where) -> Elements:
        return read_elements(node.get("elements", []), where.at("elements"))

    def encode(self, state: Elements) -> dict[str, Any]:
        return {"elements": encode_elements(state)}

    def join(self, ours: Elements, theirs: Elements) -> Elements:
        return ours | theirs

    def value(self, state: Elements) -> list[Any]:
        return encode_elements(state)

    def apply(self, state: Elements, op: str, args: Sequence[Any], actor: Actor) -> Elements:
        return state | keyed(self, op, args)


TwoPhase = tuple[Elements, Elements]  # present, removed (an element is never in both)


class TwoPhaseSet(CrdtType[TwoPhase]):
    """A set whose removes are final: `add X...`, `remove X...`; a removed element never returns.

    Removing an element that is not (yet) present is allowed and bars it for good.
    """

    tag = "2p-set"
    fields = frozenset({"elements", "removed"})
    operations = MappingProxyType({"add": "add X [X...]", "remove": "remove X [X...]"})

    def empty(self) -> TwoPhase:
        return {}, {}

    def decode(self, node: dict[str, Any], where: Where) -> TwoPhase:
        present = read_elements(node.get("elements", []), where.at("elements"))
        removed = read_elements(node.get("removed", []), where.at("removed"))
        return {key: value for key, value in present.items() if key not in removed}, removed

    def encode(self, state: TwoPhase) -> dict[str, Any]:
        return {"elements": encode_elements(state[0]), "removed": encode_elements(state[1])}

    def join(self, ours: TwoPhase, theirs: TwoPhase) -> TwoPhase:
        removed = ours[1] | theirs[1]
        present = {key: value for key, value in (ours[0] | theirs[0]).items() if key not in removed}
        return present, removed

    def value(self, state: TwoPhase) -> list[Any]:
        return encode_elements(state[0])

    def apply(self, state: TwoPhase, op: str, args: Sequence[Any], actor: Actor) -> TwoPhase:
        present, removed = state
        named = keyed(self, op, args)
        if op == "add":
            return present | {k: v for k, v in named.items() if k not in removed}, removed
        return {k: v for k, v in present.items() if k not in named}, removed | named


class OrSet(CrdtType[Dotted]):
    """An observed-remove (add-wins) set: `add X...`, `remove X...`.

    A remove takes away the adds it has seen; an add it has not seen (a concurrent one) survives.
    """

    tag = "or-set"
    fields = frozenset({"entries", "context"})
    operations = MappingProxyType({"add": "add X [X...]", "remove": "remove X [X...]"})

    def empty(self) -> Dotted:
        return Dotted({}, {})

    def decode(self, node: dict[str, Any], where: Where) -> Dotted:
        context = causal.read_context(node.get("context", {}), where.at("context"))
        entries = node.get("entries", [])
        return Dotted(
            causal.read_entries(entries, where.at("entries"), context, "value", read_element),
            context,
        )

    def encode(self, state: Dotted) -> dict[str, Any]:
        return {
            "context": dict(sorted(state.context.items())),
            "entries": causal.encode_entries(state.entries, "value"),
        }

    def join(self, ours: Dotted, theirs: Dotted) -> Dotted:
        return causal.join_dotted(ours, theirs)

    def value(self, state: Dotted) -> list[Any]:
        return [state.entries[key][0] for key in sorted(state.entries)]

    def apply(self, state: Dotted, op: str, args: Sequence[Any], actor: Actor) -> Dotted:
        entries, context = dict(state.entries), state.context
        for key, element in keyed(self, op, args).items():
            if op == "remove":
                entries.pop(key, None)
                continue
            # A fresh dot replaces the observed ones: the context already covers those.
            dot = causal.next_dot(context, actor.replica)
            context = causal.with_dot(context, dot)
            entries[key] = element, frozenset({dot})
        return Dotted(entries, context)


register(GSet())
register(TwoPhaseSet())
register(OrSet())
