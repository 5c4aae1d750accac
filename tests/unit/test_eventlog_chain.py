"""Tamper evidence: per-agent hash chains, HMAC signatures and recorded heads, checked by replay
(bad input) and verify (problems); logs written before chains stay readable."""

from __future__ import annotations

import json
from typing import Any

import pytest

from statemerge.errors import NodeError, ParseError
from statemerge.eventlog import merge_logs, replay, verify_log
from statemerge.eventlog.chain import head_from_json, head_to_json, keys_from_json
from statemerge.eventlog.events import event_id, event_line, new_event, next_line, split_lines
from statemerge.eventlog.replayer import Replayer
from statemerge.eventlog.verify import Verifier

T0 = 1_800_000_000_000_000
KEYS = {"a": b"key of a", "b": b"key of b"}


def build(*agents: str, keys: dict[str, bytes] | None = None, log: bytes = b"", later: int = 0) -> bytes:
    for step, agent in enumerate(agents):
        key = (keys or {}).get(agent)
        ops = [{"op": "inc", "path": "/n", "value": step + 1}]
        log += next_line(log, agent, ops, T0 + len(log) + step + later, source="t", key=key)
    return log


def events_of(log: bytes) -> list[dict[str, Any]]:
    return [json.loads(raw) for _, raw in split_lines(log)]


def join(events: list[dict[str, Any]]) -> bytes:
    return b"".join(event_line(event) for event in events)


