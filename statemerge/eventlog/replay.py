"""Replaying a log: its events applied in order to `{}` (or a snapshot's state), streaming.

Lines are taken in file order, which `log append` and `log merge` keep causal (`log verify`
reports a log that is not). An event that saw every applied event applies as written: the hot
path. An event concurrent with applied ones is first transformed against them (`window`), so that
array edits hit the elements their authors meant; writes that still meet are reported as conflicts
(the later hlc wins). An event whose ops fail is skipped whole and reported; replay goes on.

Memory holds the state and the events not yet causally stable, not the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from statemerge.clocks import vv_leq
from statemerge.errors import InputError, PatchError
from statemerge.eventlog.events import (
    Checkpoint,
    as_event,
    checkpoint_of,
    event_problem,
    hlc_key,
    parse_line,
)
from statemerge.eventlog.ot import Edit, edit_from_op
from statemerge.eventlog.snapshot import Snapshot
from statemerge.eventlog.window import Entry, Window, array_test, shifts_indexes
from statemerge.patch import apply_ops_in_place
from statemerge.pointer import format_pointer

STALE_CONTEXT = "stale-context"
WINDOW_LIMIT = 10_000


@dataclass(frozen=True)
class Conflict:
    """Concurrent events whose writes met at `path`; `events` are their ids, earlier first."""

    path: str
    kind: str
    events: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "events": list(self.events)}


@dataclass(frozen=True)
class Skipped:
    """An event not applied, with its line and why."""

    id: str
    line: int
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "line": self.line, "reason": self.reason}


@dataclass
class ReplayResult:
    """The replayed state and what replay met on the way."""

    state: Any
    frontier: dict[str, int]
    hlc: str | None
    applied: int = 0
    after_until: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def report(self) -> dict[str, Any]:
        """The `--report-json` document."""
        return {
            "conflicts": [conflict.to_json() for conflict in self.conflicts],
            "skipped": [skipped.to_json() for skipped in self.skipped],
        }

    def snapshot(self) -> Snapshot:
        """The state with the frontier it covers."""
        return Snapshot(self.state, dict(sorted(self.frontier.items())), self.hlc)


class Replayer:
    """Feed it the lines of a log in order; `result` holds the state so far."""

    def __init__(
        self,
        *,
        source: str,
        start: Snapshot | None = None,
        until: str | None = None,
        window_limit: int = WINDOW_LIMIT,
    ) -> None:
        self.source = source
        self.start = start
        covered = dict(start.frontier) if start else {}
        self.covered = covered
        self.result = ReplayResult(
            state={} if start is None else start.state,
            frontier=dict(covered),
            hlc=start.hlc if start else None,
        )
        self.until = hlc_key(until) if until is not None else None
        self.window = Window(window_limit)
        self._seen_conflicts: set[Conflict] = set()
        self._first = True
        self._top: tuple[str, int] | None = hlc_key(start.hlc) if start and start.hlc else None

    def feed(self, number: int, raw: bytes) -> None:
        """Parse, check and apply one non-blank line; ParseError (exit 2) for a bad one."""
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            value = parse_line(raw, source=self.source, line=number)
        first, self._first = self._first, False
        if event_problem(value) is not None:
            mark = checkpoint_of(value)
            if isinstance(mark, Checkpoint) and first:
                self._begin_at(mark)
                return
            as_event(value, source=self.source, line=number)  # raises the right ParseError
        self.apply(value, number)

    def _begin_at(self, mark: Checkpoint) -> None:
        if not vv_leq(mark.frontier, self.covered):
            raise InputError(
                f"{self.source} starts at a checkpoint (snapshot {mark.snapshot}): replay it "
                "with --from that snapshot (or a later one)."
            )

    def apply(self, event: dict[str, Any], number: int) -> None:
        """Apply one checked event."""
        result = self.result
        agent: str = event["agent"]
        seq: int = event["seq"]
        if seq <= self.covered.get(agent, 0):
            return
        hlc: str = event["hlc"]
        stamp = hlc_key(hlc)
        if self.until is not None and stamp > self.until:
            result.after_until += 1
            return
        frontier = result.frontier
        if seq <= frontier.get(agent, 0):
            reason = f"seq {seq} of {agent!r} was already applied (a repeated or forked event)."
            result.skipped.append(Skipped(event["id"], number, reason))
            return
        clock: dict[str, int] = event["clock"]
        ops = event["ops"]
        window = self.window
        context: dict[str, int] | None = None
        for other, counter in frontier.items():
            if counter > clock.get(other, 0) and other != agent:
                context = dict(clock)
                context[agent] = seq - 1
                break
        if context is not None:
            ops = self._transform(event, context, stamp)
        original = event["ops"]
        try:
            result.state = apply_ops_in_place(result.state, ops)
        except PatchError as error:
            result.skipped.append(Skipped(event["id"], number, error.message))
            original = []  # it did nothing, so later events need no transforming against it
        else:
            result.applied += 1
        frontier[agent] = seq
        if self._top is None or stamp > self._top:
            self._top, result.hlc = stamp, hlc
        window.observe(agent, clock)
        if window.needed(agent, seq):
            if context is None:
                context = dict(clock)
                context[agent] = seq - 1
            shifts = shifts_indexes(original)
            window.add(Entry(agent, seq, (stamp, agent), event["id"], context, original, 0, shifts))

    def _transform(
        self, event: dict[str, Any], context: dict[str, int], stamp: tuple[str, int]
    ) -> list[Any]:
        """The event's ops rewritten against the applied events it did not see."""
        window = self.window
        in_list = array_test(self.result.state)
        edits: list[Edit] = [edit_from_op(op, in_list) for op in event["ops"]]
        edits, found = window.integrate(edits, context, (stamp, event["agent"]), in_list)
        for kind, path, other in found:
            self._conflict(Conflict(format_pointer(path), kind, (other.id, event["id"])))
        if window.lost(context, self.result.frontier):
            self._conflict(Conflict("", STALE_CONTEXT, (event["id"],)))
        return [edit.to_op() for edit in edits]

    def _conflict(self, conflict: Conflict) -> None:
        if conflict not in self._seen_conflicts:
            self._seen_conflicts.add(conflict)
            self.result.conflicts.append(conflict)


def replay(
    lines: Iterable[tuple[int, bytes]],
    *,
    source: str,
    start: Snapshot | None = None,
    until: str | None = None,
) -> ReplayResult:
    """Replay numbered non-blank lines (see `events.split_lines`)."""
    replayer = Replayer(source=source, start=start, until=until)
    for number, raw in lines:
        replayer.feed(number, raw)
    return replayer.result
