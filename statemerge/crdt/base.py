"""What every CRDT type is, the registry of types, and node-level dispatch.

A node is a JSON object `{"$crdt": TAG, ...stored fields}`. Each type turns a node into a state
(`decode`, which validates), joins states, reads a state's plain value, applies operations, and
turns a state back into a canonical node (`encode`: sorted keys, sorted replicas and elements), so
equal states are equal bytes and a join's output does not depend on the order of its inputs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar

from statemerge.crdt.arguments import json_argument
from statemerge.crdt.fields import Where, check_fields, read_object, type_name
from statemerge.errors import UsageError
from statemerge.gcpause import paused_gc

TAG_FIELD = "$crdt"

State = TypeVar("State")


class Actor(NamedTuple):
    """Who applies an operation, and when: a replica id and the wall clock in microseconds."""

    replica: str
    now_micros: int = 0


class CrdtType(ABC, Generic[State]):
    """One state-based CRDT: a join-semilattice of states with operations that inflate them."""

    tag: ClassVar[str]
    fields: ClassVar[frozenset[str]]
    operations: ClassVar[Mapping[str, str]]  # operation -> usage, e.g. {"inc": "inc [N]"}

    @abstractmethod
    def empty(self) -> State:
        """The bottom state: a new, empty node."""

    @abstractmethod
    def decode(self, node: dict[str, Any], where: Where) -> State:
        """Validate a node's stored fields (unknown fields are already refused) into a state."""

    @abstractmethod
    def encode(self, state: State) -> dict[str, Any]:
        """The stored fields of a state, canonical, in sorted key order (without the tag)."""

    @abstractmethod
    def join(self, ours: State, theirs: State) -> State:
        """The least upper bound: commutative, associative and idempotent."""

    @abstractmethod
    def value(self, state: State) -> Any:
        """The plain JSON value a reader sees."""

    @abstractmethod
    def apply(self, state: State, op: str, args: Sequence[Any], actor: Actor) -> State:
        """The state after one operation (a state at least as large: operations only inflate)."""

    def parse_arguments(self, state: State, op: str, words: Sequence[str]) -> list[Any]:
        """Command-line words as operation arguments: each one a JSON value unless a type says."""
        return [json_argument(word) for word in words]

    def unknown(self, op: str) -> UsageError:
        """The error for an operation this type does not have."""
        known = ", ".join(self.operations)
        return UsageError(f"A {self.tag} has no operation {op!r} (it has: {known}).")

    def usage(self, op: str, problem: str) -> UsageError:
        """The error for an operation called with arguments that do not fit."""
        return UsageError(f"{self.tag} {op}: {problem} (usage: {self.operations[op]}).")


TYPES: dict[str, CrdtType[Any]] = {}  # the types loaded so far (`all_types` loads every one)
# the module of each type, loaded when a node of the type is first met
HOMES = {
    "g-counter": "counters",
    "pn-counter": "counters",
    "g-set": "sets",
    "2p-set": "sets",
    "or-set": "sets",
    "lww-register": "registers",
    "mv-register": "registers",
    "or-map": "maps",
    "rga": "rga",
}
KNOWN = ", ".join(sorted(HOMES))


def register(kind: CrdtType[Any]) -> CrdtType[Any]:
    """Add a type to the registry under its tag."""
    TYPES[kind.tag] = kind
    return kind


def type_named(tag: Any) -> CrdtType[Any] | None:
    """The type registered under a tag (its module loaded now if need be), or None."""
    if not isinstance(tag, str):
        return None
    kind = TYPES.get(tag)
    if kind is None and tag in HOMES:
        __import__(f"statemerge.crdt.{HOMES[tag]}")
        kind = TYPES.get(tag)
    return kind


def all_types() -> dict[str, CrdtType[Any]]:
    """The registry with every type in it."""
    for home in sorted(set(HOMES.values())):
        __import__(f"statemerge.crdt.{home}")
    return TYPES


def is_node(value: Any) -> bool:
    """Whether a value is a CRDT node: an object with a `"$crdt"` key."""
    return isinstance(value, dict) and TAG_FIELD in value


