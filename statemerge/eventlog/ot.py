"""Operational transformation of concurrent ops, so each hits what its author meant.

`transform(a, b, a_first=...)` rewrites op `a` so that it applies after op `b`, both written
against the same state. It has the TP1 property: applying `a` then `transform(b, a)` gives the same
document as applying `b` then `transform(a, b)`.

Array ops (insert, remove, replace, move at an index) are placed in one coordinate system: base
element `i` sits at coordinate `2i`, the gap before it at `2i - 1`. An insert or a moved element
lands in a gap; concurrent items in one gap are ordered by `a_first` (the canonical order of their
events). The transformed indexes are then counted off that common picture, which is why both
orders of application agree. Paths that pass through an array index (`/tasks/3/status`) follow
their element; an edit of an element a concurrent op removed is dropped and reported.

Writes that do not shift indexes follow simple rules, also TP1: the later of two writes to one
path wins; a write to a container beats edits inside it; concurrent `inc`s add up; a set beats an
`inc`; a removal of an array element beats edits of it.

An append (`/list/-`) lands at the end of the list as it is when it applies, and shifts no index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from statemerge.patch import Op, split_pointer
from statemerge.pointer import format_pointer

Path = tuple[str, ...]

# Conflict kinds, reported for the op being transformed.
WRITE_WRITE = "write-write"
ANCESTOR_WRITE = "ancestor-write"
REMOVED = "removed"

_INSERTS = frozenset(("add", "copy", "move"))
_WRITES = frozenset(("add", "replace", "remove", "inc", "copy", "move"))


class Edit(NamedTuple):
    """One op in the form transformation works on: tokenized paths, and whether each path's
    last token indexes an array (`path_in_list`, `source_in_list`)."""

    name: str
    path: Path
    value: Any = None
    source: Path | None = None
    path_in_list: bool = False
    source_in_list: bool = False

    def to_op(self) -> Op:
        """The JSON Patch op."""
        op: Op = {"op": self.name, "path": format_pointer(self.path)}
        if self.source is not None:
            op["from"] = format_pointer(self.source)
        if self.name in ("add", "replace", "test", "inc"):
            op["value"] = self.value
        return op


def is_index(token: str) -> bool:
    """Whether a token is an array index (`0`, `12`; not `-`, not `01`)."""
    return token.isdigit() and (token == "0" or token[0] != "0")


def edit_from_op(op: Op, in_list: Any) -> Edit:
    """Tokenize an op; `in_list(parent_tokens)` tells whether a parent container is an array."""
    path = split_pointer(op["path"])
    source = split_pointer(op["from"]) if "from" in op else None
    return Edit(
        name=op["op"],
        path=path,
        value=op.get("value"),
        source=source,
        path_in_list=_in_list(path, in_list),
        source_in_list=source is not None and _in_list(source, in_list),
    )


def _in_list(path: Path, in_list: Any) -> bool:
    return bool(path) and (path[-1] == "-" or is_index(path[-1])) and bool(in_list(path[:-1]))


# --- The effect of one op on one array --------------------------------------------------------


class _ListEffect(NamedTuple):
    """What an op does to one array, in coordinates of the array before it: the base element
    it takes out (`removed`) and the gap its new item lands in (`placed`: before that element)."""

    array: Path
    removed: int | None = None
    placed: int | None = None


def _effects(edit: Edit) -> list[_ListEffect]:
    target = edit.path[:-1], edit.path[-1] if edit.path else ""
    places = edit.name in _INSERTS and edit.path_in_list and is_index(target[1])
    if edit.name == "remove" and edit.path_in_list and is_index(target[1]):
        return [_ListEffect(target[0], removed=int(target[1]))]
    if edit.name != "move" or edit.source is None:
        return [_ListEffect(target[0], placed=int(target[1]))] if places else []
    effects: list[_ListEffect] = []
    source_array, source_token = edit.source[:-1], edit.source[-1]
    takes = edit.source_in_list and is_index(source_token)
    if takes and places and source_array == target[0]:
        start, end = int(source_token), int(target[1])
        # `end` counts in the array without the element; as a gap of the array before the move:
        return [_ListEffect(source_array, removed=start, placed=end if end < start else end + 1)]
    if takes:
        effects.append(_ListEffect(source_array, removed=int(source_token)))
    if places:
        effects.append(_ListEffect(target[0], placed=int(target[1])))
    return effects


def _own_effect(edit: Edit, array: Path) -> _ListEffect | None:
    for effect in _effects(edit):
        if effect.array == array:
            return effect
    return None


def _element_after(index: int, effect: _ListEffect) -> int | None:
    """Where base element `index` is after `effect` (None: removed)."""
    if effect.removed == index:
        return None
    taken_before = effect.removed is not None and effect.removed < index
    placed_before = effect.placed is not None and effect.placed <= index
    return index - taken_before + placed_before


def _gap_after(own: _ListEffect, other: _ListEffect, *, own_first: bool) -> int:
    """The final index of `own`'s placed item once `other` applied too (same array)."""
    assert own.placed is not None
    spot = own.placed
    index = spot - (own.removed is not None and own.removed < spot)
    if other.removed is not None and other.removed < spot and other.removed != own.removed:
        index -= 1
    if other.placed is not None and (other.placed < spot or (other.placed == spot and not own_first)):
        index += 1
    return index


