"""JSON values as the merge sees them: absence, strict equality, identity keys.

JSON equality differs from Python's `==` in two ways that matter to a merge: `true` is not `1`,
and `1` is not `1.0` (a side that rewrote one as the other changed the document). Object key order
is layout, not data, so `{"a":1,"b":2}` equals `{"b":2,"a":1}`.
"""

from __future__ import annotations

from typing import Any, Final

from statemerge.jsonvalue import comparable_json


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


def same(a: Any, b: Any) -> bool:
    """JSON equality: key order ignored, booleans are not numbers, 1 is not 1.0.

    Python's `==` (C speed) settles most cases; a serialization check settles the rest.
    """
    if a is b:
        return True
    if type(a) is not type(b) or a != b:
        return False
    if isinstance(a, dict | list):
        return (comparable_json(a, sort_keys=False) == comparable_json(b, sort_keys=False)
                or comparable_json(a, sort_keys=True) == comparable_json(b, sort_keys=True))
    return True


def canonical(value: Any) -> bytes:
    """A canonical serialization: equal values (by `same`) give equal bytes."""
    return comparable_json(value, sort_keys=True)


def identity(value: Any) -> Any:
    """A hashable key for a value, distinguishing booleans from numbers and 1 from 1.0."""
    if isinstance(value, dict | list):
        return ("c", canonical(value))
    return (type(value).__name__, value)
