"""JSON values as the merge sees them: absence, strict equality, identity keys.

JSON equality differs from Python's `==` in two ways that matter to a merge: `true` is not `1`,
and `1` is not `1.0` (a side that rewrote one as the other changed the document). Object key order
is layout, not data, so `{"a":1,"b":2}` equals `{"b":2,"a":1}`.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any, Final


class _Absent:
    """The value of a key or element that is not there (not the same as JSON null)."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT: Final = _Absent()


@dataclass(frozen=True)
class Alias:
    """A YAML alias (`*name`) as written: it merges as one value, so it stays an alias and a
    change to its anchored node reaches it."""

    name: str

    def __str__(self) -> str:
        return f"*{self.name}"


@dataclass(frozen=True)
class Tagged:
    """A value under a custom YAML tag (`!Ref x`), compared by tag and value, merged whole."""

    tag: str
    value: Any

    def __hash__(self) -> int:
        return hash((self.tag, canonical(self.value)))

    def __str__(self) -> str:
        return f"{self.tag} {self.value}"


def json_default(value: Any) -> Any:
    """How YAML's atoms appear in JSON reports: `{"$alias": name}`, `{"$tag": tag, "value": v}`."""
    if isinstance(value, Alias):
        return {"$alias": value.name}
    if isinstance(value, Tagged):
        return {"$tag": value.tag, "value": value.value}
    raise TypeError(f"{type(value).__name__} is not JSON data")


def _dumps(value: Any, sort_keys: bool) -> bytes:
    orjson = sys.modules.get("orjson")  # used when a large document already loaded it
    if orjson is not None:
        option = orjson.OPT_PASSTHROUGH_DATACLASS | (orjson.OPT_SORT_KEYS if sort_keys else 0)
        try:
            return bytes(orjson.dumps(value, option=option, default=json_default))
        except TypeError:  # integers beyond 64 bits, nesting deeper than orjson goes
            pass
    return json.dumps(value, sort_keys=sort_keys, separators=(",", ":"),
                      default=json_default).encode()


def same(a: Any, b: Any) -> bool:
    """JSON equality: key order ignored, booleans are not numbers, 1 is not 1.0.

    Python's `==` (C speed) settles most cases; a serialization check settles the rest.
    """
    if a is b:
        return True
    if type(a) is not type(b) or a != b:
        return False
    if isinstance(a, dict | list):
        return _dumps(a, False) == _dumps(b, False) or _dumps(a, True) == _dumps(b, True)
    return True


def canonical(value: Any) -> bytes:
    """A canonical serialization: equal values (by `same`) give equal bytes."""
    return _dumps(value, True)


def identity(value: Any) -> Any:
    """A hashable key for a value, distinguishing booleans from numbers and 1 from 1.0."""
    if isinstance(value, dict | list):
        return ("c", canonical(value))
    return (type(value).__name__, value)
