"""JSON values as the merge sees them: ABSENT, the value of a key or element that is not there.

JSON equality (`same`) and identity keys (`identity`) live in `statemerge.jsonvalue`, shared with
the document readers; they are re-exported here for the merge's modules.
"""

from __future__ import annotations

from typing import Final

from statemerge.jsonvalue import canonical_value as canonical
from statemerge.jsonvalue import identity, same

__all__ = ["ABSENT", "canonical", "identity", "same"]  # equality lives in jsonvalue


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
