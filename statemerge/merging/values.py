"""JSON values as the merge sees them: ABSENT, the value of a key or element that is not there.

JSON equality (`same`), identity keys (`identity`) and YAML's atoms (`Alias`, `Tagged`) live in
`statemerge.jsonvalue`, shared with the document readers; they are re-exported here.
"""

from __future__ import annotations

from typing import Final

from statemerge.jsonvalue import Alias, Tagged, identity, json_default, same
from statemerge.jsonvalue import canonical_value as canonical

# Equality and YAML's atoms live in jsonvalue (shared with the readers); re-exported for the merge.
__all__ = ["ABSENT", "Alias", "Tagged", "canonical", "identity", "json_default", "same"]


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
