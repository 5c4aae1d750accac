"""The rules file: validation, matching, and every strategy of merge.md."""

from __future__ import annotations

from typing import Any

import pytest

from statemerge.errors import RulesError
from statemerge.merging import merge, parse_rules


def rules(*entries: dict[str, Any], files: dict[str, Any] | None = None,
          file_path: str | None = None) -> Any:
    document: dict[str, Any] = {"rules": list(entries)}
    if files is not None:
        document["files"] = files
    return parse_rules(document, source=".statemerge.yaml", file_path=file_path)


def test_sum_adds_both_sides_deltas() -> None:
    result = merge({"n": 10}, {"n": 13}, {"n": 15}, rules({"path": "/n", "strategy": "sum"}))
    assert result.value == {"n": 18}
    assert [(r.path, r.strategy) for r in result.resolved] == [("/n", "sum")]


def test_sum_counts_an_absent_base_as_zero() -> None:
    result = merge({}, {"n": 2}, {"n": 3}, rules({"path": "/*", "strategy": "sum"}))
    assert result.value == {"n": 5}


def test_max_and_min() -> None:
    assert merge({"t": 1}, {"t": 5}, {"t": 3}, rules({"path": "/t", "strategy": "max"})).value == {"t": 5}
    assert merge({"t": 1}, {"t": 5}, {"t": 3}, rules({"path": "/t", "strategy": "min"})).value == {"t": 3}


def test_max_compares_timestamps_as_strings() -> None:
    result = merge({"seen": "2026-01-01"}, {"seen": "2026-03-01"}, {"seen": "2026-02-01"},
                   rules({"path": "/seen", "strategy": "max"}))
    assert result.value == {"seen": "2026-03-01"}


def test_side_strategies_resolve_every_conflict_below_the_path() -> None:
    ruleset = rules({"path": "/cache/**", "strategy": "theirs"})
    result = merge({"cache": {"a": 1, "b": {"c": 1}}}, {"cache": {"a": 2, "b": {"c": 2}}},
                   {"cache": {"a": 3, "b": {"c": 3}}}, ruleset)
    assert result.value == {"cache": {"a": 3, "b": {"c": 3}}}
    assert result.clean


def test_base_strategy_takes_base() -> None:
    result = merge({"a": 1}, {"a": 2}, {"a": 3}, rules({"path": "/a", "strategy": "base"}))
    assert result.value == {"a": 1}


def test_lww_takes_the_later_record_whole() -> None:
    base = {"p": {"owner": "a", "team": "x", "at": "1"}}
    ours = {"p": {"owner": "b", "team": "x", "at": "2"}}
    theirs = {"p": {"owner": "c", "team": "y", "at": "3"}}
    result = merge(base, ours, theirs, rules({"path": "/p", "strategy": "lww", "timestamp": "at"}))
    assert result.value == theirs
    assert result.clean


def test_lww_without_a_conflict_merges_as_usual() -> None:
    base = {"p": {"a": 1, "b": 1, "at": "1"}}
    result = merge(base, {"p": {"a": 2, "b": 1, "at": "1"}}, {"p": {"a": 1, "b": 2, "at": "1"}},
                   rules({"path": "/p", "strategy": "lww", "timestamp": "at"}))
    assert result.value == {"p": {"a": 2, "b": 2, "at": "1"}}


def test_lww_on_a_scalar_reads_the_sibling_timestamp() -> None:
    base = {"status": "idle", "at": 1}
    result = merge(base, {"status": "busy", "at": 5}, {"status": "gone", "at": 3},
                   rules({"path": "/status", "strategy": "lww", "timestamp": "at"}))
    assert result.value["status"] == "busy"


def test_lww_with_equal_timestamps_leaves_the_conflict_with_a_note() -> None:
    result = merge({"p": {"v": 1, "at": 1}}, {"p": {"v": 2, "at": 1}}, {"p": {"v": 3, "at": 1}},
                   rules({"path": "/p", "strategy": "lww", "timestamp": "at"}))
    assert [c.path for c in result.conflicts] == ["/p/v"]
    assert "lww" in (result.conflicts[0].note or "")


