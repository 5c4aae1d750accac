"""Checking a log: every line parses, ids match content, each agent's events form an unbroken
hash chain (and, given keys, carry valid signatures), seqs run without gaps or repeats, clocks
and hlc timestamps only grow, lines come in a causal order, and, given a recorded head, nothing
was cut from the end.

`Verifier` streams (memory bounded by the number of agents); `verify_log` runs it over bytes.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from statemerge.clocks import vv_leq
from statemerge.errors import ParseError
from statemerge.eventlog.chain import Chains, Head, signature_problem
from statemerge.eventlog.events import (
    FAST_LINE,
    Checkpoint,
    checkpoint_of,
    digest,
    event_problem,
    go_fast,
    hlc_key,
    iter_lines,
    parse_line,
)
from statemerge.gcpause import paused_gc
from statemerge.jsonvalue import canonical_json


class LogProblem(NamedTuple):
    """One thing wrong with a log, at a 1-based line."""

    line: int
    message: str


class _Agent:
    """What verify remembers about one agent: its last event."""

    __slots__ = ("clock", "hlc", "line", "seq")

    def __init__(self, seq: int, line: int, clock: dict[str, int], hlc: tuple[str, int] | None) -> None:
        self.seq = seq
        self.line = line
        self.clock = clock
        self.hlc = hlc


class Verifier:
    """Feed it the lines of one log in order, then read `problems`.

    `keys` (agent: HMAC key) makes those agents' signatures required and checked;
    `require_chain` makes an event without `prev` a problem; `require_signed` an event whose
    agent has no key; `head` (agent: (seq, id)) a log that lacks what the head recorded.
    """

    def __init__(
        self,
        *,
        keys: dict[str, bytes] | None = None,
        require_chain: bool = False,
        require_signed: bool = False,
        head: Head | None = None,
    ) -> None:
        self.problems: list[LogProblem] = []
        self.agents: dict[str, _Agent] = {}
        self.chains = Chains()
        self.events = 0
        self.last_line = 0
        self._keys = keys or {}
        self._require_chain = require_chain
        self._require_signed = require_signed
        self._check_signatures = bool(keys) or require_signed
        self._first = True
        self._plain = True  # read with the standard library until FAST_LINE
        if head is not None:
            self.chains.watch(head)

    def feed(self, number: int, raw: bytes) -> None:
        """Check one non-blank line."""
        if self._plain and number >= FAST_LINE:
            self._plain = False
            go_fast()
        first, self._first = self._first, False
        self.last_line = number
        try:
            value = parse_line(raw, source="", line=number, exact=False)
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
        holds = problem is None and _id_holds(value)
        if not holds:  # read exactly before judging: orjson reads integers beyond 64 bits as floats
            value = parse_line(raw, source="", line=number)
            problem = event_problem(value)
            holds = problem is None and _id_holds(value)
        if problem is not None:
            self._report(number, problem)
            return
        self.events += 1
        if not holds:
            self._report(number, "the id does not match the content: the line was changed.")
        self._check_event(value, number)

    def finish(self) -> list[LogProblem]:
        """The problems found, with those against the watched head at the last line."""
        for message in self.chains.head_problems():
            self._report(self.last_line, message)
        return self.problems

    def _report(self, number: int, message: str) -> None:
        self.problems.append(LogProblem(number, message[:1].upper() + message[1:]))

    def _start_at(self, mark: Checkpoint, number: int) -> None:
        stamp = hlc_key(mark.hlc)
        self.chains.start_at(mark, number)
        for agent, seq in mark.frontier.items():
            self.agents[agent] = _Agent(seq, number, dict(mark.frontier), stamp)

    def _check_event(self, event: dict[str, Any], number: int) -> None:
        if self._check_signatures:
            problem = signature_problem(event, self._keys, required=self._require_signed)
            if problem is not None:
                self._report(number, problem)
        if self._require_chain and "prev" not in event:
            self._report(number, "the event has no 'prev': it is not chained (written before chains).")
        chain = self.chains.check(event, number)
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
        elif chain is not None:  # (a gap breaks the chain too: said once)
            self._report(number, chain)
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


def _id_holds(event: dict[str, Any]) -> bool:
    """Whether a well-formed event's id matches its content."""
    claimed = event.pop("id")  # the parsed line is ours: hash the rest as it is
    holds: bool = digest(canonical_json(event)) == claimed
    event["id"] = claimed
    return holds


def verify_log(data: bytes, *, source: str, **options: Any) -> list[LogProblem]:
    """Every problem of a log, in line order; empty when the log is sound. The problems carry
    line numbers; `source` (the log's name) is for the caller's messages; `options` are the
    Verifier's. A last line without its newline (an unfinished append) is left out, as replay
    leaves it out."""
    verifier = Verifier(**options)
    with paused_gc():
        for number, raw in iter_lines(data):
            verifier.feed(number, raw)
    return verifier.finish()
