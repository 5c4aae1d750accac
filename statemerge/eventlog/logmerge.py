"""Merging event logs: the union of their events by id, in one canonical order.

The canonical order is a topological order of the vector clocks in which concurrent events go by
hlc, then agent. Events written by `log append` carry hlc timestamps that respect causality, so
sorting by (hlc, agent, seq, id) already is that order; a linear check confirms it, and only a log
whose clocks and timestamps disagree (edited by hand) pays for a real topological sort.

The output depends only on the set of events, so merging is commutative, associative and
idempotent down to the byte, which is what a git merge driver needs. Each event is kept as a
tuple of strings and numbers (which the garbage collector stops tracking), so memory and time
stay linear in the number of events.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from statemerge.clocks import vv_leq
from statemerge.errors import InputError
from statemerge.eventlog.events import (
    Checkpoint,
    as_event,
    checkpoint_of,
    event_id,
    event_problem,
    go_fast,
    hlc_order,
    iter_lines,
    parse_line,
)
from statemerge.gcpause import paused_gc
from statemerge.jsonvalue import canonical_json, loads_fast

# One event as merge sorts it: ((hlc order, agent, seq, id), canonical line, clock items).
Key = tuple[str, str, int, str]
Ordered = tuple[Key, bytes, tuple[tuple[str, int], ...]]


def merge_logs(inputs: Sequence[bytes], *, sources: Sequence[str]) -> bytes:
    """The union of some logs by event id, in the canonical order, as bytes.

    Raises InputError naming the source and line of the first broken line.
    """
    if len(inputs) != len(sources):
        raise ValueError("merge_logs needs one source name per input.")
    go_fast(sum(map(len, inputs)))
    with paused_gc():
        return _merge(inputs, sources)


def _merge(inputs: Sequence[bytes], sources: Sequence[str]) -> bytes:
    chosen: dict[str, Ordered] = {}
    checkpoints: dict[bytes, Checkpoint] = {}
    for data, source in zip(inputs, sources, strict=True):
        for index, (number, raw) in enumerate(iter_lines(data)):
            value = parse_line(raw, source=source, line=number, exact=False)
            if index == 0:
                mark = checkpoint_of(value)
                if isinstance(mark, Checkpoint):
                    checkpoints[mark.line()] = mark
                    continue
            if event_problem(value) is None:
                line = canonical_json(value)
                if line == raw:  # as written (a log line is canonical): the value was read exactly
                    _keep(chosen, value, line)
                    continue
            # read exactly before judging: orjson reads integers beyond 64 bits as floats
            event = as_event(parse_line(raw, source=source, line=number), source=source, line=number)
            _keep(chosen, event, canonical_json(event))
    checkpoint = _latest(checkpoints, sources)
    events: Iterable[Ordered] = chosen.values()
    if checkpoint is not None:
        frontier = checkpoint.frontier
        events = (e for e in events if e[0][2] > frontier.get(e[0][1], 0))
    ordered = canonical_order(list(events))
    head = [checkpoint.line()] if checkpoint is not None else []
    return b"".join(head + [line + b"\n" for _, line, _ in ordered])


def _keep(chosen: dict[str, Ordered], event: dict[str, Any], line: bytes) -> None:
    """Add an event (and its canonical line); of two different contents claiming one id, keep
    the one whose hash holds, then the smaller canonical line, so that the choice never depends
    on input order."""
    claimed: str = event["id"]
    previous = chosen.get(claimed)
    if previous is not None:
        kept = previous[1]
        if kept == line:
            return
        valid, kept_valid = event_id(event) == claimed, event_id(loads_fast(kept)) == claimed
        if (kept_valid and not valid) or (kept_valid == valid and kept <= line):
            return
    key = (hlc_order(event["hlc"]), event["agent"], event["seq"], claimed)
    chosen[claimed] = (key, line, tuple(event["clock"].items()))


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
    events.sort(key=itemgetter(0))
    seqs: dict[str, list[int]] = {}
    for (_, agent, seq, _), _, _ in events:
        seqs.setdefault(agent, []).append(seq)
    for numbers in seqs.values():
        numbers.sort()
    if _is_causal(events, seqs):
        return events
    return _topological(events, seqs)


def _is_causal(events: list[Ordered], seqs: dict[str, list[int]]) -> bool:
    """Whether every event comes after the events its clock says it saw (a linear pass when
    each agent's seqs run without gaps, as in a sound log)."""
    if any(numbers[-1] - numbers[0] + 1 != len(numbers) for numbers in seqs.values()):
        return _is_causal_with_gaps(events, seqs)
    last = {agent: numbers[0] - 1 for agent, numbers in seqs.items()}  # last emitted seq
    top = {agent: numbers[-1] for agent, numbers in seqs.items()}
    for (_, agent, seq, _), _, clock in events:
        if seq != last[agent] + 1:
            return False
        for other, counter in clock:
            done = last.get(other)
            # Some event of `other` it saw (seq <= counter) is present and not yet out.
            if done is not None and done < counter and done < top[other] and other != agent:
                return False
        last[agent] = seq
    return True


def _needs(entry: Ordered, seqs: dict[str, list[int]]) -> Iterable[tuple[str, int]]:
    """(agent, how many of its events must come first) for one event."""
    (_, owner, seq, _), _, clock = entry
    for agent, counter in clock:
        numbers = seqs.get(agent)
        if not numbers:
            continue
        if agent == owner:
            yield agent, bisect_left(numbers, seq)
        else:
            yield agent, bisect_right(numbers, counter)


def _is_causal_with_gaps(events: list[Ordered], seqs: dict[str, list[int]]) -> bool:
    emitted: dict[str, int] = dict.fromkeys(seqs, 0)
    for entry in events:
        agent, seq = entry[0][1], entry[0][2]
        if seqs[agent][emitted[agent]] != seq:
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
    for entry in sorted(events, key=lambda entry: (entry[0][2], entry[0])):
        chains.setdefault(entry[0][1], []).append(entry)
    position = dict.fromkeys(chains, 0)
    emitted = dict.fromkeys(chains, 0)

    def ready(entry: Ordered) -> bool:
        owner = entry[0][1]
        return all(emitted[other] >= need for other, need in _needs(entry, seqs) if other != owner)

    heap: list[tuple[Key, str]] = []
    waiting: set[str] = set()
    for agent, chain in chains.items():
        if ready(chain[0]):
            heapq.heappush(heap, (chain[0][0], agent))
        else:
            waiting.add(agent)
    ordered: list[Ordered] = []
    while len(ordered) < len(events):
        if heap:
            _, agent = heapq.heappop(heap)
        else:  # a cycle: take the smallest waiting head
            agent = min(waiting, key=lambda name: chains[name][position[name]][0])
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
                heapq.heappush(heap, (head[0], name))
    return ordered
