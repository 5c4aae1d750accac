"""Replay: causal order, transformation of concurrent array edits, conflicts, skipped events,
time travel and snapshots. Logs are built the way agents build them: each appends to its own
copy, and copies are united with `merge_logs`."""

from __future__ import annotations

from typing import Any

import pytest

from statemerge.errors import InputError, ParseError
from statemerge.eventlog import merge_logs, replay
from statemerge.eventlog.events import next_line, split_lines
from statemerge.eventlog.replayer import Replayer, ReplayResult
from statemerge.eventlog.snapshot import Snapshot

T0 = 1_800_000_000_000_000  # microseconds since the epoch (2027-01-15)


def write(log: bytes, agent: str, *ops: dict[str, Any], at: int) -> bytes:
    """`log` with one more event by `agent`, written at T0 + `at` µs."""
    return log + next_line(log, agent, list(ops), T0 + at, source="test")


def run(log: bytes, **options: Any) -> ReplayResult:
    return replay(split_lines(log), source="test.jsonl", **options)


def merged(*logs: bytes) -> bytes:
    return merge_logs(list(logs), sources=[f"log{n}" for n in range(len(logs))])


def add(path: str, value: Any) -> dict[str, Any]:
    return {"op": "add", "path": path, "value": value}


def remove(path: str) -> dict[str, Any]:
    return {"op": "remove", "path": path}


def replace(path: str, value: Any) -> dict[str, Any]:
    return {"op": "replace", "path": path, "value": value}


def inc(path: str, amount: int) -> dict[str, Any]:
    return {"op": "inc", "path": path, "value": amount}


BASE = write(b"", "init", add("/l", ["a", "b", "c", "d"]), at=0)


def test_replay_starts_from_an_empty_object_and_applies_in_order() -> None:
    log = write(BASE, "init", add("/l/-", "e"), at=1)
    log = write(log, "init", add("/n", 1), at=2)
    result = run(log)
    assert result.state == {"l": ["a", "b", "c", "d", "e"], "n": 1}
    assert (result.applied, result.conflicts, result.skipped) == (3, [], [])


@pytest.mark.parametrize("insert_first", [True, False])
def test_concurrent_insert_and_delete_hit_the_elements_their_authors_meant(
    insert_first: bool,
) -> None:
    alice = write(BASE, "alice", add("/l/1", "X"), at=10 if insert_first else 20)
    bob = write(BASE, "bob", remove("/l/3"), at=20 if insert_first else 10)
    result = run(merged(alice, bob))
    assert result.state == {"l": ["a", "X", "b", "c"]}
    assert result.conflicts == []


def test_concurrent_inserts_at_one_index_keep_both_in_hlc_order() -> None:
    alice = write(BASE, "alice", add("/l/2", "A"), at=10)
    bob = write(BASE, "bob", add("/l/2", "B"), at=20)
    assert run(merged(alice, bob)).state == {"l": ["a", "b", "A", "B", "c", "d"]}


def test_concurrent_deletes_of_one_element_delete_it_once() -> None:
    alice = write(BASE, "alice", remove("/l/1"), at=10)
    bob = write(BASE, "bob", remove("/l/1"), at=20)
    result = run(merged(alice, bob))
    assert result.state == {"l": ["a", "c", "d"]}
    assert result.conflicts == []


def test_many_concurrent_inserts_and_deletes_in_one_list() -> None:
    alice = write(BASE, "alice", add("/l/0", "A0"), at=10)
    alice = write(alice, "alice", remove("/l/2"), at=11)  # b (the list is A0 a b c d)
    alice = write(alice, "alice", add("/l/-", "A9"), at=12)
    bob = write(BASE, "bob", remove("/l/3"), at=15)  # d
    bob = write(bob, "bob", add("/l/1", "B1"), at=16)  # between a and b
    bob = write(bob, "bob", replace("/l/2", "B"), at=17)  # b, which alice removed
    result = run(merged(alice, bob))
    assert result.state == {"l": ["A0", "a", "B1", "c", "A9"]}
    assert [conflict.kind for conflict in result.conflicts] == ["removed"]


def test_an_edit_inside_an_element_follows_it_past_concurrent_inserts() -> None:
    base = write(b"", "init", add("/tasks", [{"s": "todo"}, {"s": "todo"}]), at=0)
    alice = write(base, "alice", add("/tasks/0", {"s": "new"}), at=10)
    bob = write(base, "bob", replace("/tasks/1/s", "done"), at=20)
    result = run(merged(alice, bob))
    assert result.state == {"tasks": [{"s": "new"}, {"s": "todo"}, {"s": "done"}]}


