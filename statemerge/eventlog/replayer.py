"""Replaying a log: its events applied in order to `{}` (or a snapshot's state), streaming.

Lines are taken in file order, which `log append` and `log merge` keep causal (`log verify`
reports a log that is not). An event that saw every applied event applies as written: the hot
path. An event concurrent with applied ones is first transformed against them (`window`), so that
array edits hit the elements their authors meant; writes that still meet are reported as conflicts
(the later hlc wins). An event whose ops fail is skipped whole and reported; replay goes on.

Memory holds the state and the events not yet causally stable, not the log. The first lines
are read with the standard library's json; from line FAST_LINE on (a log large enough for its
import to pay), with orjson: both read the same values and hash the same bytes (`jsonvalue`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from statemerge.clocks import vv_leq
from statemerge.errors import InputError, ParseError, PatchError
from statemerge.eventlog.chain import Chains, signature_problem
from statemerge.eventlog.events import (
    FAST_LINE,
    ID_PREFIX,
    Checkpoint,
    as_event,
    checkpoint_of,
    clock_problem,
    event_id,
    event_problem,
    go_fast,
    header_problem,
    hlc_key,
    ops_problem,
    parse_line,
)
from statemerge.eventlog.window import Window, array_test, context_of
from statemerge.jsonvalue import canonical_json, fast_json, loads_strict
from statemerge.patch import apply_ops_in_place, set_member
from statemerge.pointer import format_pointer
from statemerge.sha256 import sha256_now

if TYPE_CHECKING:
    from statemerge.eventlog.ot import Edit
    from statemerge.eventlog.snapshot import Snapshot

STALE_CONTEXT = "stale-context"
ID_CHANGED = "the id does not match the content: the line was changed."
WINDOW_LIMIT = 10_000


def _canonical(value: Any, option: int) -> bytes:
    return canonical_json(value)


# What the hot path reads and hashes with, for every replay in the process: the standard
# library's json and the built-in SHA-256 up to line FAST_LINE of a log, then orjson and
# OpenSSL's SHA-256 (`_go_fast`; the same values and digests). Module globals: the fastest
# names to look up, once per line.
_loads: Callable[[bytes], Any] = loads_strict
_dumps: Callable[..., bytes] = _canonical
_sorted = 0
_sha256: Callable[[bytes], Any] = sha256_now()
_fast_at = FAST_LINE


def _go_fast() -> None:
    """Read and hash with orjson and OpenSSL from now on."""
    global _loads, _dumps, _sorted, _sha256, _fast_at
    _sha256 = go_fast()
    orjson: Any = fast_json()
    _loads, _dumps, _sorted, _fast_at = orjson.loads, orjson.dumps, orjson.OPT_SORT_KEYS, sys.maxsize


class ReplayConflict(NamedTuple):
    """Concurrent events whose writes met at `path`; `events` are their ids, earlier first."""

    path: str
    kind: str
    events: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "events": list(self.events)}


class Skipped(NamedTuple):
    """An event not applied, with its line and why."""

    id: str
    line: int
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "line": self.line, "reason": self.reason}


class ReplayResult:
    """The replayed state and what replay met on the way."""

    __slots__ = ("after_until", "applied", "conflicts", "frontier", "hlc", "skipped", "state")

    def __init__(self, state: Any, frontier: dict[str, int], hlc: str | None) -> None:
        self.state = state
        self.frontier = frontier
        self.hlc = hlc
        self.applied = 0
        self.after_until = 0  # events left out by --until
        self.conflicts: list[ReplayConflict] = []
        self.skipped: list[Skipped] = []

    def __repr__(self) -> str:
        return (f"ReplayResult(state={self.state!r}, frontier={self.frontier!r}, hlc={self.hlc!r}, "
                f"applied={self.applied}, conflicts={self.conflicts!r}, skipped={self.skipped!r})")

    def report(self) -> dict[str, Any]:
        """The `--report-json` document."""
        return {
            "conflicts": [conflict.to_json() for conflict in self.conflicts],
            "skipped": [skipped.to_json() for skipped in self.skipped],
        }

    def snapshot(self) -> Snapshot:
        """The state with the frontier it covers."""
        from statemerge.eventlog.snapshot import Snapshot

        return Snapshot(self.state, dict(sorted(self.frontier.items())), self.hlc)


class Replayer:
    """Feed it the lines of a log in order; `result` holds the state so far.

    A line whose id does not match its content, that breaks its agent's hash chain, or (given
    `keys`, agent: HMAC key) whose signature does not hold is bad input (ParseError): replay
    applies only a log that is what its agents wrote. `chains.unchained` counts the events
    written before chains (accepted)."""

    def __init__(
        self,
        *,
        source: str,
        start: Snapshot | None = None,
        until: str | None = None,
        window_limit: int = WINDOW_LIMIT,
        keys: dict[str, bytes] | None = None,
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
        self.window = Window(window_limit, self.result.frontier)
        self._kept = self.window.lines  # for the hot path
        self._filtered = bool(covered) or until is not None
        self._seen_conflicts: set[ReplayConflict] = set()
        self._first = True
        self._keys = keys or {}
        self._fast = not keys  # with keys, every event's signature is checked
        self.chains = Chains()
        self._tips = self.chains.tips  # for the hot path
        if fast_json() is not None:
            _go_fast()

    def feed(self, number: int, raw: bytes) -> None:
        """Parse, check and apply one non-blank line; ParseError (exit 2) for a bad one.

        This is the hot path, written for speed: the checks are folded into reading the fields;
        an event chained to the last one of its agent needs no other chain check; a clock equal
        to the applied frontier needs no further check (the frontier holds only checked
        counters) and means the author saw everything applied; ops are checked in full only
        when they fail. Anything unusual (the first line, an unchained or first event, a fork,
        keys to check) leaves for a slower method.
        """
        if number >= _fast_at:
            _go_fast()
        try:
            event = _loads(raw)
        except ValueError:
            event = parse_line(raw, source=self.source, line=number)
        try:
            agent = event["agent"]
            seq = event["seq"]
            claimed = event["id"]
            tip = self._tips.get(agent)
            hlc = event["hlc"]
            well_formed = (
                len(event) == 7
                and tip is not None
                and tip[1] == event["prev"]
                and type(seq) is int
                and tip[0] == seq - 1
                and type(agent) is str
                and type(hlc) is str
                and hlc[26:28] == "Z/"  # its shape only: `verify` checks every digit
                and type(event["ops"]) is list
                and event["ops"]
                and type(event["clock"]) is dict
                and type(claimed) is str
                and self._fast
            )
        except (KeyError, TypeError, IndexError):
            well_formed = False
        if not well_formed:
            self._feed_slowly(event, raw, number)
            return
        del event["id"]
        try:
            content = _dumps(event, option=_sorted)
        except TypeError:  # an integer beyond 64 bits
            content = canonical_json(event)
        event["id"] = claimed
        if claimed != ID_PREFIX + _sha256(content).hexdigest():
            event = self._read_exactly(raw, event, number)
        self._tips[agent] = (seq, claimed, number)
        self._take(event, raw, number)

    def _read_exactly(self, raw: bytes, event: dict[str, Any], number: int) -> dict[str, Any]:
        """An event whose id did not match as orjson read it: read again by the exact parser
        (orjson reads an integer beyond 64 bits as a float); ParseError if it still differs."""
        if _loads is not loads_strict:
            exact = parse_line(raw, source=self.source, line=number)
            if event_id(exact) == exact["id"]:
                return exact  # type: ignore[no-any-return]
        self._id_changed(event, number)
        return event

    def _take(self, event: dict[str, Any], raw: bytes, number: int) -> None:
        """Apply (or pass over) a checked event."""
        agent = event["agent"]
        seq = event["seq"]
        result = self.result
        frontier = result.frontier
        if seq <= frontier.get(agent, 0) or (self._filtered and self._filtered_out(event)):
            self._pass_over(event, number)
            return
        frontier[agent] = seq
        if event["clock"] == frontier:
            result.hlc = event["hlc"]  # it saw every applied event, so its hlc is the latest
            ops = event["ops"]
        else:
            ops = self._unusual(event, number)
        try:
            if len(ops) != 1 or not set_member(result.state, ops[0]):
                result.state = apply_ops_in_place(result.state, ops)
        except Exception as error:  # a malformed op also fails here: tell the two apart
            self._failed(event, number, error)
            self.window.add_skipped(raw, event)
        else:
            result.applied += 1
            self._kept.append(raw)

    def _feed_slowly(self, event: Any, raw: bytes, number: int) -> None:
        """A line the hot path did not take: the first line (maybe a checkpoint), an event the
        chain check needs to look at closely, one to check the signature of, or bad input."""
        first, self._first = self._first, False
        if header_problem(event) is not None:
            mark = checkpoint_of(event)
            if isinstance(mark, Checkpoint) and first:
                self._begin_at(mark)
                self.chains.start_at(mark, number)
                return
            as_event(event, source=self.source, line=number)  # raises the right ParseError
        if event_id(event) != event["id"]:
            event = self._read_exactly(raw, event, number)
        problem = signature_problem(event, self._keys) if self._keys else None
        problem = problem or self.chains.check(event, number)
        if problem is not None:
            raise ParseError(self.source, problem, number)
        self._take(event, raw, number)

    def _id_changed(self, event: dict[str, Any], number: int) -> None:
        """Raise the ParseError for an event whose id does not match: what is malformed in it,
        if anything, else the mismatch."""
        problem = event_problem(event) or ID_CHANGED
        raise ParseError(self.source, problem, number)

    def _unusual(self, event: dict[str, Any], number: int) -> list[Any]:
        """An event whose clock differs from the applied frontier: check the clock; when its
        author had not seen some applied events, transform its ops against them."""
        problem = header_problem(event) or clock_problem(event["clock"])
        if problem is not None:
            raise ParseError(self.source, problem, number)
        hlc, top = event["hlc"], self.result.hlc
        if top is None or hlc_key(hlc) > hlc_key(top):
            self.result.hlc = hlc
        clock = event["clock"]
        if any(counter > clock.get(agent, 0) for agent, counter in self.result.frontier.items()):
            return self._transform(event, number)
        ops: list[Any] = event["ops"]
        return ops

    def _begin_at(self, mark: Checkpoint) -> None:
        if not vv_leq(mark.frontier, self.covered):
            raise InputError(
                f"{self.source} starts at a checkpoint (snapshot {mark.snapshot}): replay it "
                "with --from that snapshot (or a later one)."
            )

    def _filtered_out(self, event: dict[str, Any]) -> bool:
        """Whether the snapshot covers the event, or it is after --until."""
        if self.covered and event["seq"] <= self.covered.get(event["agent"], 0):
            return True
        return self.until is not None and hlc_key(event["hlc"]) > self.until

    def _pass_over(self, event: dict[str, Any], number: int) -> None:
        """An event not to apply: in the snapshot, after --until, or a repeat (reported)."""
        problem = ops_problem(event["ops"]) or clock_problem(event["clock"])
        if problem is not None:
            raise ParseError(self.source, problem, number)
        agent, seq = event["agent"], event["seq"]
        if self.covered and seq <= self.covered.get(agent, 0):
            return
        if self.until is not None and hlc_key(event["hlc"]) > self.until:
            self.result.after_until += 1
            return
        reason = f"seq {seq} of {agent!r} was already applied (a repeated or forked event)."
        self.result.skipped.append(Skipped(event["id"], number, reason))

    def _failed(self, event: dict[str, Any], number: int, error: Exception) -> None:
        """An event whose ops did not apply: bad input when they are malformed, else skipped."""
        problem = ops_problem(event["ops"])
        if problem is not None:
            raise ParseError(self.source, problem, number) from None
        if not isinstance(error, PatchError):
            raise error
        self.result.skipped.append(Skipped(event["id"], number, error.message))

    def _transform(self, event: dict[str, Any], number: int) -> list[Any]:
        """The event's ops rewritten against the applied events it did not see."""
        from statemerge.eventlog.ot import edit_from_op  # loaded only when an event needs it

        problem = ops_problem(event["ops"])
        if problem is not None:
            raise ParseError(self.source, problem, number)
        window = self.window
        context = context_of(event)
        in_list = array_test(self.result.state)
        edits: list[Edit] = [edit_from_op(op, in_list) for op in event["ops"]]
        order = (hlc_key(event["hlc"]), event["agent"])
        unseen = window.between(context)
        edits, found = window.integrate(edits, context, order, in_list, unseen)
        for kind, path, other in found:
            self._conflict(ReplayConflict(format_pointer(path), kind, (other.id, event["id"])))
        frontier = dict(self.result.frontier)
        frontier[event["agent"]] = event["seq"] - 1
        if window.lost(context, frontier, unseen):
            self._conflict(ReplayConflict("", STALE_CONTEXT, (event["id"],)))
        return [edit.to_op() for edit in edits]

    def _conflict(self, conflict: ReplayConflict) -> None:
        if conflict not in self._seen_conflicts:
            self._seen_conflicts.add(conflict)
            self.result.conflicts.append(conflict)


def replay(
    lines: Iterable[tuple[int, bytes]],
    *,
    source: str,
    start: Snapshot | None = None,
    until: str | None = None,
    keys: dict[str, bytes] | None = None,
) -> ReplayResult:
    """Replay numbered non-blank lines (see `events.split_lines`)."""
    replayer = Replayer(source=source, start=start, until=until, keys=keys)
    for number, raw in lines:
        replayer.feed(number, raw)
    return replayer.result