def kind_of(tag: Any, where: Where) -> CrdtType[Any]:
    """The type registered under a tag."""
    kind = type_named(tag)
    if kind is None:
        shown = repr(tag) if isinstance(tag, str) else type_name(tag)
        raise where.at(TAG_FIELD).error(f"unknown CRDT type {shown} (known: {KNOWN}).")
    return kind


def decode_node(node: Any, where: Where) -> tuple[CrdtType[Any], Any]:
    """Validate a node and decode it into its type and state."""
    body = read_object(node, where, 'a CRDT node (an object with a "$crdt" tag)')
    if TAG_FIELD not in body:
        raise where.error('expected a CRDT node, found an object without a "$crdt" tag.')
    kind = kind_of(body[TAG_FIELD], where)
    check_fields(body, where, kind.fields, kind.tag)
    return kind, kind.decode(body, where)


def encode_node(kind: CrdtType[Any], state: Any) -> dict[str, Any]:
    """A canonical node: the tag and the stored fields, keys in sorted order."""
    fields = kind.encode(state)
    fields[TAG_FIELD] = kind.tag
    return {name: fields[name] for name in sorted(fields)}


def join_states(
    decoded: Sequence[tuple[CrdtType[Any], Any]], wheres: Sequence[Where]
) -> tuple[CrdtType[Any], Any]:
    """Fold the join over decoded nodes that must all have one type."""
    kind, state = decoded[0]
    for (other, other_state), where in zip(decoded[1:], wheres[1:], strict=True):
        if other is not kind:
            raise where.error(f"cannot join a {other.tag} with a {kind.tag} (from {wheres[0].source}).")
        state = kind.join(state, other_state)
    return kind, state


def join(a: Any, b: Any, *, pointer: str = "", source: str = "") -> Any:
    """The join of two nodes of one type, canonical whatever the order of `a` and `b`."""
    where = Where(source or "<node>", pointer)
    return join_all([a, b], [where, where])


def join_all(nodes: Sequence[Any], wheres: Sequence[Where]) -> dict[str, Any]:
    """The N-way join of nodes of one type (each node's place given for errors)."""
    if not nodes:
        raise UsageError("Nothing to join: give at least one node.")
    with paused_gc():
        decoded = [decode_node(node, where) for node, where in zip(nodes, wheres, strict=True)]
        return encode_node(*join_states(decoded, wheres))


def new(tag: str) -> dict[str, Any]:
    """An empty node of a type."""
    kind = type_named(tag)
    if kind is None:
        raise UsageError(f"Unknown CRDT type {tag!r} (known: {KNOWN}).")
    return encode_node(kind, kind.empty())


def check_replica(replica: Any) -> str:
    """A replica id given by a caller: a non-empty string."""
    if not isinstance(replica, str) or not replica.strip():
        raise UsageError("A replica id must be a non-empty string (give --replica ID).")
    return replica


def apply(
    node: Any,
    op: str,
    args: Sequence[Any],
    *,
    replica: str,
    now_micros: int,
    source: str = "",
    pointer: str = "",
) -> dict[str, Any]:
    """The node after `op` with `args`, applied as `replica` at wall time `now_micros`."""
    kind, state = decode_node(node, Where(source or "<node>", pointer))
    if op not in kind.operations:
        raise kind.unknown(op)
    actor = Actor(check_replica(replica), now_micros)
    return encode_node(kind, kind.apply(state, op, list(args), actor))


def parse_arguments(
    node: Any, op: str, words: Sequence[str], *, source: str = "", pointer: str = ""
) -> list[Any]:
    """Command-line words of an operation on `node` as arguments for `apply`."""
    kind, state = decode_node(node, Where(source or "<node>", pointer))
    if op not in kind.operations:
        raise kind.unknown(op)
    return kind.parse_arguments(state, op, words)


def node_value(node: Any, where: Where) -> Any:
    """The plain value of one node."""
    kind, state = decode_node(node, where)
    return kind.value(state)
