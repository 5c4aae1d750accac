"""Registers: `lww-register` (the last write wins) and `mv-register` (concurrent writes all kept).

    {"$crdt": "lww-register", "at": "2026-11-27T12:00:00.000000Z/0000", "by": "alice", "value": 1}
    {"$crdt": "mv-register", "context": {"alice": 1, "bob": 1},
     "entries": [{"dots": [["alice", 1]], "value": "red"}, {"dots": [["bob", 1]], "value": "blue"}]}

An lww-register write is stamped with a hybrid logical clock timestamp (`clocks.Hlc`) later than
the one it overwrites, so a replica's own writes are ordered even when its wall clock goes back;
between replicas the later timestamp wins and equal timestamps go to the greater replica id.
An mv-register is an or-set whose `set` removes every value it has seen: concurrent sets survive
side by side until a set that has seen them all replaces them.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

from statemerge.clocks import Hlc, hlc_send
from statemerge.crdt import causal
from statemerge.crdt.base import Actor, CrdtType, register
from statemerge.crdt.causal import Dotted
from statemerge.crdt.fields import Where, canonical_element, element_key, read_replica
from statemerge.crdt.sets import OrSet
from statemerge.errors import InputError


class Write(NamedTuple):
    """The write an lww-register holds; writes compare by timestamp, then replica, then value."""

    at: Hlc
    by: str
    key: bytes
    value: Any


def read_stamp(value: Any, where: Where) -> Hlc:
    """A hybrid logical clock timestamp in its string form."""
    if not isinstance(value, str):
        raise where.error("expected a timestamp like 2026-11-27T12:00:00.000000Z/0000.")
    try:
        stamp = Hlc.parse(value)
    except InputError as error:
        raise where.error(error.message[0].lower() + error.message[1:]) from None
    try:
        written_back: Hlc | None = Hlc.parse(str(stamp))
    except (InputError, ValueError):  # a year the platform does not write with four digits
        written_back = None
    if stamp.counter < 0 or written_back != stamp:
        raise where.error(f"{value!r} is not a timestamp that can be stored (out of range).")
    return stamp


def single(kind: CrdtType[Any], op: str, args: Sequence[Any]) -> tuple[bytes, Any]:
    """The one value of `set X`: its canonical key and form."""
    if len(args) != 1:
        raise kind.usage(op, f"expected one value, got {len(args)}")
    key = element_key(args[0])
    return key, canonical_element(args[0], key)


class LwwRegister(CrdtType[Write | None]):
    """One value; `set X` replaces it, and between replicas the latest timestamp wins."""

    tag = "lww-register"
    fields = frozenset({"at", "by", "value"})
    operations = MappingProxyType({"set": "set X"})

    def empty(self) -> Write | None:
        return None

    def decode(self, node: dict[str, Any], where: Where) -> Write | None:
        present = [name for name in ("at", "by", "value") if name in node]
        if not present:
            return None
        if len(present) != 3:
            missing = next(name for name in ("at", "by", "value") if name not in node)
            raise where.at(missing).error("an lww-register holds all of at, by and value, or none of them.")
        stamp = read_stamp(node["at"], where.at("at"))
        by = read_replica(node["by"], where.at("by"))
        key = element_key(node["value"])
        return Write(stamp, by, key, canonical_element(node["value"], key))

    def encode(self, state: Write | None) -> dict[str, Any]:
        if state is None:
            return {}
        return {"at": str(state.at), "by": state.by, "value": state.value}

    def join(self, ours: Write | None, theirs: Write | None) -> Write | None:
        if ours is None or theirs is None:
            return theirs if ours is None else ours
        return max(ours, theirs, key=lambda write: (write.at, write.by, write.key))

    def value(self, state: Write | None) -> Any:
        return None if state is None else state.value

    def apply(self, state: Write | None, op: str, args: Sequence[Any], actor: Actor) -> Write:
        key, value = single(self, op, args)
        stamp = hlc_send(None if state is None else state.at, actor.now_micros)
        return Write(stamp, actor.replica, key, value)


class MvRegister(OrSet):
    """Every value set concurrently, until a later `set X` (that has seen them) replaces them."""

    tag = "mv-register"
    operations = MappingProxyType({"set": "set X"})

    def apply(self, state: Dotted, op: str, args: Sequence[Any], actor: Actor) -> Dotted:
        key, value = single(self, op, args)
        dot = causal.next_dot(state.context, actor.replica)
        return Dotted({key: (value, frozenset({dot}))}, causal.with_dot(state.context, dot))


LWW = LwwRegister()
register(LWW)
register(MvRegister())
