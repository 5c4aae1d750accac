"""The causal kernel shared by or-set, mv-register and or-map: dots and causal contexts.

A dot `(replica, n)` names the n-th event of a replica. A causal context is a version vector
(`clocks.VersionVector`): it says which dots a state has seen. A state keeps only the dots that are
still live; a dot that was seen but is no longer kept was removed, so no tombstone is needed.

Joining keeps a dot when both sides hold it, or when one side holds it and the other has not seen
it (so it cannot have removed it). Every replica numbers its own dots 1, 2, 3, ... and full states
are joined whole, so every context stays a plain version vector (no "dot cloud" of out-of-order
dots is ever needed); a dot beyond its state's context is malformed.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from typing import Any, NamedTuple

from statemerge.clocks import VersionVector, vv_merge
from statemerge.crdt.fields import (
    Where,
    check_fields,
    read_counts,
    read_int,
    read_list,
    read_object,
    read_replica,
)

Dot = tuple[str, int]
Entries = dict[bytes, tuple[Any, frozenset[Dot]]]
"""Dotted entries: a payload's canonical key -> (payload, its live dots)."""


class Dotted(NamedTuple):
    """Dotted entries and the causal context they live in (or-set and mv-register states)."""

    entries: Entries
    context: VersionVector


def read_context(value: Any, where: Where) -> VersionVector:
    """A causal context: replica id -> the number of its events seen."""
    return read_counts(value, where)


def read_dot(value: Any, where: Where, context: VersionVector | None) -> Dot:
    """A dot `["alice", 3]` that the state's context covers (any dot when no context is given)."""
    pair = read_list(value, where, 'a dot like ["alice", 3]')
    if len(pair) != 2:
        raise where.error(f'expected a dot like ["alice", 3], found an array of {len(pair)} items.')
    replica = read_replica(pair[0], where.at(0))
    counter = read_int(pair[1], where.at(1), minimum=1)
    if context is not None and counter > context.get(replica, 0):
        raise where.error(
            f"dot [{replica!r}, {counter}] is beyond the node's context "
            f"({replica!r} is at {context.get(replica, 0)})."
        )
    return replica, counter


def read_dots(value: Any, where: Where, context: VersionVector) -> frozenset[Dot]:
    """A non-empty array of dots."""
    dots = _well_formed_dots(value, context)
    if dots is not None:
        return dots
    items = read_list(value, where, "an array of dots")
    if not items:
        raise where.error("expected at least one dot (an entry without dots is removed).")
    return frozenset(read_dot(item, where.at(index), context) for index, item in enumerate(items))


def encode_dot(dot: Dot) -> list[Any]:
    """The stored form of a dot."""
    return [dot[0], dot[1]]


def encode_dots(dots: Set[Dot]) -> list[list[Any]]:
    """Dots sorted by replica, then counter."""
    return [encode_dot(dot) for dot in sorted(dots)]


def seen(dot: Dot, context: VersionVector) -> bool:
    """Whether a context covers a dot."""
    return dot[1] <= context.get(dot[0], 0)


def surviving(
    ours: Set[Dot], our_context: VersionVector, theirs: Set[Dot], their_context: VersionVector
) -> frozenset[Dot]:
    """The dots a join keeps: those both hold, and those one holds that the other has not seen."""
    if ours == theirs:
        return frozenset(ours)
    kept = {dot for dot in ours if dot in theirs or not seen(dot, their_context)}
    kept.update(dot for dot in theirs if dot not in ours and not seen(dot, our_context))
    return frozenset(kept)


def join_contexts(ours: VersionVector, theirs: VersionVector) -> VersionVector:
    """Everything either side has seen."""
    return vv_merge(ours, theirs)


def next_dot(context: VersionVector, replica: str) -> Dot:
    """The dot of a replica's next event."""
    return replica, context.get(replica, 0) + 1


def with_dot(context: VersionVector, dot: Dot) -> VersionVector:
    """The context after issuing `dot`."""
    return vv_merge(context, {dot[0]: dot[1]})


def join_entries(
    ours: Entries, our_context: VersionVector, theirs: Entries, their_context: VersionVector
) -> Entries:
    """Join dotted entries: each payload keeps its surviving dots and goes when it has none."""
    joined: Entries = {}
    for key, (payload, dots) in ours.items():
        other = theirs.get(key)
        if other is None:
            kept = frozenset(dot for dot in dots if not seen(dot, their_context))
        else:
            kept = surviving(dots, our_context, other[1], their_context)
        if kept:
            joined[key] = payload, kept
    for key, (payload, dots) in theirs.items():
        if key not in ours:
            kept = frozenset(dot for dot in dots if not seen(dot, our_context))
            if kept:
                joined[key] = payload, kept
    return joined


def join_dotted(ours: Dotted, theirs: Dotted) -> Dotted:
    """The join of two dotted states."""
    entries = join_entries(ours.entries, ours.context, theirs.entries, theirs.context)
    return Dotted(entries, join_contexts(ours.context, theirs.context))


def read_entries(
    value: Any,
    where: Where,
    context: VersionVector,
    payload: str,
    read_payload: Callable[[Any, Where, int], tuple[bytes, Any]],
    used: set[Dot] | None = None,
) -> Entries:
    """Entries `[{"dots": [...], PAYLOAD: ...}]`: dots covered by the context, each used once.

    `read_payload(value, where, index)` validates the payload of entry `index` and gives its
    canonical key and form; entries with one payload are combined. `used` collects the dots seen
    so far (a dot names one event).
    """
    entries: Entries = {}
    used = set() if used is None else used
    fields = {"dots", payload}
    for index, entry in enumerate(read_list(value, where, "an array of entries")):
        dots = None
        if type(entry) is dict and entry.keys() == fields:  # the fast path for well-formed entries
            dots = _well_formed_dots(entry["dots"], context)
        if dots is None:
            dots = _read_entry(entry, where.at(index), context, payload, fields)
        if not used.isdisjoint(dots):
            duplicate = list(min(used & dots))
            raise where.at(index).at("dots").error(f"dot {duplicate} is used by two entries.")
        used |= dots
        key, canonical = read_payload(entry[payload], where, index)
        if key in entries:
            dots |= entries[key][1]
        entries[key] = canonical, dots
    return entries


def _well_formed_dots(value: Any, context: VersionVector) -> frozenset[Dot] | None:
    """The dots of a well-formed, non-empty array of dots covered by the context, else None."""
    if type(value) is not list or not value:
        return None
    dots = []
    for pair in value:
        if not (
            type(pair) is list
            and len(pair) == 2
            and type(pair[0]) is str
            and type(pair[1]) is int
            and 0 < pair[1] <= context.get(pair[0], 0)
        ):
            return None
        dots.append((pair[0], pair[1]))
    return frozenset(dots)


def _read_entry(
    value: Any, where: Where, context: VersionVector, payload: str, fields: set[str]
) -> frozenset[Dot]:
    """The dots of one entry, read field by field, so that an error names what is wrong."""
    entry = read_object(value, where, "an entry object")
    check_fields(entry, where, frozenset(fields), "entry")
    if payload not in entry:
        raise where.error(f"an entry needs a {payload!r} field.")
    return read_dots(entry.get("dots"), where.at("dots"), context)


def encode_entries(entries: Entries, payload: str) -> list[dict[str, Any]]:
    """Entries sorted by their payload's canonical key."""
    return [{"dots": encode_dots(entries[key][1]), payload: entries[key][0]} for key in sorted(entries)]