def test_two_agents_diverging_from_a_common_prefix_converge_whatever_the_merge_order() -> None:
    alice, bob = BASE, BASE
    alice = write(alice, "alice", add("/l/0", "A"), at=10)
    bob = write(bob, "bob", remove("/l/0"), at=12)
    alice = write(alice, "alice", replace("/l/2", "B!"), at=14)  # b
    bob = write(bob, "bob", add("/l/3", "D+"), at=16)  # after d
    result = run(merged(alice, bob))
    assert result.state == {"l": ["A", "B!", "c", "d", "D+"]}
    assert run(merged(bob, alice)).state == result.state


def test_three_agents_diverging_from_a_common_prefix() -> None:
    alice = write(BASE, "alice", add("/l/4", "A"), at=10)  # append after d
    bob = write(BASE, "bob", remove("/l/0"), at=11)  # a
    carol = write(BASE, "carol", add("/l/2", "C"), at=12)  # between b and c
    carol = write(carol, "carol", remove("/l/4"), at=13)  # d
    # bob then sees alice's work and edits what he sees.
    bob = merged(bob, alice)
    bob = write(bob, "bob", replace("/l/3", "A!"), at=20)  # bob sees [b, c, d, A]
    result = run(merged(alice, bob, carol))
    assert result.state == {"l": ["b", "C", "c", "A!"]}
    assert run(merged(carol, bob, alice)).state == result.state


def test_concurrent_incs_add_up_without_conflict() -> None:
    base = write(b"", "init", add("/n", 10), at=0)
    logs = [
        write(base, agent, inc("/n", amount), at=10 + amount)
        for agent, amount in (("a", 1), ("b", 2), ("c", 3))
    ]
    logs[0] = write(logs[0], "a", inc("/m", 5), at=30)
    result = run(merged(*logs))
    assert result.state == {"n": 16, "m": 5}
    assert result.conflicts == []


def test_concurrent_writes_to_one_path_later_hlc_wins_and_both_are_reported() -> None:
    base = write(b"", "init", add("/status", "new"), at=0)
    early = write(base, "alice", replace("/status", "doing"), at=10)
    late = write(base, "bob", replace("/status", "done"), at=20)
    result = run(merged(early, late))
    assert result.state == {"status": "done"}
    ids = [split_lines(log)[-1][1] for log in (early, late)]
    assert len(result.conflicts) == 1
    conflict = result.conflicts[0]
    assert (conflict.path, conflict.kind) == ("/status", "write-write")
    assert [
        f'"id":"{event}"'.encode() in line for event, line in zip(conflict.events, ids, strict=True)
    ] == [True, True]


def test_a_later_write_wins_even_when_it_comes_first_in_the_file() -> None:
    base = write(b"", "init", add("/x", 0), at=0)
    early = write(base, "alice", replace("/x", "early"), at=10)
    late = write(base, "bob", replace("/x", "late"), at=20)
    lines = split_lines(merged(early, late))
    swapped = [lines[0], lines[2], lines[1]]  # concurrent, so still causal
    result = replay(swapped, source="t")
    assert result.state == {"x": "late"}
    assert [conflict.kind for conflict in result.conflicts] == ["write-write"]


def test_a_write_to_a_container_beats_a_concurrent_edit_inside_it() -> None:
    base = write(b"", "init", add("/cfg", {"a": 1}), at=0)
    alice = write(base, "alice", add("/cfg/b", 2), at=10)
    bob = write(base, "bob", replace("/cfg", {"fresh": True}), at=5)
    result = run(merged(alice, bob))
    assert result.state == {"cfg": {"fresh": True}}
    assert [conflict.kind for conflict in result.conflicts] == ["ancestor-write"]


def test_an_event_whose_test_fails_is_skipped_whole_and_replay_goes_on() -> None:
    log = write(BASE, "init", add("/x", 1), {"op": "test", "path": "/l/0", "value": "zzz"}, at=1)
    log = write(log, "init", add("/y", 2), at=2)
    result = run(log)
    assert result.state == {"l": ["a", "b", "c", "d"], "y": 2}
    assert len(result.skipped) == 1
    assert result.skipped[0].line == 2
    assert "Test failed at /l/0" in result.skipped[0].reason


