"""Reading the stored fields of a node: each reader checks one shape and names its pointer on error.

Also the identity of elements: two JSON values are one element when their canonical forms (sorted
keys, compact) are equal, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are one element; `1` and `1.0`,
or `1` and `true`, are different elements.
"""

from __future__ import annotations

from typing import Any

from statemerge.errors import NodeError
from statemerge.jsonvalue import canonical_json, loads_fast
from statemerge.pointer import child

SCALARS = (str, int, float, bool, type(None))


class Where:
    """Where a value sits: the file (or other source) and the JSON Pointer inside it.

    Children are cheap: their pointer is only spelled out when an error needs it, because the
    readers make one for every field of every entry they check.
    """

    __slots__ = ("_parent", "_pointer", "_token", "source")

    def __init__(self, source: str, pointer: str = "") -> None:
        self.source = source
        self._pointer: str | None = pointer
        self._parent: Where | None = None
        self._token: str | int = ""

    @property
    def pointer(self) -> str:
        """The JSON Pointer of this place."""
        if self._pointer is None:
            assert self._parent is not None
            self._pointer = child(self._parent.pointer, self._token)
        return self._pointer

    def at(self, token: str | int) -> Where:
        """The place of one child."""
        place = Where(self.source, "")
        place._pointer, place._parent, place._token = None, self, token
        return place

    def error(self, reason: str) -> NodeError:
        """A NodeError for this place (raise it)."""
        return NodeError(self.source, self.pointer, reason)


def type_name(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def read_object(value: Any, where: Where, what: str = "an object") -> dict[str, Any]:
    """`value` if it is a JSON object."""
    if not isinstance(value, dict):
        raise where.error(f"expected {what}, found {type_name(value)}.")
    return value


def read_list(value: Any, where: Where, what: str = "an array") -> list[Any]:
    """`value` if it is a JSON array."""
    if not isinstance(value, list):
        raise where.error(f"expected {what}, found {type_name(value)}.")
    return value


def read_int(value: Any, where: Where, *, minimum: int) -> int:
    """An integer (booleans are not integers) of at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.error(f"expected an integer, found {type_name(value)}.")
    if value < minimum:
        raise where.error(f"expected an integer of at least {minimum}, found {value}.")
    return value


def read_replica(value: Any, where: Where) -> str:
    """A replica id: a non-empty string."""
    if not isinstance(value, str) or not value:
        raise where.error(f"expected a replica id (a non-empty string), found {type_name(value)}.")
    return value


def read_counts(value: Any, where: Where) -> dict[str, int]:
    """An object of replica id -> non-negative integer; zero entries are dropped (canonical)."""
    counts: dict[str, int] = {}
    for replica, count in read_object(value, where, "an object of replica ids").items():
        if not replica:
            raise where.at(replica).error("a replica id must not be empty.")
        if read_int(count, where.at(replica), minimum=0):
            counts[replica] = count
    return counts


def encode_counts(counts: dict[str, int]) -> dict[str, int]:
    """Counts in canonical form: sorted by replica, no zero entries."""
    return {replica: counts[replica] for replica in sorted(counts) if counts[replica]}


def check_fields(node: dict[str, Any], where: Where, allowed: frozenset[str], tag: str) -> None:
    """Refuse stored fields a type does not have (a typo would otherwise be silently dropped)."""
    if node.keys() <= allowed:
        return
    for name in node:
        if name != "$crdt" and name not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise where.at(name).error(f"a {tag} node has no field {name!r} (its fields: {known}).")


def element_key(value: Any) -> bytes:
    """The canonical form of a JSON value: its identity as a set element or map key."""
    return canonical_json(value)


def canonical_element(value: Any, key: bytes) -> Any:
    """`value` with its objects' keys sorted (its key given): equal elements serialize alike."""
    if isinstance(value, SCALARS):
        return value
    return loads_fast(key)
