"""Conflict ids and answers in the pure merge: an answer given by id resolves that conflict."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from statemerge.merging.answers import Answer
from statemerge.merging.conflicts import conflict_id
from statemerge.merging.threeway import merge
from statemerge.merging.values import ABSENT, Alias, Tagged

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=3), inner, max_size=3), max_leaves=8)


def test_a_conflict_id_is_a_short_hash_of_path_kind_and_sides() -> None:
    assert conflict_id("/port", "modify/modify", 1, 2, 3) == "d38884d1c3"  # on every machine
    assert conflict_id("/port", "modify/modify", 1, 2, 3) != conflict_id("/port",
                                                                          "modify/modify", 1, 3, 2)
    assert conflict_id("/a", "add/add", ABSENT, 1, 2) != conflict_id("/a", "add/add", None, 1, 2)


def test_key_order_and_yaml_atoms_do_not_change_an_id() -> None:
    assert conflict_id("/x", "modify/modify", {"a": 1, "b": 2}, 1, 2) == conflict_id(
        "/x", "modify/modify", {"b": 2, "a": 1}, 1, 2)
    assert conflict_id("/x", "modify/modify", Alias("a"), Tagged("!Ref", "b"), 2)


@given(values, values, values)
def test_the_id_in_a_merge_result_is_the_id_of_its_values(base: object, ours: object,
                                                          theirs: object) -> None:
    result = merge({"k": base}, {"k": ours}, {"k": theirs})
    for conflict in result.conflicts:
        assert conflict.id == conflict_id(conflict.path, conflict.kind, conflict.base,
                                          conflict.ours, conflict.theirs)


def test_an_answer_by_id_resolves_that_conflict_only() -> None:
    base, ours, theirs = {"a": 1, "b": 1}, {"a": 2, "b": 2}, {"a": 3, "b": 3}
    first = merge(base, ours, theirs)
    a_id = next(c.id for c in first.conflicts if c.path == "/a")

    answered = merge(base, ours, theirs, answers={a_id: Answer(take="theirs")})

    assert [c.path for c in answered.conflicts] == ["/b"]
    assert answered.taken("ours") == {"a": 3, "b": 2}
    assert [(a.conflict.path, a.answer.take) for a in answered.answered] == [("/a", "theirs")]


def test_a_value_answer_replaces_the_conflict_and_a_run_takes_a_list() -> None:
    base, ours, theirs = {"l": [1, 2, 3]}, {"l": [1, 9, 3]}, {"l": [1, 8, 3]}
    run = merge(base, ours, theirs).conflicts[0]
    assert run.kind == "sequence"

    with_list = merge(base, ours, theirs, answers={run.id: Answer(value=[7, 7])})
    not_a_list = merge(base, ours, theirs, answers={run.id: Answer(value=7)})

    assert with_list.clean and with_list.value == {"l": [1, 7, 7, 3]}
    assert not not_a_list.clean
    assert not_a_list.conflicts[0].note == "/l: a run of array elements is replaced by an array " \
                                          "of elements."


def test_rules_come_before_answers() -> None:
    from statemerge.merging.rules import parse_rules

    rules = parse_rules({"rules": [{"path": "/n", "strategy": "sum"}]}, source="rules")
    conflict = merge({"n": 1}, {"n": 2}, {"n": 3}).conflicts[0]

    result = merge({"n": 1}, {"n": 2}, {"n": 3}, rules, answers={conflict.id: Answer(take="ours")})

    assert result.value == {"n": 4} and result.answered == []
