"""The recent events replay keeps, to transform a late concurrent event against them.

An event is written against its causal past (its clock); replay applies events one after the other,
so a concurrent event meets a document that already holds edits its author never saw. Context-based
transformation (COT, Sun & Sun 2009) rewrites it: for each applied event it did not see, in applied
order, first bring that event's ops into the new event's current context (recursively, memoized),
then transform the new event's ops against them (`ot.transform_sequences`).

The window holds the last `limit` applied events (memory bounded by `limit`, not by the log), per
agent in seq order, so the events a clock has not seen are found without a scan. An event
concurrent with one that already left is applied as written and reported (`stale-context`).
Paths shift only through array inserts, removals and moves, so only events holding those are
transformed against when bringing others into context.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from statemerge.eventlog.events import hlc_key
from statemerge.jsonvalue import loads_fast
from statemerge.patch import Op

if TYPE_CHECKING:  # `ot` is loaded only when a concurrent event needs transforming
    from statemerge.eventlog.ot import Edit, Path

    InList = Callable[[Path], bool]
ContextKey = tuple[tuple[str, int], ...]


class Entry:
    """One kept event as transformation sees it, made only when a concurrent event arrives
    (most events never meet one, so the window itself keeps just the event dicts)."""

    __slots__ = ("_edits", "agent", "applied", "event", "forms", "raw", "seq")

    def __init__(self, raw: bytes, event: dict[str, Any], *, applied: bool) -> None:
        self.raw = raw
        self.event = event
        self.agent: str = event["agent"]
        self.seq: int = event["seq"]
        self.applied = applied  # a skipped event did nothing: it transforms nothing
        self._edits: list[Edit] | None = None
        self.forms: dict[ContextKey, list[Edit]] = {}

    @property
    def id(self) -> str:
        return str(self.event["id"])

    @property
    def order(self) -> tuple[tuple[str, int], str]:
        """Canonical order among concurrent events: hlc, then agent."""
        return hlc_key(self.event["hlc"]), self.agent

    @property
    def context(self) -> dict[str, int]:
        """The events its author had seen: its clock without itself."""
        return context_of(self.event)

    @property
    def shifts(self) -> bool:
        return self.applied and shifts_indexes(self.event["ops"])

    def edits(self, in_list: InList) -> list[Edit]:
        """Its ops as written, as edits (classified against the document on first use)."""
        if self._edits is None:
            from statemerge.eventlog.ot import edit_from_op

            ops = self.event["ops"] if self.applied else []
            self._edits = [edit_from_op(op, in_list) for op in ops]
        return self._edits


def context_of(event: dict[str, Any]) -> dict[str, int]:
    """What an event's author had seen: its clock with its own entry one lower."""
    context = dict(event["clock"])
    context[event["agent"]] = event["seq"] - 1
    return context


def shifts_indexes(ops: list[Op]) -> bool:
    """Whether some op may insert, remove or move an array element (and so shift paths)."""
    from statemerge.eventlog.ot import is_index

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
    """The last `limit` applied (or skipped) events as their raw lines, oldest first.

    Lines, not parsed events: keeping thousands of parsed dicts alive would slow every parse
    (the allocator could no longer reuse the memory of the event just applied), while one
    bytes object per event costs next to nothing. A `deque(maxlen=limit)` lets the oldest go
    by itself, so replay keeps an event with one `append`. Lines are parsed again only when a
    concurrent event needs them.
    """

    def __init__(self, limit: int, frontier: dict[str, int]) -> None:
        self.frontier = frontier  # per agent, the highest seq applied (replay keeps it)
        self.lines: deque[bytes] = deque(maxlen=limit)
        self.skipped: set[str] = set()  # ids of kept events that did nothing
        self.details: dict[int, Entry] = {}  # by id() of a kept line: parsed on demand

    def add_skipped(self, raw: bytes, event: dict[str, Any]) -> None:
        """Keep an event whose ops failed: it did nothing, so it transforms nothing."""
        self.skipped.add(event["id"])
        self.lines.append(raw)

    def between(self, low: dict[str, int], high: dict[str, int] | None = None) -> list[Entry]:
        """Kept events above `low` (and at most `high`), in applied order. Scans from the
        newest back only until every agent's kept events are at or below `low`."""
        pending = {agent for agent, seq in self.frontier.items() if seq > low.get(agent, 0)}
        found: list[Entry] = []
        for raw in reversed(self.lines):
            if not pending:
                break
            entry = self.entry(raw)
            if entry.agent not in pending:
                continue
            if entry.seq <= low.get(entry.agent, 0):
                pending.discard(entry.agent)
            elif high is None or entry.seq <= high.get(entry.agent, 0):
                found.append(entry)
        found.reverse()
        return found

    def entry(self, raw: bytes) -> Entry:
        """The transformation view of a kept line (parsed once while it is kept)."""
        known = self.details.get(id(raw))
        if known is None or known.raw is not raw:
            if len(self.details) > 2 * len(self.lines):  # forget lines that left
                self.details = {
                    id(line): self.details[id(line)] for line in self.lines if id(line) in self.details
                }
            event = loads_fast(raw)
            known = Entry(raw, event, applied=event["id"] not in self.skipped)
            self.details[id(raw)] = known
        return known

    @staticmethod
    def lost(context: dict[str, int], frontier: dict[str, int], unseen: list[Entry]) -> bool:
        """Whether some applied event outside `context` is no longer kept (`unseen` being the
        kept ones): for some agent, fewer are kept than the clock missed."""
        kept: dict[str, int] = {}
        for entry in unseen:
            kept[entry.agent] = kept.get(entry.agent, 0) + 1
        return any(
            seq - context.get(agent, 0) > kept.get(agent, 0)
            for agent, seq in frontier.items()
            if seq > context.get(agent, 0)
        )

    def integrate(
        self,
        edits: list[Edit],
        context: dict[str, int],
        order: tuple[tuple[str, int], str],
        in_list: InList,
        unseen: list[Entry],
    ) -> tuple[list[Edit], list[tuple[str, Path, Entry]]]:
        """Rewrite an event's edits (written in `context`) to apply to the current document,
        given the kept events it did not see (`between(context)`)."""
        from statemerge.eventlog.ot import transform_sequences

        found: list[tuple[str, Path, Entry]] = []
        current = dict(context)
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 4 * len(self.lines) + 1000))
        try:
            for other in unseen:
                theirs = self.form(other, current, in_list)
                edits, conflicts = transform_sequences(edits, theirs, mine_first=order < other.order)
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
        from statemerge.eventlog.ot import transform_sequences
        edits = entry.edits(in_list)
        current = entry.context
        for other in self.between(current, context):
            if other is not entry and other.shifts:
                theirs = self.form(other, current, in_list)
                edits, _ = transform_sequences(edits, theirs, mine_first=entry.order < other.order)
                current[other.agent] = max(current.get(other.agent, 0), other.seq)
        entry.forms[key] = edits
        return edits


def array_test(document: Any) -> InList:
    """`in_list(parent)` for a document: whether that container is an array (an unknown parent
    counts as one, since the path's last token is an index)."""
    from statemerge.eventlog.ot import is_index

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
