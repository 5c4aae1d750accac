"""Contention records and their sums (statemerge.store.metrics)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from statemerge.errors import ParseError
from statemerge.store import CallStats
from statemerge.store.metrics import append_record, parse_records, summarize


def record(
    kind: str, agent: str, attempts: int, conflicts: int, wait: float, outcome: str = "ok"
) -> dict[str, Any]:
    stats = CallStats(kind, "state.json", agent, attempts, conflicts, wait, 0.5, outcome)
    return stats.to_record()


def test_a_record_says_how_many_retries_an_attempt_count_means() -> None:
    assert record("update", "a", attempts=3, conflicts=2, wait=0.0)["retries"] == 2
    assert record("update", "a", attempts=0, conflicts=0, wait=0.0)["retries"] == 0


def test_sums_are_grouped_by_kind_and_agent_and_totalled() -> None:
    records = [
        record("update", "a", 3, 2, 0.1),
        record("update", "a", 1, 0, 0.3),
        record("update", "b", 5, 5, 0.0, outcome="exhausted"),
        record("update-lock", "a", 1, 0, 0.7),
    ]
    groups, total = summarize(records)
    assert [(g.kind, g.agent, g.calls) for g in groups] == [
        ("update", "a", 2),
        ("update", "b", 1),
        ("update-lock", "a", 1),
    ]
    first = groups[0]
    assert (first.attempts, first.retries, first.conflicts) == (4, 2, 2)
    assert first.conflict_rate == 0.5
    assert (first.lock_wait, first.lock_wait_max) == pytest.approx((0.4, 0.3))
    assert (total.calls, total.failed, total.conflicts) == (4, 1, 7)
    assert total.to_json()["outcomes"] == {"exhausted": 1, "ok": 3}


def test_appended_records_read_back_in_order(tmp_path: Path) -> None:
    path = tmp_path / "metrics.jsonl"
    for agent in "abc":
        append_record(str(path), record("update", agent, 1, 0, 0.0))
    lines = path.read_text().splitlines()
    assert [r["agent"] for r in parse_records(lines, str(path))] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not json", "not a JSON line"),
        ("[1]", "not a JSON object"),
        ('{"agent": "a", "attempts": 1}', "'kind' is missing"),
        (json.dumps({**record("update", "a", 1, 0, 0.0), "attempts": -1}), "'attempts'"),
        (json.dumps({**record("update", "a", 1, 0, 0.0), "lock_wait": True}), "'lock_wait'"),
    ],
)
def test_a_line_that_is_not_a_record_is_named_by_its_number(line: str, reason: str) -> None:
    good = json.dumps(record("update", "a", 1, 0, 0.0))
    with pytest.raises(ParseError, match=rf"m\.jsonl:3: .*{reason}"):
        parse_records([good, "", line], "m.jsonl")
