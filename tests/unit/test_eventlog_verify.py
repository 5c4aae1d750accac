"""`verify_log`: hash, seq gaps and repeats, clock and hlc growth, causal order, parse errors,
each with its line number."""

from __future__ import annotations

import pytest

from statemerge.eventlog import LogProblem, verify_log
from statemerge.eventlog.events import next_line, split_lines, unfinished_line

T0 = 1_800_000_000_000_000


def build(*agents: str) -> bytes:
    log = b""
    for step, agent in enumerate(agents):
        log += next_line(
            log, agent, [{"op": "inc", "path": "/n", "value": step}], T0 + step, source="t"
        )
    return log


LOG = build("a", "b", "a", "c")


def lines_of(log: bytes) -> list[bytes]:
    return [raw + b"\n" for _, raw in split_lines(log)]


def test_a_sound_log_has_no_problems() -> None:
    assert verify_log(LOG, source="t") == []
    assert verify_log(b"", source="t") == []


def test_tampering_with_any_byte_of_a_line_is_caught_with_its_line_number() -> None:
    lines = lines_of(LOG)
    target = 2  # 0-based: the third line
    for position in range(len(lines[target]) - 1):  # every byte but the newline
        changed = bytearray(lines[target])
        changed[position] = ord("Z") if changed[position] != ord("Z") else ord("Y")
        log = b"".join([*lines[:target], bytes(changed), *lines[target + 1 :]])
        problems = verify_log(log, source="t")
        assert problems, f"byte {position} changed went unnoticed"
        assert problems[0].line == target + 1, (position, problems)


def test_an_edited_value_with_valid_json_is_an_id_mismatch() -> None:
    log = LOG.replace(b'"value":2', b'"value":3')
    assert verify_log(log, source="t") == [
        LogProblem(3, "The id does not match the content: the line was changed.")
    ]


def test_a_missing_event_is_a_seq_gap_and_a_missing_dependency() -> None:
    lines = lines_of(LOG)
    log = b"".join([lines[0], lines[1], lines[3]])  # a's second event is gone
    messages = [(problem.line, problem.message) for problem in verify_log(log, source="t")]
    assert (3, "The event depends on seq 2 of 'a', which is not earlier in the log.") in messages


def test_a_repeated_line_is_a_repeated_seq() -> None:
    lines = lines_of(LOG)
    log = b"".join([*lines, lines[2]])
    problems = verify_log(log, source="t")
    assert [problem.line for problem in problems] == [5]
    assert problems[0].message == "Seq 2 of 'a' repeats (also at line 3)."


def test_events_out_of_causal_order_are_reported() -> None:
    lines = lines_of(LOG)
    log = b"".join([lines[0], lines[2], lines[1], lines[3]])
    messages = [problem.message for problem in verify_log(log, source="t")]
    assert any("depends on seq 1 of 'b'" in message for message in messages)


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        (b"{oops\n", "The line is not valid JSON"),
        (b"[1]\n", "An event must be a JSON object"),
        (b'{"agent": "a"}\n', "The event has no"),
    ],
)
def test_lines_that_are_not_events_are_problems_with_line_numbers(
    line: bytes, fragment: str
) -> None:
    problems = verify_log(LOG + line, source="t")
    assert problems[0].line == 5
    assert problems[0].message.startswith(fragment)


def test_a_last_line_without_newline_is_an_unfinished_append_left_out() -> None:
    torn = LOG + b'{"agent":"a","clo'
    assert unfinished_line(torn) == 5
    assert unfinished_line(LOG) is None
    assert verify_log(torn, source="t") == []
    assert [raw for _, raw in split_lines(torn)] == [raw for _, raw in split_lines(LOG)]


def test_a_clock_that_goes_back_is_reported() -> None:
    lines = lines_of(LOG)
    forged = lines[2].replace(b'"clock":{"a":2,"b":1}', b'"clock":{"a":2}')
    log = b"".join([lines[0], lines[1], forged])
    messages = [problem.message for problem in verify_log(log, source="t")]
    assert "The id does not match the content: the line was changed." in messages
    assert "The clock of 'a' goes back since line 1." not in messages  # a's clock only grew


def test_a_checkpoint_is_only_allowed_first() -> None:
    checkpoint = (
        b'{"checkpoint":{"frontier":{"a":9},"hlc":"2027-01-15T08:00:00.000000Z/0000",'
        b'"snapshot":"sha256:' + b"0" * 64 + b'"}}\n'
    )
    assert verify_log(LOG + checkpoint, source="t")[0].message.startswith("A checkpoint may only")
    problems = verify_log(checkpoint + LOG, source="t")
    assert all("goes back" in p.message or "does not grow" in p.message for p in problems)