def test_union_keeps_additions_and_drops_removals() -> None:
    result = merge({"t": ["a", "b", "c"]}, {"t": ["a", "c", "d"]}, {"t": ["a", "b", "c", "e"]},
                   rules({"path": "/t", "strategy": "union"}))
    assert result.value == {"t": ["a", "c", "d", "e"]}


def test_a_rule_that_cannot_apply_leaves_the_conflict_and_says_why() -> None:
    result = merge({"n": "a"}, {"n": "b"}, {"n": "c"}, rules({"path": "/n", "strategy": "sum"}))
    assert [c.path for c in result.conflicts] == ["/n"]
    assert "sum needs numbers" in (result.conflicts[0].note or "")


def test_first_matching_rule_wins() -> None:
    ruleset = rules({"path": "/c/*", "strategy": "ours"}, {"path": "/**", "strategy": "theirs"})
    result = merge({"c": {"x": 1}, "d": 1}, {"c": {"x": 2}, "d": 2}, {"c": {"x": 3}, "d": 3},
                   ruleset)
    assert result.value == {"c": {"x": 2}, "d": 3}


def test_double_star_matches_zero_segments() -> None:
    result = merge({"a": 1}, {"a": 2}, {"a": 3}, rules({"path": "/**/a", "strategy": "ours"}))
    assert result.value == {"a": 2}


def test_keyed_rule_names_the_identity_field() -> None:
    base = {"tasks": [{"task_id": 1, "s": 0}, {"task_id": 2, "s": 0}]}
    ours = {"tasks": [{"task_id": 1, "s": 1}, {"task_id": 2, "s": 0}]}
    theirs = {"tasks": [{"task_id": 1, "s": 0}, {"task_id": 2, "s": 2}, {"task_id": 3, "s": 0}]}
    result = merge(base, ours, theirs, rules({"path": "/tasks", "list": "keyed", "key": "task_id"}))
    assert result.value["tasks"] == [{"task_id": 1, "s": 1}, {"task_id": 2, "s": 2},
                                     {"task_id": 3, "s": 0}]


def test_strict_sequence_mode_makes_same_place_inserts_conflict() -> None:
    result = merge({"l": [1]}, {"l": [1, 2]}, {"l": [1, 3]},
                   rules({"path": "/l", "list": "sequence"}))
    assert [(c.path, c.kind) for c in result.conflicts] == [("/l", "sequence")]


def test_atomic_mode_makes_the_array_one_value() -> None:
    result = merge({"l": [1, 2]}, {"l": [0, 1, 2]}, {"l": [1, 2, 3]},
                   rules({"path": "/l", "list": "atomic"}))
    assert [(c.path, c.kind) for c in result.conflicts] == [("/l", "modify/modify")]


def test_files_rules_apply_only_to_matching_paths() -> None:
    document = {"files": {"state/*.json": [{"path": "/a", "strategy": "ours"}]}}
    matching = parse_rules(document, source="r", file_path="state/x.json")
    other = parse_rules(document, source="r", file_path="config/x.json")
    assert merge({"a": 1}, {"a": 2}, {"a": 3}, matching).clean
    assert not merge({"a": 1}, {"a": 2}, {"a": 3}, other).clean


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"path": "/a", "strategy": "sometimes"}, "unknown strategy 'sometimes'"),
        ({"path": "/a"}, "needs a `strategy` or a `list`"),
        ({"path": "a", "strategy": "ours"}, "JSON Pointer pattern"),
        ({"path": "/a", "strategy": "lww"}, "needs `timestamp"),
        ({"path": "/a", "strategy": "ours", "colour": 1}, "unknown field 'colour'"),
        ({"path": "/a", "list": "zigzag"}, "unknown list mode"),
    ],
)
def test_invalid_rules_name_the_rule(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(RulesError) as raised:
        rules({"path": "/ok", "strategy": "ours"}, entry)
    assert message in str(raised.value)
    assert "rule rules #2" in str(raised.value)
