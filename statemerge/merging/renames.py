"""Renamed records: a side that renamed a record (a mapping key, or a keyed record's identity
field) while the other side edited it has changed one record, not deleted one and added another.

A rename is a record the side added whose base key it dropped while the other side kept it,
found by most fields in common (at least half; the same position counts a quarter more).
"""

from __future__ import annotations

from typing import Any

from statemerge.merging.values import same


def renames(by_base: dict[Any, Any], by_side: dict[Any, Any], by_other: dict[Any, Any],
            key_field: str | None = None) -> dict[Any, Any]:
    """The side's renamed records: {new key: base key}. Records are objects (`dict`)."""
    dropped = [key for key in by_base if key not in by_side and key in by_other
               and isinstance(by_base[key], dict) and isinstance(by_other[key], dict)]
    added = [key for key in by_side if key not in by_base and key not in by_other
             and isinstance(by_side[key], dict)]
    if not dropped or not added:
        return {}
    base_keys, side_keys = list(by_base), list(by_side)
    found: dict[Any, Any] = {}
    for old in dropped:
        scored = []
        for new in added:
            if new in found:
                continue
            score = _similarity(by_base[old], by_side[new], key_field)
            if side_keys.index(new) == base_keys.index(old):
                score += 0.25
            scored.append((score, new))
        if scored:
            score, new = max(scored, key=lambda pair: pair[0])
            if score >= 0.5:
                found[new] = old
    return found


def follow_renames(by_base: dict[Any, Any], by_side: dict[Any, Any], by_other: dict[Any, Any],
                   key_field: str | None = None) -> dict[Any, Any]:
    """`by_side` with each renamed record filed under its base key (same order)."""
    found = renames(by_base, by_side, by_other, key_field)
    if not found:
        return by_side
    return {found.get(key, key): record for key, record in by_side.items()}


def _similarity(old: dict[str, Any], new: dict[str, Any], key_field: str | None) -> float:
    fields = (set(old) | set(new)) - {key_field}
    if not fields:
        return 0.0
    equal = sum(1 for name in fields if name in old and name in new and same(old[name], new[name]))
    return equal / len(fields)