# --- Transformation -------------------------------------------------------------------------


class Outcome(NamedTuple):
    """The transformed op (None when it no longer does anything) and the conflict found, if any."""

    edit: Edit | None
    conflict: str | None = None


def transform(a: Edit, b: Edit, *, a_first: bool) -> Outcome:
    """Rewrite `a` to apply after `b` (both written against one state).

    `a_first` says whether `a`'s event comes first in the canonical order: the first of two
    inserts at one index goes left, the later of two writes to one path wins.
    """
    moved = _follow_move(a, b, a_first=a_first)
    if moved is not None:
        return moved
    mapped = _map_indexes(a, b, a_first=a_first)
    if mapped.edit is None:
        return mapped
    return _overwrite(mapped.edit, b, a_first=a_first)


def _follow_move(a: Edit, b: Edit, *, a_first: bool) -> Outcome | None:
    """When both ops take the same element or member out (remove or move), decide which stands."""
    if b.name == "move":
        taken = b.source
    elif b.name == "remove" and b.path:
        taken = b.path
    else:
        return None
    mine = a.source if a.name == "move" else a.path if a.name == "remove" else None
    if mine is None or mine != taken:
        return None
    if b.name == "remove":
        return Outcome(None, None if a.name == "remove" else REMOVED)
    destination = _final_path(b)
    if destination is None:
        return Outcome(None, REMOVED)
    if a.name == "remove":
        return Outcome(a._replace(path=destination, path_in_list=b.path_in_list))
    if a_first:  # b's move is the later one: it wins
        return Outcome(None, WRITE_WRITE)
    # a wins: move the element on from where b put it; a's target index already counts
    # the array without the element, which is what it is after b too.
    return Outcome(a._replace(source=destination, source_in_list=b.path_in_list), WRITE_WRITE)


def _final_path(move: Edit) -> Path | None:
    """Where a move put its element (None when it appended: the index is unknown here)."""
    if move.path and move.path[-1] == "-" and move.path_in_list:
        return None
    return move.path


def _map_indexes(a: Edit, b: Edit, *, a_first: bool) -> Outcome:
    """Shift the array indexes in a's paths by b's inserts, removals and moves."""
    effects = _effects(b)
    path, source = a.path, a.source
    if b.name == "move" and b.source is not None:
        rewritten = _under_moved(a, b)
        if rewritten is not None:
            return rewritten
    for effect in effects:
        own = _own_effect(a, effect.array) if a.path_in_list else None
        if own is not None and own.placed is not None and a.path[:-1] == effect.array:
            index = _gap_after(own, effect, own_first=a_first)
            path = (*effect.array, str(index))
        else:
            shifted = _shift(path, effect)
            if shifted is None:
                return Outcome(None, REMOVED if a.name != "remove" else None)
            path = shifted
        if source is not None:
            shifted = _shift(source, effect)
            if shifted is None:
                return Outcome(None, REMOVED)
            source = shifted
    return Outcome(a._replace(path=path, source=source))


def _under_moved(a: Edit, b: Edit) -> Outcome | None:
    """a's paths inside what b moved follow it to its new place."""
    assert b.source is not None
    size = len(b.source)
    gap = a.name in _INSERTS and a.path_in_list  # an insert position does not follow an element
    inside = (a.source is not None and a.source[:size] == b.source) or (
        a.path[:size] == b.source and not (gap and len(a.path) == size)
    )
    if not inside:
        return None
    destination = _final_path(b)
    if destination is None:
        return Outcome(None, REMOVED)
    effects = _effects(b)

    def follow(path: Path, *, is_gap: bool = False) -> Path:
        if path[:size] == b.source and not (is_gap and len(path) == size):
            return destination + path[size:]
        for effect in effects:
            path = _shift(path, effect) or path
        return path

    source = follow(a.source) if a.source is not None else None
    return Outcome(a._replace(path=follow(a.path, is_gap=gap), source=source))


