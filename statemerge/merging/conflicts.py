"""Conflicts as plain data, and the slots that hold them inside a merged value.

A merge that leaves conflicts returns a value with `ConflictSlot`s where the conflicts are; the
output step then resolves every slot by one side (`take_side`), or writes the three versions in
place (`as_objects`). A `SequenceSlot` stands for a run of array elements, so it is spliced in.

The records here, as everywhere on the merge's start-up path, are NamedTuples or small classes
with `__slots__`, not dataclasses: `dataclasses` imports `inspect`, which would cost a merge
driver about half the start-up of Python itself.
"""

from __future__ import annotations

from typing import Any

from statemerge.jsonvalue import canonical_json
from statemerge.merging.values import ABSENT
from statemerge.records import Record

SIDES = ("base", "ours", "theirs")


class Conflict:
    """A change that both sides made differently, at a JSON Pointer path: its `kind`
    (modify/modify, add/add, delete/modify, modify/delete, sequence, crdt/plain), the three
    values (ABSENT where a side has none), and a `note` on why a rule could not resolve it."""

    __slots__ = ("base", "kind", "note", "ours", "path", "theirs")

    def __init__(self, path: str, kind: str, base: Any = ABSENT, ours: Any = ABSENT,
                 theirs: Any = ABSENT, note: str | None = None) -> None:
        self.path = path
        self.kind = kind
        self.base = base
        self.ours = ours
        self.theirs = theirs
        self.note = note

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Conflict) and self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass would be

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in
                          zip(self.__slots__, self._values(), strict=True))
        return f"Conflict({shown})"

    def _values(self) -> tuple[Any, ...]:
        return (self.path, self.kind, self.base, self.ours, self.theirs, self.note)

    @property
    def id(self) -> str:
        """The conflict's stable id (`conflict_id`)."""
        return conflict_id(self.path, self.kind, self.base, self.ours, self.theirs)

    def side(self, name: str) -> Any:
        """The value of one side (`base`, `ours` or `theirs`)."""
        return {"base": self.base, "ours": self.ours, "theirs": self.theirs}[name]

    def as_report(self, resolved_by: str | None) -> dict[str, Any]:
        """The JSON report entry (absent sides left out)."""
        entry: dict[str, Any] = {"id": self.id, "path": self.path, "kind": self.kind}
        for name in SIDES:
            value = self.side(name)
            if value is not ABSENT:
                entry[name] = value
        entry["resolved_by"] = resolved_by
        if self.note:
            entry["note"] = self.note
        return entry


def conflict_id(path: str, kind: str, base: Any, ours: Any, theirs: Any) -> str:
    """A short hash of a conflict's path, kind and three values (canonical JSON, absent sides
    left out): the same conflict has the same id on every machine and in every run.

    >>> conflict_id("/port", "modify/modify", 1, 2, 3)
    'd38884d1c3'
    """
    sides = {name: value for name, value in zip(SIDES, (base, ours, theirs), strict=True)
             if value is not ABSENT}
    from statemerge.sha256 import sha256_hex  # imported when a merge leaves a conflict

    return sha256_hex(canonical_json({"path": path, "kind": kind, **sides}))[:10]


class Resolution(Record):
    """A conflict that a rule resolved."""

    path: str
    strategy: str
    rule: str  # the rule's path pattern


class ConflictSlot:
    """Stands in a merged value where a conflict is; its sides are whole values."""

    __slots__ = ("conflict",)

    def __init__(self, conflict: Conflict) -> None:
        self.conflict = conflict


class SequenceSlot:
    """Stands for a run of array elements in conflict; each side is a list of elements."""

    __slots__ = ("conflict", "runs")

    def __init__(self, conflict: Conflict, runs: dict[str, list[Any]]) -> None:
        self.conflict = conflict
        self.runs = runs


def take_side(value: Any, side: str, holders: set[int]) -> Any:
    """The merged value with every slot replaced by one side (`ours`, `theirs` or `base`).

    `holders` are the ids of the containers that hold slots (MergeResult.holders): only those
    are rebuilt, everything else is returned as it is.
    """
    if isinstance(value, ConflictSlot):
        return value.conflict.side(side)  # a side's value is input data: it holds no slot
    if id(value) not in holders:
        return value
    if isinstance(value, dict):
        taken = {key: take_side(child, side, holders) for key, child in value.items()}
        return {key: child for key, child in taken.items() if child is not ABSENT}
    items: list[Any] = []
    for element in value:
        if isinstance(element, SequenceSlot):
            items.extend(element.runs[side])
        else:
            taken_element = take_side(element, side, holders)
            if taken_element is not ABSENT:
                items.append(taken_element)
    return items


def as_objects(value: Any, holders: set[int]) -> Any:
    """The merged value with each slot written as `{"$conflict": {base, ours, theirs}}`."""
    if isinstance(value, ConflictSlot | SequenceSlot):
        conflict = value.conflict
        sides = value.runs if isinstance(value, SequenceSlot) else {
            name: conflict.side(name) for name in SIDES
        }
        return {"$conflict": {k: v for k, v in sides.items() if v is not ABSENT}}
    if id(value) not in holders:
        return value
    if isinstance(value, dict):
        return {key: as_objects(child, holders) for key, child in value.items()}
    return [as_objects(element, holders) for element in value]
