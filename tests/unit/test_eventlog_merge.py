"""`merge_logs`: union by id in the canonical order, whatever the input order."""

from __future__ import annotations

from pathlib import Path

import pytest

from statemerge.errors import InputError, ParseError
from statemerge.eventlog import merge_logs, replay, verify_log
from statemerge.eventlog.events import next_line, split_lines
from statemerge.eventlog.snapshot import Snapshot

T0 = 1_800_000_000_000_000
INC = [{"op": "inc", "path": "/n", "value": 1}]


def write(log: bytes, agent: str, at: int) -> bytes:
    return log + next_line(log, agent, INC, T0 + at, source="t")


BASE = write(b"", "root", 0)
OURS = write(write(BASE, "ours", 10), "ours", 30)
THEIRS = write(BASE, "theirs", 20)


def test_merge_is_the_union_by_id_in_hlc_order() -> None:
    merged = merge_logs([OURS, THEIRS], sources=["ours", "theirs"])
    agents = [line.split(b'"agent":"')[1].split(b'"')[0] for _, line in split_lines(merged)]
    assert agents == [b"root", b"ours", b"theirs", b"ours"]
    assert verify_log(merged, source="m") == []


def test_merge_gives_the_same_bytes_whatever_the_input_order() -> None:
    orders = [[BASE, OURS, THEIRS], [THEIRS, BASE, OURS], [OURS, THEIRS, BASE, OURS]]
    results = {merge_logs(logs, sources=["x"] * len(logs)) for logs in orders}
    assert len(results) == 1


def test_the_git_driver_case_base_ours_theirs_never_conflicts() -> None:
    merged = merge_logs([BASE, OURS, THEIRS], sources=["base", "ours", "theirs"])
    assert replay(split_lines(merged), source="m").state == {"n": 4}


def test_lines_are_written_canonically_whatever_their_spacing() -> None:
    spaced = OURS.replace(b'":', b'": ').replace(b",", b", ")
    assert merge_logs([spaced], sources=["x"]) == merge_logs([OURS], sources=["x"])


def test_of_two_contents_claiming_one_id_the_genuine_one_is_kept() -> None:
    forged = OURS.replace(b'"value":1', b'"value":1000')
    for logs in ([OURS, forged], [forged, OURS]):
        assert merge_logs(logs, sources=["a", "b"]) == merge_logs([OURS], sources=["a"])


def test_a_log_in_a_non_causal_order_is_put_in_causal_order() -> None:
    lines = [raw for _, raw in split_lines(OURS)]
    shuffled = b"\n".join([lines[2], lines[0], lines[1]]) + b"\n"
    assert merge_logs([shuffled], sources=["x"]) == merge_logs([OURS], sources=["x"])


def test_clocks_that_disagree_with_hlcs_still_get_a_topological_order() -> None:
    first = write(b"", "a", 100)
    second = write(first, "b", 200)
    # Swap the hlcs so that hlc order contradicts the clocks (as a hand edit would).
    late, early = b"2027-01-15T08:00:00.000100Z", b"2027-01-15T08:00:00.000200Z"
    edited = second.replace(late, b"X").replace(early, late).replace(b"X", early)
    merged = merge_logs([edited], sources=["x"])
    assert [raw.split(b'"agent":"')[1][:1] for _, raw in split_lines(merged)] == [b"a", b"b"]


def test_a_broken_line_names_the_source_and_line_and_nothing_is_merged() -> None:
    with pytest.raises(ParseError) as caught:
        merge_logs([OURS, THEIRS + b"{broken\n"], sources=["ours.jsonl", "theirs.jsonl"])
    assert caught.value.message.startswith("theirs.jsonl:3: not valid JSON")


def test_a_truncated_log_merges_with_a_full_one_from_its_checkpoint() -> None:
    snapshot = replay(split_lines(OURS), source="o").snapshot()
    truncated = write(snapshot.checkpoint().line(), "ours", 40)
    merged = merge_logs([THEIRS, truncated], sources=["theirs", "ours"])
    assert merged.startswith(b'{"checkpoint":')
    assert merged == merge_logs([truncated, THEIRS], sources=["ours", "theirs"])
    state = replay(split_lines(merged), source="m", start=snapshot).state
    assert state == {"n": 5}


def test_logs_compacted_at_unrelated_points_cannot_be_merged() -> None:
    ours = Snapshot({}, {"ours": 1}, "2027-01-15T08:00:00.000000Z/0000").checkpoint().line()
    theirs = Snapshot({}, {"theirs": 1}, "2027-01-15T08:00:00.000000Z/0000").checkpoint().line()
    with pytest.raises(InputError, match="compacted at checkpoints that do not include each other"):
        merge_logs([ours, theirs], sources=["ours", "theirs"])


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "eventlog"


def test_the_fixture_branches_merge_as_git_would_and_replay_to_both_intents() -> None:
    base, ours, theirs = ((FIXTURES / f"{name}.jsonl").read_bytes() for name in ("base", "ours", "theirs"))
    merged = merge_logs([base, ours, theirs], sources=["base", "ours", "theirs"])
    assert merged == merge_logs([theirs, ours], sources=["theirs", "ours"])
    assert verify_log(merged, source="merged") == []
    result = replay(split_lines(merged), source="merged")
    assert result.state == {
        "tasks": [{"status": "doing", "title": "design"}, {"status": "done", "title": "test"}],
        "commits": 3,
    }
    assert result.conflicts == []