def _shift(path: Path, effect: _ListEffect) -> Path | None:
    """`path` after `effect`, when it passes through the effect's array (None: element gone)."""
    size = len(effect.array)
    if len(path) <= size or path[:size] != effect.array or not is_index(path[size]):
        return path
    after = _element_after(int(path[size]), effect)
    if after is None:
        return None
    return (*path[:size], str(after), *path[size + 1 :])


def _overwrite(a: Edit, b: Edit, *, a_first: bool) -> Outcome:
    """Rules for writes that do not shift indexes: later write wins, containers beat contents."""
    b_writes = _write_paths(b)
    for anchor, role in _anchors(a):
        if role == "read":
            continue  # a test or a copy source reads whatever is there when it applies
        for written, b_name in b_writes:
            if len(written) < len(anchor) and anchor[: len(written)] == written:
                return Outcome(None, ANCESTOR_WRITE)
            if written == anchor and role == "write":
                return _same_path(a, b_name, a_first=a_first)
        if role == "write":
            for touched, _ in _anchors(b):
                if len(anchor) < len(touched) and touched[: len(anchor)] == anchor:
                    return Outcome(a, ANCESTOR_WRITE)
    return Outcome(a)


def _same_path(a: Edit, b_name: str, *, a_first: bool) -> Outcome:
    if a.name == "inc" and b_name == "inc":
        return Outcome(a)
    if a.name == "remove" and b_name == "remove":
        return Outcome(None)
    if a.name == "remove" and a.path_in_list:
        return Outcome(a, WRITE_WRITE)  # removing an array element beats writing it
    if a.name == "inc":
        return Outcome(None, WRITE_WRITE)
    if b_name == "inc" or not a_first:
        if b_name == "remove" and a.name == "replace":
            return Outcome(a._replace(name="add"), WRITE_WRITE)
        return Outcome(a, WRITE_WRITE)
    return Outcome(None, WRITE_WRITE)


def _anchors(a: Edit) -> list[tuple[Path, str]]:
    """The paths of `a` with their role: `write` (sets or removes there), `read`, `gap` (an
    array insert position) or `element` (the array element a move carries away)."""
    anchors: list[tuple[Path, str]] = []
    if a.name in _INSERTS and a.path_in_list:
        anchors.append((a.path, "gap"))
    elif a.name in _WRITES:
        anchors.append((a.path, "write"))
    else:
        anchors.append((a.path, "read"))
    if a.source is not None and a.name == "move":
        # Moving an array element carries whatever it holds; moving a member takes it away.
        anchors.append((a.source, "element" if a.source_in_list else "write"))
    elif a.source is not None:
        anchors.append((a.source, "read"))
    return anchors


def _write_paths(b: Edit) -> list[tuple[Path, str]]:
    """Paths whose whole content `b` sets or removes (array inserts shift, they do not write)."""
    paths: list[tuple[Path, str]] = []
    shifts = b.path_in_list and (b.name in _INSERTS or b.name == "remove")
    if b.name in _WRITES and not shifts:
        paths.append((b.path, b.name))
    if b.name == "move" and b.source is not None and not b.source_in_list:
        paths.append((b.source, "remove"))
    return paths


def transform_sequences(
    mine: Sequence[Edit], theirs: Sequence[Edit], *, mine_first: bool
) -> tuple[list[Edit], list[tuple[str, Path]]]:
    """Rewrite the op sequence `mine` to apply after the sequence `theirs` (both written against
    one state); returns the new sequence and the conflicts met, as (kind, path) pairs."""
    current = list(mine)
    conflicts: list[tuple[str, Path]] = []
    for other in theirs:
        moving: Edit | None = other
        rewritten: list[Edit] = []
        for edit in current:
            if moving is None:
                rewritten.append(edit)
                continue
            outcome = transform(edit, moving, a_first=mine_first)
            if outcome.conflict is not None:
                conflicts.append((outcome.conflict, edit.path))
            moving = transform(moving, edit, a_first=not mine_first).edit
            if outcome.edit is not None:
                rewritten.append(outcome.edit)
        current = rewritten
    return current, conflicts
