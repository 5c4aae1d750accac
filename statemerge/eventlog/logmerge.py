"""Merging event logs: the union of their events by id, in one canonical order.

The canonical order is a topological order of the vector clocks in which concurrent events go by
hlc, then agent. Events written by `log append` carry hlc timestamps that respect causality, so
sorting by (hlc, agent, seq, id) already is that order; a linear check confirms it, and only a log
whose clocks and timestamps disagree (edited by hand) pays for a real topological sort.

The output depends only on the set of events, so merging is commutative, associative and
idempotent down to the byte, which is what a git merge driver needs.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from statemerge.clocks import vv_leq
from statemerge.errors import InputError
from statemerge.eventlog.events import (
    Checkpoint,
    as_event,
    canonical_json,
    checkpoint_of,
    event_id,
    hlc_key,
    parse_line,
    split_lines,
)


@dataclass(frozen=True, slots=True)
class Ordered:
    """One event as merge sorts it: its order key, canonical line and clock."""

    key: tuple[tuple[str, int], str, int, str]
    line: bytes
    clock: dict[str, int]

    @property
    def agent(self) -> str:
        return self.key[1]

    @property
    def seq(self) -> int:
        return self.key[2]


def merge_logs(inputs: Sequence[bytes], *, sources: Sequence[str]) -> bytes:
    """The union of some logs by event id, in the canonical order, as bytes.

    Raises InputError naming the source and line of the first broken line.
    """
    if len(inputs) != len(sources):
        raise ValueError("merge_logs needs one source name per input.")
    chosen: dict[str, tuple[bytes, bool, Ordered]] = {}
    checkpoints: dict[bytes, Checkpoint] = {}
    for data, source in zip(inputs, sources, strict=True):
        for index, (number, raw) in enumerate(split_lines(data)):
            value = parse_line(raw, source=source, line=number)
            mark = checkpoint_of(value)
            if isinstance(mark, Checkpoint) and index == 0:
                checkpoints[mark.line()] = mark
                continue
            _keep(chosen, as_event(value, source=source, line=number))
    checkpoint = _latest(checkpoints, sources)
    events: Iterable[Ordered] = (entry for _, _, entry in chosen.values())
    if checkpoint is not None:
        frontier = checkpoint.frontier
        events = (e for e in events if e.seq > frontier.get(e.agent, 0))
    ordered = canonical_order(list(events))
    head = [checkpoint.line()] if checkpoint is not None else []
    return b"".join(head + [entry.line + b"\n" for entry in ordered])


def _keep(chosen: dict[str, tuple[bytes, bool, Ordered]], event: dict[str, Any]) -> None:
    """Add an event; of two different contents claiming one id, keep the one whose hash holds,
    then the smaller canonical line, so that the choice never depends on input order."""
    line = canonical_json(event)
    claimed: str = event["id"]
    previous = chosen.get(claimed)
    if previous is not None and previous[0] == line:
        return
    valid = event_id(event) == claimed
    if previous is not None:
        kept_line, kept_valid, _ = previous
        if (kept_valid and not valid) or (kept_valid == valid and kept_line <= line):
            return
    key = (hlc_key(event["hlc"]), event["agent"], event["seq"], claimed)
    chosen[claimed] = (line, valid, Ordered(key, line, event["clock"]))


def _latest(checkpoints: dict[bytes, Checkpoint], sources: Sequence[str]) -> Checkpoint | None:
    """The checkpoint that covers all the others (logs compacted at different points that do
    not include each other cannot be merged)."""
    if not checkpoints:
        return None
    ranked = [checkpoints[line] for line in sorted(checkpoints)]
    for candidate in ranked:
        if all(vv_leq(other.frontier, candidate.frontier) for other in ranked):
            return candidate
    raise InputError(
        f"{', '.join(sources)}: the logs were compacted at checkpoints that do not include each "
        "other, so their union has no common start; replay each and merge the states instead."
    )


def canonical_order(events: list[Ordered]) -> list[Ordered]:
    """The events in a causal order, concurrent ones by (hlc, agent, seq, id)."""
    events.sort(key=lambda entry: entry.key)
    seqs: dict[str, list[int]] = {}
    for entry in events:
        seqs.setdefault(entry.agent, []).append(entry.seq)
    for numbers in seqs.values():
        numbers.sort()
    if _is_causal(events, seqs):
        return events
    return _topological(events, seqs)


def _needs(entry: Ordered, seqs: dict[str, list[int]]) -> Iterable[tuple[str, int]]:
    """(agent, how many of its events must come first) for one event."""
    for agent, counter in entry.clock.items():
        numbers = seqs.get(agent)
        if not numbers:
            continue
        if agent == entry.agent:
            yield agent, bisect_left(numbers, entry.seq)
        else:
            yield agent, bisect_right(numbers, counter)


def _is_causal(events: list[Ordered], seqs: dict[str, list[int]]) -> bool:
    emitted: dict[str, int] = dict.fromkeys(seqs, 0)
    for entry in events:
        agent = entry.agent
        if seqs[agent][emitted[agent]] != entry.seq:
            return False
        for other, need in _needs(entry, seqs):
            if emitted[other] < need:
                return False
        emitted[agent] += 1
    return True


def _topological(events: list[Ordered], seqs: dict[str, list[int]]) -> list[Ordered]:
    """Kahn's algorithm over per-agent chains, the smallest key first among the ready events;
    a cycle (clocks that claim to have seen each other) is broken at its smallest key."""
    chains: dict[str, list[Ordered]] = {}
    for entry in sorted(events, key=lambda entry: (entry.seq, entry.key)):
        chains.setdefault(entry.agent, []).append(entry)
    position = dict.fromkeys(chains, 0)
    emitted = dict.fromkeys(chains, 0)

    def ready(entry: Ordered) -> bool:
        return all(
            emitted[other] >= need for other, need in _needs(entry, seqs) if other != entry.agent
        )

    heap: list[tuple[Any, str]] = []
    waiting: set[str] = set()
    for agent, chain in chains.items():
        if ready(chain[0]):
            heapq.heappush(heap, (chain[0].key, agent))
        else:
            waiting.add(agent)
    ordered: list[Ordered] = []
    while len(ordered) < len(events):
        if heap:
            _, agent = heapq.heappop(heap)
        else:  # a cycle: take the smallest waiting head
            agent = min(waiting, key=lambda name: chains[name][position[name]].key)
            waiting.discard(agent)
        ordered.append(chains[agent][position[agent]])
        position[agent] += 1
        emitted[agent] += 1
        if position[agent] < len(chains[agent]):
            waiting.add(agent)
        for name in sorted(waiting):
            head = chains[name][position[name]]
            if ready(head):
                waiting.discard(name)
                heapq.heappush(heap, (head.key, name))
    return ordered
