"""Checking a log: every line parses, ids match content, seqs run without gaps or repeats, clocks
and hlc timestamps only grow, and lines come in a causal order.

`Verifier` streams (memory bounded by the number of agents); `verify_log` runs it over bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from statemerge.clocks import vv_leq
from statemerge.errors import ParseError
from statemerge.eventlog.events import (
    Checkpoint,
    checkpoint_of,
    digest,
    event_problem,
    hlc_key,
    iter_lines,
    parse_line,
)
from statemerge.gcpause import paused_gc
from statemerge.jsonvalue import canonical_json


@dataclass(frozen=True)
class LogProblem:
    """One thing wrong with a log, at a 1-based line."""

    line: int
    message: str


@dataclass
class _Agent:
    """What verify remembers about one agent: its last event."""

    seq: int
    line: int
    clock: dict[str, int]
    hlc: tuple[str, int] | None


class Verifier:
    """Feed it the lines of one log in order, then read `problems`."""

    def __init__(self) -> None:
        self.problems: list[LogProblem] = []
        self.agents: dict[str, _Agent] = {}
        self.events = 0
        self._first = True

    def feed(self, number: int, raw: bytes) -> None:
        """Check one non-blank line."""
        first, self._first = self._first, False
        try:
            value = parse_line(raw, source="", line=number)
        except ParseError as error:
            self._report(number, f"the line is {error.reason}")
            return
        mark = checkpoint_of(value)
        if isinstance(mark, str):
            self._report(number, mark)
            return
        if mark is not None:
            if first:
                self._start_at(mark, number)
            else:
                self._report(number, "a checkpoint may only be the first line of a log.")
            return
        problem = event_problem(value)
        if problem is not None:
            self._report(number, problem)
            return
        self.events += 1
        self._check_event(value, number)

    def finish(self, *, ends_with_newline: bool, last_line: int) -> list[LogProblem]:
        """The problems found, with one for a last line cut short."""
        if not ends_with_newline and last_line:
            self._report(last_line, "the last line has no newline: it may have been cut short.")
        return self.problems

    def _report(self, number: int, message: str) -> None:
        self.problems.append(LogProblem(number, message[:1].upper() + message[1:]))

    def _start_at(self, mark: Checkpoint, number: int) -> None:
        stamp = hlc_key(mark.hlc)
        for agent, seq in mark.frontier.items():
            self.agents[agent] = _Agent(seq, number, dict(mark.frontier), stamp)

    def _check_event(self, event: dict[str, Any], number: int) -> None:
        claimed = event.pop("id")  # the parsed line is ours: hash the rest as it is
        if digest(canonical_json(event)) != claimed:
            self._report(number, "the id does not match the content: the line was changed.")
        agent: str = event["agent"]
        seq: int = event["seq"]
        clock: dict[str, int] = event["clock"]
        stamp = hlc_key(event["hlc"])
        last = self.agents.get(agent)
        before = last.seq if last else 0
        if last is not None and seq <= before:
            how = "repeats (also" if seq == before else f"goes back (seq {before}"
            self._report(number, f"seq {seq} of {agent!r} {how} at line {last.line}).")
            return  # a copy or a fork: its clock and hlc say nothing more
        if seq > before + 1:
            gap = f"seq {before + 1}" if seq == before + 2 else f"seqs {before + 1} to {seq - 1}"
            self._report(number, f"{agent!r} skips {gap}: seq {seq} follows seq {before}.")
        if last is not None:
            if not vv_leq(last.clock, clock):
                self._report(number, f"the clock of {agent!r} goes back since line {last.line}.")
            if last.hlc is not None and stamp <= last.hlc:
                self._report(number, f"the hlc of {agent!r} does not grow since line {last.line}.")
        for other, counter in clock.items():
            if other == agent or counter == 0:
                continue
            known = self.agents.get(other)
            if known is None or known.seq < counter:
                self._report(
                    number,
                    f"the event depends on seq {counter} of {other!r}, which is not earlier in the log.",
                )
            elif known.seq == counter and known.hlc is not None and stamp <= known.hlc:
                self._report(
                    number,
                    f"the hlc is not later than that of the event it follows at line {known.line}.",
                )
        if last is None:
            self.agents[agent] = _Agent(seq, number, clock, stamp)
        else:
            last.seq, last.line, last.clock, last.hlc = seq, number, clock, stamp


def verify_log(data: bytes, *, source: str) -> list[LogProblem]:
    """Every problem of a log, in line order; empty when the log is sound. The problems carry
    line numbers; `source` (the log's name) is for the caller's messages."""
    verifier = Verifier()
    last = 0
    with paused_gc():
        for number, raw in iter_lines(data):
            verifier.feed(number, raw)
            last = number
    return verifier.finish(ends_with_newline=not data or data.endswith(b"\n"), last_line=last)