def test_an_event_with_a_missing_path_is_never_half_applied() -> None:
    log = write(BASE, "init", add("/x", 1), remove("/l/0"), remove("/nope/deeper"), at=1)
    result = run(log)
    assert result.state == {"l": ["a", "b", "c", "d"]}
    assert result.skipped[0].reason == "/nope/deeper does not exist."
    assert result.report()["skipped"][0]["line"] == 2


def test_until_gives_the_state_as_of_that_time() -> None:
    log = write(BASE, "init", add("/x", 1), at=100)
    log = write(log, "init", add("/y", 2), at=200)
    until = split_lines(log)[1][1].split(b'"hlc":"')[1][:32].decode()
    result = run(log, until=until)
    assert result.state == {"l": ["a", "b", "c", "d"], "x": 1}
    assert result.after_until == 1


def test_snapshot_plus_the_rest_replays_the_same_as_the_whole_log() -> None:
    alice = write(BASE, "alice", add("/l/1", "X"), at=10)
    bob = write(BASE, "bob", remove("/l/3"), at=20)
    early = merged(alice, bob)
    snapshot = run(early).snapshot()
    later = write(early, "alice", inc("/n", 1), at=30)
    later = write(later, "bob", add("/l/0", "first"), at=40)
    whole = run(later)
    rest = run(later, start=snapshot)
    assert rest.state == whole.state
    assert rest.frontier == whole.frontier
    assert rest.applied == 2


def test_a_truncated_log_replays_only_from_its_snapshot() -> None:
    log = write(BASE, "init", add("/x", 1), at=1)
    snapshot = run(log).snapshot()
    truncated = snapshot.checkpoint().line()
    truncated = write(truncated, "init", add("/y", 2), at=2)
    with pytest.raises(InputError, match="starts at a checkpoint"):
        run(truncated)
    assert run(truncated, start=snapshot).state == {"l": ["a", "b", "c", "d"], "x": 1, "y": 2}


def test_a_broken_line_is_bad_input_with_its_line_number() -> None:
    log = BASE + b"\n" + b'{"agent": "x", oops\n'
    with pytest.raises(ParseError) as caught:
        run(log)
    assert caught.value.line == 3
    assert caught.value.message.startswith("test.jsonl:3: not valid JSON")


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        (b"[1, 2]", "must be a JSON object"),
        (b'"text"', "must be a JSON object"),
        (BASE.replace(b'"op":"add"', b'"op":"frob"'), "unknown op 'frob'"),
        (BASE.replace(b'"seq":1', b'"seq":0'), "'seq' must be"),
        (b'{"checkpoint": {"frontier": {}, "hlc": "x", "snapshot": "y"}}', "checkpoint"),
    ],
)
def test_malformed_events_are_bad_input_naming_the_line(line: bytes, fragment: str) -> None:
    with pytest.raises(ParseError) as caught:
        run(BASE + line.strip() + b"\n")
    assert caught.value.line == 2
    assert fragment in caught.value.message


def test_a_repeated_event_is_skipped_and_reported() -> None:
    log = write(BASE, "init", inc("/n", 1), at=1)
    result = run(log + split_lines(log)[-1][1] + b"\n")
    assert result.state["n"] == 1
    assert "already applied" in result.skipped[0].reason


def test_a_concurrent_event_older_than_the_window_is_applied_and_reported() -> None:
    alice = BASE
    for step in range(5):
        alice = write(alice, "alice", add("/l/0", step), at=10 + step)
    alice = write(alice, "bob", inc("/seen", 1), at=20)  # bob saw all, so alice's are stable
    stranger = write(BASE, "carol", remove("/l/0"), at=30)
    replayer = Replayer(source="t", window_limit=2)
    for number, raw in split_lines(merged(alice, stranger)):
        replayer.feed(number, raw)
    assert [conflict.kind for conflict in replayer.result.conflicts] == ["stale-context"]


def test_snapshot_bytes_are_canonical() -> None:
    snapshot = Snapshot({"b": 1, "a": [1]}, {"z": 1, "a": 2}, "2027-01-15T08:00:00.000000Z/0000")
    assert snapshot.to_bytes() == (
        b'{"format":"statemerge-snapshot/1","frontier":{"a":2,"z":1},'
        b'"hlc":"2027-01-15T08:00:00.000000Z/0000","state":{"a":[1],"b":1}}\n'
    )
