"""The event format: content-hash ids, canonical lines, what the next writer computes, checks."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from statemerge.clocks import Hlc
from statemerge.errors import ParseError
from statemerge.eventlog.events import (
    LogHead,
    event_id,
    event_line,
    event_problem,
    log_head,
    new_event,
    next_line,
    parse_line,
    split_lines,
)
from statemerge.eventlog.snapshot import Snapshot

T0 = 1_800_000_000_000_000
OPS: list[dict[str, Any]] = [{"op": "replace", "path": "/tasks/3/status", "value": "done"}]


def test_the_id_is_the_sha256_of_the_canonical_content_without_id() -> None:
    event = new_event("planner", 12, {"planner": 12, "coder": 7}, Hlc(T0, 3), OPS)
    content = (
        b'{"agent":"planner","clock":{"coder":7,"planner":12},'
        b'"hlc":"2027-01-15T08:00:00.000000Z/0003",'
        b'"ops":[{"op":"replace","path":"/tasks/3/status","value":"done"}],"seq":12}'
    )
    assert event["id"] == "sha256:" + hashlib.sha256(content).hexdigest()
    assert event_id(event) == event["id"]


def test_an_event_line_is_canonical_json_with_a_newline() -> None:
    event = new_event("a", 1, {"a": 1}, Hlc(T0), [{"value": "é", "path": "/x", "op": "add"}])
    line = event_line(event)
    assert line.endswith(b"}\n") and line.count(b"\n") == 1
    assert '"ops":[{"op":"add","path":"/x","value":"é"}]'.encode() in line
    assert parse_line(line, source="t", line=1) == event


def test_the_next_event_continues_seq_takes_every_clock_and_a_later_hlc() -> None:
    head = LogHead({})
    head.take(new_event("a", 1, {"a": 1}, Hlc(T0 + 500), OPS))
    head.take(new_event("b", 3, {"a": 1, "b": 3}, Hlc(T0 + 900, 2), OPS))
    event = head.next_event("a", OPS, wall=T0)  # this machine's clock is behind
    assert (event["seq"], event["clock"]) == (2, {"a": 2, "b": 3})
    assert event["hlc"] == str(Hlc(T0 + 900, 3))


def test_a_new_agent_starts_at_seq_1_with_what_it_has_seen() -> None:
    log = next_line(b"", "a", OPS, T0, source="t")
    log += next_line(log, "b", OPS, T0 + 1, source="t")
    event = parse_line(split_lines(log)[1][1], source="t", line=2)
    assert (event["agent"], event["seq"], event["clock"]) == ("b", 1, {"a": 1, "b": 1})


def test_a_truncated_log_continues_from_its_checkpoint() -> None:
    checkpoint = Snapshot({}, {"a": 7}, str(Hlc(T0 + 100))).checkpoint().line()
    head = log_head(split_lines(checkpoint), source="t")
    assert head.next_event("a", OPS, T0)["seq"] == 8


GOOD = new_event("a", 1, {"a": 1}, Hlc(T0), OPS)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"seq": True}, "'seq' must be"),
        ({"agent": ""}, "'agent' must be"),
        ({"clock": {"a": 2}}, "must equal seq 1"),
        ({"clock": {"a": 1, "b": -1}}, "whole number >= 0"),
        ({"hlc": "yesterday"}, "'hlc' must be a timestamp"),
        ({"id": "md5:1"}, "'id' must be"),
        ({"ops": []}, "non-empty list"),
        ({"ops": [{"op": "inc", "path": "/n", "value": "1"}]}, "operation 0: inc"),
        ({"extra": 1}, "unknown fields 'extra'"),
    ],
)
def test_malformed_events_are_named(change: dict[str, Any], fragment: str) -> None:
    assert event_problem(GOOD) is None
    problem = event_problem({**GOOD, **change})
    assert problem is not None and fragment in problem


def test_a_log_with_a_bad_line_tells_its_next_writer_where() -> None:
    with pytest.raises(ParseError, match=r"^log.jsonl:2: the event has no 'agent'"):
        log_head(split_lines(event_line(GOOD) + b"{}\n"), source="log.jsonl")