def reid(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its id recomputed, as someone editing the log would."""
    event = dict(event)
    event["id"] = event_id(event)
    return event


def messages(log: bytes, **options: Any) -> list[tuple[int, str]]:
    return [(problem.line, problem.message) for problem in verify_log(log, source="t", **options)]


def head_of(log: bytes) -> dict[str, tuple[int, str]]:
    verifier = Verifier()
    for number, raw in split_lines(log):
        verifier.feed(number, raw)
    return verifier.chains.head()


LOG = build("a", "b", "a", "a", "b")


def test_each_event_names_the_previous_event_of_its_agent() -> None:
    events = events_of(LOG)
    assert [event["prev"] for event in events] == [
        None,
        None,
        events[0]["id"],
        events[2]["id"],
        events[1]["id"],
    ]
    assert messages(LOG) == []
    assert replay(split_lines(LOG), source="t").state == {"n": 15}


def test_replay_refuses_a_line_whose_id_does_not_match_its_content() -> None:
    log = LOG.replace(b'"value":3', b'"value":30')
    with pytest.raises(ParseError) as caught:
        replay(split_lines(log), source="t.jsonl")
    assert caught.value.line == 3
    assert str(caught.value) == "t.jsonl:3: the id does not match the content: the line was changed."


def test_an_edit_with_its_id_recomputed_breaks_the_chain_at_the_next_event() -> None:
    events = events_of(LOG)
    events[2]["ops"][0]["value"] = 300
    log = join([*events[:2], reid(events[2]), *events[3:]])
    assert messages(log) == [
        (4, "'prev' does not name the previous event of 'a' (line 3): the chain is broken.")
    ]
    with pytest.raises(ParseError) as caught:
        replay(split_lines(log), source="t")
    assert caught.value.line == 4 and "chain is broken" in caught.value.message


def test_removing_an_event_in_the_middle_is_refused_by_replay() -> None:
    events = events_of(LOG)
    log = join([events[0], events[1], events[3], events[4]])  # a's seq 2 is gone
    with pytest.raises(ParseError) as caught:
        replay(split_lines(log), source="t")
    assert caught.value.line == 3
    assert "names seq 2 of 'a', which is not in the log" in caught.value.message


def test_removing_the_last_events_is_noticed_against_a_recorded_head() -> None:
    head = head_of(LOG)
    assert head == {"a": (3, events_of(LOG)[3]["id"]), "b": (2, events_of(LOG)[4]["id"])}
    cut = join(events_of(LOG)[:3])
    assert messages(cut) == []  # nothing in the log itself shows it
    assert messages(cut, head=head) == [
        (3, "'a' ends at seq 2, but the head records seq 3: events were removed from the end of the log."),
        (3, "'b' ends at seq 1, but the head records seq 2: events were removed from the end of the log."),
    ]
    assert messages(LOG, head=head) == []
    assert messages(LOG + build("a", log=LOG)[len(LOG) :], head=head) == []  # more is fine


def test_an_edited_last_event_is_noticed_against_a_recorded_head() -> None:
    events = events_of(LOG)
    events[4]["ops"][0]["value"] = 500
    log = join([*events[:4], reid(events[4])])
    assert messages(log) == []
    (problem,) = messages(log, head=head_of(LOG))
    assert "The event at seq 2 of 'b' is not the one the head records" in problem[1]


def test_a_head_round_trips_through_json_and_bad_heads_are_bad_input() -> None:
    head = head_of(LOG)
    assert head_from_json(json.loads(json.dumps(head_to_json(head))), source="h") == head
    for bad in ([], {"a": {"seq": 0, "id": "sha256:" + "0" * 64}}, {"a": {"seq": 1}}):
        with pytest.raises(NodeError):
            head_from_json(bad, source="h")


def test_with_keys_an_edit_cannot_be_re_signed_without_the_key() -> None:
    log = build("a", "b", "a", keys=KEYS)
    assert all(event["sig"].startswith("hmac-sha256:") for event in events_of(log))
    assert messages(log, keys=KEYS) == []
    assert replay(split_lines(log), source="t", keys=KEYS).state == {"n": 6}

    events = events_of(log)
    events[2]["ops"][0]["value"] = 30  # the last event of a: its chain has no successor
    forged = join([*events[:2], reid(events[2])])
    assert messages(forged) == []  # without keys, only a head would tell
    assert messages(forged, keys=KEYS) == [
        (3, "The signature does not match: the event was changed, or signed with another key.")
    ]
    with pytest.raises(ParseError) as caught:
        replay(split_lines(forged), source="t", keys=KEYS)
    assert caught.value.line == 3 and "signature does not match" in caught.value.message


def test_with_keys_an_unsigned_event_of_a_keyed_agent_is_refused() -> None:
    log = build("a", "b")  # unsigned
    assert messages(log, keys={"a": b"k"}) == [
        (1, "The event is not signed, but 'a' has a key: it was not written with it.")
    ]
    assert messages(log, keys={"a": b"k"}, require_signed=True)[-1] == (
        2,
        "No key for 'b' was given, so its event cannot be checked.",
    )
    with pytest.raises(ParseError):
        replay(split_lines(log), source="t", keys={"a": b"k"})


def test_a_signature_made_with_another_key_does_not_hold() -> None:
    log = build("a", keys={"a": b"mallory"})
    assert "signature does not match" in messages(log, keys=KEYS)[0][1]


def test_keys_files_map_agents_to_non_empty_strings() -> None:
    assert keys_from_json({"a": "s3cret"}, source="k") == {"a": b"s3cret"}
    for bad in (["a"], {"a": ""}, {"a": 1}):
        with pytest.raises(NodeError):
            keys_from_json(bad, source="k")


def legacy(*agents: str) -> bytes:
    """A log written before chains: events without `prev`."""
    log, seqs = b"", dict.fromkeys(agents, 0)
    for step, agent in enumerate(agents):
        seqs[agent] += 1
        clock = {name: seq for name, seq in seqs.items() if seq}
        ops = [{"op": "inc", "path": "/n", "value": 1}]
        log += event_line(new_event(agent, seqs[agent], clock, _hlc(step), ops))
    return log


def _hlc(step: int) -> Any:
    from statemerge.clocks import Hlc

    return Hlc(T0 + step)


def test_a_log_written_before_chains_stays_readable_and_counts_as_unchained() -> None:
    old = legacy("a", "b", "a")
    assert "prev" not in events_of(old)[0]
    assert messages(old) == []
    verifier = Verifier()
    for number, raw in split_lines(old):
        verifier.feed(number, raw)
    assert verifier.chains.unchained == 3
    assert [line for line, _ in messages(old, require_chain=True)] == [1, 2, 3]
    replayer = Replayer(source="t")
    for number, raw in split_lines(old):
        replayer.feed(number, raw)
    assert replayer.result.state == {"n": 3} and replayer.chains.unchained == 3


def test_appending_to_an_old_log_chains_on_from_its_last_events() -> None:
    old = legacy("a", "b", "a")
    log = build("a", "b", log=old)
    new = events_of(log)[3:]
    assert new[0]["prev"] == events_of(old)[2]["id"]
    assert new[1]["prev"] == events_of(old)[1]["id"]
    assert messages(log) == []
    assert replay(split_lines(log), source="t").state == {"n": 6}


def test_an_event_stripped_of_its_chain_link_breaks_the_chain() -> None:
    events = events_of(LOG)
    del events[3]["prev"]
    log = join([*events[:3], reid(events[3]), events[4]])
    assert messages(log) == [
        (4, "The event has no 'prev', but the events of 'a' are chained since line 1: the chain is broken.")
    ]
    with pytest.raises(ParseError):
        replay(split_lines(log), source="t")


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("prev", "sha256:xyz", "'prev' must be the id"),
        ("prev", 5, "'prev' must be the id"),
        ("sig", "hmac-md5:00", "'sig' must be"),
    ],
)
def test_malformed_chain_fields_are_bad_input(field: str, value: Any, fragment: str) -> None:
    events = events_of(LOG)
    events[2][field] = value
    log = join([*events[:2], reid(events[2])])
    with pytest.raises(ParseError) as caught:
        replay(split_lines(log), source="t")
    assert caught.value.line == 3 and fragment in caught.value.message


def test_a_first_event_must_have_a_null_prev() -> None:
    events = events_of(LOG)
    events[0]["prev"] = events[1]["id"]
    with pytest.raises(ParseError) as caught:
        replay(split_lines(join([reid(events[0])])), source="t")
    assert "'prev' must be null at seq 1" in caught.value.message


def test_merged_branches_keep_every_chain_sound() -> None:
    base = build("a", "b")
    left = build("a", "a", log=base)
    right = build("b", "c", log=base)
    merged = merge_logs([left, right], sources=["l", "r"])
    assert messages(merged) == []
    assert replay(split_lines(merged), source="t").state["n"] > 0


def test_a_fork_is_reported_once_and_its_successor_may_name_either_sibling() -> None:
    base = build("a")
    left, right = build("a", log=base), build("a", "a", log=base, later=7)
    merged = merge_logs([left, right], sources=["l", "r"])
    found = messages(merged)
    assert len(found) == 1 and "repeats" in found[0][1]
    result = replay(split_lines(merged), source="t")
    assert len(result.skipped) == 1  # the sibling, reported; the chain goes on


def test_replay_refuses_any_changed_byte_of_any_line_naming_that_line() -> None:
    lines = [raw + b"\n" for _, raw in split_lines(LOG)]
    for target, line in enumerate(lines):
        for position in range(len(line) - 1):  # every byte but the newline
            changed = bytearray(line)
            changed[position] = ord("Z") if changed[position] != ord("Z") else ord("Y")
            log = b"".join([*lines[:target], bytes(changed), *lines[target + 1 :]])
            with pytest.raises(ParseError) as caught:
                replay(split_lines(log), source="t")
            assert caught.value.line == target + 1, (target, position, caught.value)
