"""The library API as the README shows it: statemerge.merge / resolve on plain data."""

from __future__ import annotations

import pytest

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


# --- nesting: the library holds the 1,000 levels the CLI promises ----------------------------


def _nested(levels: int, leaf: object, container: str) -> object:
    value = leaf
    for _ in range(levels):
        value = {"k": value} if container == "dict" else [value]
    return value


@pytest.mark.parametrize("container", ["dict", "list"])
def test_merge_of_documents_nested_1000_deep_does_not_raise_recursion_error(container: str) -> None:
    base, ours, theirs = (_nested(1000, leaf, container) for leaf in (1, 2, 1))
    result = statemerge.merge(base, ours, theirs)
    assert result.clean
    assert result.value == ours


@pytest.mark.parametrize("container", ["dict", "list"])
def test_a_conflict_1000_deep_is_found_and_resolved(container: str) -> None:
    base, ours, theirs = (_nested(1000, {"n": leaf}, container) for leaf in (1, 2, 3))
    result = statemerge.merge(base, ours, theirs)
    assert not result.clean
    assert statemerge.resolve(result, "theirs") == theirs


def test_the_recursion_limit_is_put_back_after_a_merge() -> None:
    import sys

    before = sys.getrecursionlimit()
    statemerge.merge(_nested(600, 1, "dict"), _nested(600, 2, "dict"), _nested(600, 1, "dict"))
    assert sys.getrecursionlimit() == before
