"""Strategies that resolve a conflict by a rule: sides, arithmetic, last-writer-wins.

Each returns the resolved value, or raises `CannotApply` with the reason the report shows.
"""

from __future__ import annotations

from typing import Any

from statemerge.merging.conflicts import Conflict
from statemerge.merging.values import ABSENT


class CannotApply(Exception):
    """A rule that does not fit the values in conflict (the conflict stays, with this reason)."""


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def resolve(strategy: str, conflict: Conflict, *, compare: str | None = None) -> Any:
    """The value a strategy gives for a conflict (ABSENT removes the key); `compare` orders
    `max`/`min` strings as versions (`semver` or `version`)."""
    base, ours, theirs = conflict.base, conflict.ours, conflict.theirs
    if strategy in ("ours", "theirs", "base"):
        return conflict.side(strategy)
    if strategy == "sum":
        start = 0 if base is ABSENT else base
        if not (_number(start) and _number(ours) and _number(theirs)):
            raise CannotApply("sum needs numbers on both sides (and in base, if present).")
        return start + (ours - start) + (theirs - start)
    if strategy in ("max", "min") and compare is not None:
        return _by_version(strategy, compare, ours, theirs)
    if strategy in ("max", "min"):
        both_numbers = _number(ours) and _number(theirs)
        both_strings = isinstance(ours, str) and isinstance(theirs, str)
        if not (both_numbers or both_strings):
            raise CannotApply(f"{strategy} needs two numbers or two strings.")
        return max(ours, theirs) if strategy == "max" else min(ours, theirs)
    if strategy == "union":
        if not (isinstance(ours, list) and isinstance(theirs, list)):
            raise CannotApply("union needs two arrays.")
        return union(base if isinstance(base, list) else [], ours, theirs)
    raise CannotApply(f"strategy {strategy} does not resolve a single value.")


def _by_version(strategy: str, compare: str, ours: Any, theirs: Any) -> Any:
    from statemerge.merging.versions import NotAVersion, version_key

    if not (isinstance(ours, str) and isinstance(theirs, str)):
        raise CannotApply(f"{strategy} by {compare} needs two version strings.")
    try:
        ours_key, theirs_key = version_key(compare, ours), version_key(compare, theirs)
    except NotAVersion as error:
        raise CannotApply(str(error)) from None
    if ours_key == theirs_key:
        raise CannotApply(f"{ours!r} and {theirs!r} are the same version written differently.")
    higher = ours_key > theirs_key
    return ours if higher == (strategy == "max") else theirs


def union(base: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any]:
    """Arrays as sets: every element either side has, less base elements either side removed.

    Ours' order, then theirs' additions; elements compared by JSON equality.
    """
    from statemerge.merging.values import identity

    base_keys = {identity(element) for element in base}
    ours_keys = {identity(element) for element in ours}
    theirs_keys = {identity(element) for element in theirs}
    removed = {key for key in base_keys if key not in ours_keys or key not in theirs_keys}
    merged: list[Any] = []
    seen: set[Any] = set()
    for element in [*ours, *theirs]:
        key = identity(element)
        if key in seen or key in removed:
            continue
        seen.add(key)
        merged.append(element)
    return merged


def later_side(timestamp: str, ours: Any, theirs: Any) -> str:
    """Which side's record is later by its `timestamp` field: `ours` or `theirs`."""
    ours_stamp = ours.get(timestamp) if isinstance(ours, dict) else None
    theirs_stamp = theirs.get(timestamp) if isinstance(theirs, dict) else None
    if ours_stamp is None or theirs_stamp is None:
        raise CannotApply(f"lww needs the field {timestamp!r} on both sides.")
    comparable = (_number(ours_stamp) and _number(theirs_stamp)) or (
        isinstance(ours_stamp, str) and isinstance(theirs_stamp, str)
    )
    if not comparable:
        raise CannotApply(f"lww cannot compare {timestamp!r} values {ours_stamp!r} and {theirs_stamp!r}.")
    if ours_stamp == theirs_stamp:
        raise CannotApply(f"lww: both sides have {timestamp!r} = {ours_stamp!r}.")
    return "ours" if ours_stamp > theirs_stamp else "theirs"
