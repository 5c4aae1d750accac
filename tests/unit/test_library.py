"""The library API as the README shows it: statemerge.merge / resolve on plain data."""

from __future__ import annotations

import statemerge


def test_merge_returns_value_and_conflicts() -> None:
    result = statemerge.merge({"n": 1, "tags": ["a"]}, {"n": 2, "tags": ["a"]},
                              {"n": 3, "tags": ["a", "b"]})
    assert not result.clean
    assert [(c.path, c.kind, c.base, c.ours, c.theirs) for c in result.conflicts] == [
        ("/n", "modify/modify", 1, 2, 3)]
    assert statemerge.resolve(result, "ours") == {"n": 2, "tags": ["a", "b"]}
    assert statemerge.resolve(result, "theirs") == {"n": 3, "tags": ["a", "b"]}


def test_merge_takes_rules_as_plain_data() -> None:
    rules = {"rules": [{"path": "/n", "strategy": "sum"}]}
    result = statemerge.merge({"n": 1}, {"n": 2}, {"n": 3}, rules=rules)
    assert result.clean and result.value == {"n": 4}
    assert [(r.path, r.strategy, r.rule) for r in result.resolved] == [("/n", "sum", "/n")]


def test_absent_base_is_an_add_add_merge() -> None:
    result = statemerge.merge(statemerge.ABSENT, {"a": 1}, {"b": 2})
    assert result.clean and result.value == {"a": 1, "b": 2}
