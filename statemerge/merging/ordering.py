"""The order of keys (and of keyed array elements) after a merge, rule 1 of merge.md.

If only theirs changed the relative order of the items both sides kept, theirs' order leads,
otherwise ours'. An item only one side has goes right after the item that precedes it on that
side (at the front if none); where both sides add at one place, ours' items come first.
"""

from __future__ import annotations

from collections.abc import Container, Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

_FRONT = object()


def merged_order(
    base: Sequence[K], ours: Sequence[K], theirs: Sequence[K], kept: Container[K]
) -> list[K]:
    """The merged order of the keys in `kept`.

    >>> merged_order(["a", "b"], ["a", "x", "b"], ["a", "y", "b"], {"a", "b", "x", "y"})
    ['a', 'x', 'y', 'b']
    """
    ours_set, theirs_set = set(ours), set(theirs)
    shared = set(base) & ours_set & theirs_set
    base_relative = [key for key in base if key in shared]
    theirs_leads = [key for key in ours if key in shared] == base_relative and [
        key for key in theirs if key in shared
    ] != base_relative
    primary, secondary = (theirs, ours) if theirs_leads else (ours, theirs)
    primary_set = theirs_set if theirs_leads else ours_set
    secondary_set = ours_set if theirs_leads else theirs_set

    # Items only the secondary side has, bucketed by the nearest preceding item both have.
    # A bucket's leading base items (ones the primary side deleted, kept by a conflict) stay
    # right after the anchor, before any addition there; the rest follow the ours-first rule.
    base_set = set(base)
    kept_base: dict[object, list[K]] = {}
    added: dict[object, list[K]] = {}
    anchor: object = _FRONT
    for key in secondary:
        if key in primary_set:
            anchor = key
        elif key in base_set and anchor not in added:
            kept_base.setdefault(anchor, []).append(key)
        else:
            added.setdefault(anchor, []).append(key)

    order: list[K] = list(kept_base.pop(_FRONT, ()))
    if theirs_leads:  # ours' additions go first: right after their anchor
        order.extend(added.pop(_FRONT, ()))
        for key in primary:
            order.append(key)
            if key in secondary_set:
                order.extend(kept_base.pop(key, ()))
                order.extend(added.pop(key, ()))
    else:  # theirs' additions go after ours' own additions at the same place
        pending: object = _FRONT
        for key in primary:
            if key in secondary_set:
                order.extend(added.pop(pending, ()))
                pending = key
                order.append(key)
                order.extend(kept_base.pop(key, ()))
            else:
                order.append(key)
        order.extend(added.pop(pending, ()))
    return [key for key in order if key in kept]
