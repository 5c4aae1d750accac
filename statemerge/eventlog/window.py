"""The recent events replay keeps, to transform a late concurrent event against them.

An event is written against its causal past (its clock); replay applies events one after the other,
so a concurrent event meets a document that already holds edits its author never saw. Context-based
transformation (COT, Sun & Sun 2009) rewrites it: for each applied event it did not see, in applied
order, first bring that event's ops into the new event's current context (recursively, memoized),
then transform the new event's ops against them (`ot.transform_sequences`).

Only events that a future event might not have seen are kept: an event leaves the window once it is
causally stable (every agent's latest clock covers it), or when the window is full (`limit`). An
event concurrent with one that already left is applied as written and reported (`stale-context`).
Paths shift only through array inserts, removals and moves, so only events holding those are
transformed against when bringing others into context.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from statemerge.eventlog.ot import Edit, Path, edit_from_op, is_index, transform_sequences
from statemerge.patch import Op

InList = Callable[[Path], bool]
ContextKey = tuple[tuple[str, int], ...]


@dataclass(eq=False, slots=True)
class Entry:
    """One applied event as the window keeps it."""

    agent: str
    seq: int
    order: tuple[tuple[str, int], str]
    id: str
    context: dict[str, int]
    ops: list[Op]
    position: int
    shifts: bool
    edits: list[Edit] | None = None
    forms: dict[ContextKey, list[Edit]] = field(default_factory=dict)


def shifts_indexes(ops: list[Op]) -> bool:
    """Whether some op may insert, remove or move an array element (and so shift paths)."""
    for op in ops:
        name = op["op"]
        if name in ("add", "remove", "move", "copy") and is_index(op["path"].rsplit("/", 1)[-1]):
            return True
        if name == "move" and is_index(op["from"].rsplit("/", 1)[-1]):
            return True
    return False


def _key(context: dict[str, int]) -> ContextKey:
    return tuple(sorted(context.items()))


class Window:
    """Applied events that are not yet causally stable, in applied order."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.entries: deque[Entry] = deque()
        self.latest: dict[str, dict[str, int]] = {}
        self.left: dict[str, int] = {}  # per agent, the highest seq that left the window
        self._position = 0

    def observe(self, agent: str, clock: dict[str, int]) -> None:
        """Remember the latest clock of an agent (for stability)."""
        self.latest[agent] = clock

    def needed(self, agent: str, seq: int) -> bool:
        """Whether some agent has not seen this event yet (so a later event may not have)."""
        for clock in self.latest.values():
            if clock.get(agent, 0) < seq:
                return True
        if seq > self.left.get(agent, 0):
            self.left[agent] = seq
        return False

    def add(self, entry: Entry) -> None:
        """Keep an applied event; drop the oldest ones once stable, or when over the limit."""
        self._position += 1
        entry.position = self._position
        self.entries.append(entry)
        entries = self.entries
        clocks = self.latest.values()
        while entries:
            first = entries[0]
            if len(entries) <= self.limit and any(
                c.get(first.agent, 0) < first.seq for c in clocks
            ):
                break
            entries.popleft()
            if first.seq > self.left.get(first.agent, 0):
                self.left[first.agent] = first.seq

    def unseen(self, context: dict[str, int]) -> list[Entry]:
        """The kept events outside `context` (concurrent with an event of that context)."""
        return [entry for entry in self.entries if entry.seq > context.get(entry.agent, 0)]

    def lost(self, context: dict[str, int], frontier: dict[str, int]) -> bool:
        """Whether some applied event outside `context` already left the window."""
        for agent, seq in frontier.items():
            seen = context.get(agent, 0)
            if seq > seen and self.left.get(agent, 0) > seen:
                return True
        return False

    def integrate(
        self,
        edits: list[Edit],
        context: dict[str, int],
        order: tuple[tuple[str, int], str],
        in_list: InList,
    ) -> tuple[list[Edit], list[tuple[str, Path, Entry]]]:
        """Rewrite an event's edits (written in `context`) to apply to the current document."""
        found: list[tuple[str, Path, Entry]] = []
        current = dict(context)
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 4 * len(self.entries) + 1000))
        try:
            for other in self.unseen(context):
                theirs = self.form(other, current, in_list)
                edits, conflicts = transform_sequences(
                    edits, theirs, mine_first=order < other.order
                )
                found.extend((kind, path, other) for kind, path in conflicts)
                current[other.agent] = max(current.get(other.agent, 0), other.seq)
        finally:
            sys.setrecursionlimit(limit)
        return edits, found

    def form(self, entry: Entry, context: dict[str, int], in_list: InList) -> list[Edit]:
        """`entry`'s ops rewritten to apply after everything in `context` (which holds the
        entry's own context and not the entry)."""
        key = _key(context)
        known = entry.forms.get(key)
        if known is not None:
            return known
        edits = self.original(entry, in_list)
        current = dict(entry.context)
        for other in self.entries:
            if other is entry or not other.shifts:
                continue
            if current.get(other.agent, 0) < other.seq <= context.get(other.agent, 0):
                theirs = self.form(other, current, in_list)
                edits, _ = transform_sequences(edits, theirs, mine_first=entry.order < other.order)
                current[other.agent] = other.seq
        entry.forms[key] = edits
        return edits

    @staticmethod
    def original(entry: Entry, in_list: InList) -> list[Edit]:
        """The entry's ops as written, as edits (classified against the document on first use)."""
        if entry.edits is None:
            entry.edits = [edit_from_op(op, in_list) for op in entry.ops]
        return entry.edits


def array_test(document: Any) -> InList:
    """`in_list(parent)` for a document: whether that container is an array (an unknown parent
    counts as one, since the path's last token is an index)."""

    def in_list(parent: Path) -> bool:
        node = document
        for token in parent:
            if isinstance(node, dict):
                if token not in node:
                    return True
                node = node[token]
            elif isinstance(node, list) and is_index(token) and int(token) < len(node):
                node = node[int(token)]
            else:
                return True
        return not isinstance(node, dict)

    return in_list
