"""The shared operation parser and applier: JSON Patch plus `inc`, all or nothing."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statemerge.errors import InputError, PatchError
from statemerge.patch import apply_ops, apply_ops_in_place, parse_op_words, validate_ops

# --- parse_op_words -------------------------------------------------------------------------


def test_shorthand_words_become_json_patch_ops() -> None:
    ops = parse_op_words(
        ["set", "/a", "1", "delete", "/b", "inc", "/n", "2.5", "insert", "/l/0", '"x"']
    )
    assert ops == [
        {"op": "add", "path": "/a", "value": 1},
        {"op": "remove", "path": "/b"},
        {"op": "inc", "path": "/n", "value": 2.5},
        {"op": "add", "path": "/l/0", "value": "x"},
    ]


def test_set_at_an_array_index_replaces_instead_of_inserting() -> None:
    ops = parse_op_words(["set", "/l/1", '"B"'])
    assert ops == [{"op": "replace", "path": "/l/1", "value": "B"}]
    assert apply_ops({"l": ["a", "b", "c"]}, ops) == {"l": ["a", "B", "c"]}


def test_json_words_may_be_one_op_or_an_array_of_ops() -> None:
    ops = parse_op_words(
        ['{"op": "test", "path": "/a", "value": 1}', '[{"op": "remove", "path": "/a"}]']
    )
    assert [op["op"] for op in ops] == ["test", "remove"]


@pytest.mark.parametrize(
    ("words", "fragment"),
    [
        (["frobnicate", "/a"], "Unknown operation 'frobnicate'"),
        (["set", "/a"], "needs a path and a JSON value"),
        (["delete"], "needs a path"),
        (["set", "/a", "abc"], "is not JSON"),
        (["inc", "/a", '"x"'], "must be a number"),
        (["inc", "/a", "true"], "must be a number"),
        (["insert", "/a/b", "1"], "array index or '-'"),
        (["set", "a", "1"], "must be empty or start with '/'"),
        (['{"op": "jump", "path": "/a"}'], "unknown op 'jump'"),
        (['{"op": "add", "path": "/a"}'], "needs a 'value'"),
        (["{not json"], "not valid JSON"),
        ([], "No operation given"),
    ],
)
def test_bad_words_are_input_errors_with_a_clear_sentence(words: list[str], fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_op_words(words)
    assert fragment in caught.value.message
    assert caught.value.exit_code == 2


# --- validate_ops ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ops", "fragment"),
    [
        ({"op": "add"}, "must be a list"),
        (["add"], "must be an object"),
        ([{"op": "add", "path": 3, "value": 1}], "string 'path'"),
        ([{"op": "move", "path": "/a"}], "string 'from'"),
        ([{"op": "move", "from": "/a", "path": "/a/b"}], "inside itself"),
        ([{"op": "inc", "path": "/a", "value": False}], "needs a number"),
        ([{"op": "add", "path": "/a~2", "value": 1}], "'~' must be followed by 0 or 1"),
    ],
)
def test_malformed_ops_name_their_source(ops: Any, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        validate_ops(ops, source="log.jsonl:7")
    assert caught.value.message.startswith("log.jsonl:7:")
    assert fragment in caught.value.message


def test_well_formed_ops_pass_validation_unchanged() -> None:
    ops = [{"op": "copy", "from": "/a", "path": "/b"}, {"op": "test", "path": "", "value": {}}]
    assert validate_ops(ops, source="x") is ops


# --- apply_ops ------------------------------------------------------------------------------


def test_every_json_patch_op_and_inc_apply() -> None:
    document = {"a": 1, "l": [1, 2, 3], "o": {"k": "v"}}
    result = apply_ops(
        document,
        [
            {"op": "test", "path": "/a", "value": 1.0},
            {"op": "replace", "path": "/a", "value": 5},
            {"op": "add", "path": "/l/-", "value": 4},
            {"op": "remove", "path": "/l/0"},
            {"op": "move", "from": "/o/k", "path": "/moved"},
            {"op": "copy", "from": "/l", "path": "/o/l"},
            {"op": "inc", "path": "/a", "value": 2},
        ],
    )
    assert result == {"a": 7, "l": [2, 3, 4], "o": {"l": [2, 3, 4]}, "moved": "v"}


def test_inc_creates_an_absent_member_with_the_amount() -> None:
    assert apply_ops({}, [{"op": "inc", "path": "/n", "value": 3}]) == {"n": 3}


@pytest.mark.parametrize(
    ("document", "op", "message"),
    [
        ({"a": 1}, {"op": "test", "path": "/a", "value": 2}, "Test failed at /a"),
        ({"a": True}, {"op": "test", "path": "/a", "value": 1}, "Test failed at /a"),
        ({"x": {}}, {"op": "remove", "path": "/x/y"}, "/x/y does not exist."),
        ({}, {"op": "add", "path": "/x/y", "value": 1}, "/x/y does not exist."),
        ({"l": [1]}, {"op": "replace", "path": "/l/1", "value": 1}, "past the end"),
        ({"a": "s"}, {"op": "inc", "path": "/a", "value": 1}, "it is a string, not a number"),
        ({"a": True}, {"op": "inc", "path": "/a", "value": 1}, "it is a boolean, not a number"),
        ({"a": 1}, {"op": "remove", "path": ""}, "Cannot remove the whole document"),
    ],
)
def test_an_op_that_cannot_apply_is_a_patch_error_sentence(
    document: Any, op: dict[str, Any], message: str
) -> None:
    with pytest.raises(PatchError) as caught:
        apply_ops(document, [op])
    assert message in caught.value.message
    assert caught.value.message.endswith(".")


def test_apply_ops_never_mutates_its_input_and_shares_untouched_parts() -> None:
    document = {"big": {"k": [1, 2]}, "small": {"n": 1}}
    before = copy.deepcopy(document)
    result = apply_ops(document, [{"op": "inc", "path": "/small/n", "value": 1}])
    assert document == before
    assert result["small"] == {"n": 2}
    assert result["big"] is document["big"]


def test_a_failing_op_leaves_nothing_applied() -> None:
    document = {"a": 1, "l": [1]}
    ops = [
        {"op": "replace", "path": "/a", "value": 2},
        {"op": "add", "path": "/l/0", "value": 0},
        {"op": "test", "path": "/a", "value": 1},
    ]
    with pytest.raises(PatchError):
        apply_ops(document, ops)
    assert document == {"a": 1, "l": [1]}


def test_in_place_application_undoes_a_half_applied_event() -> None:
    document = {"a": 1, "l": [1, 2], "o": {"k": 1}}
    ops = [
        {"op": "remove", "path": "/l/0"},
        {"op": "add", "path": "/l/0", "value": 9},
        {"op": "move", "from": "/o/k", "path": "/k"},
        {"op": "inc", "path": "/new", "value": 1},
        {"op": "replace", "path": "", "value": []},
        {"op": "remove", "path": "/nope"},
    ]
    with pytest.raises(PatchError):
        apply_ops_in_place(document, ops)
    assert document == {"a": 1, "l": [1, 2], "o": {"k": 1}}


def test_in_place_copies_values_so_copied_subtrees_stay_independent() -> None:
    document: dict[str, Any] = {"a": {"x": 1}}
    document = apply_ops_in_place(document, [{"op": "copy", "from": "/a", "path": "/b"}])
    document = apply_ops_in_place(document, [{"op": "inc", "path": "/b/x", "value": 1}])
    assert document == {"a": {"x": 1}, "b": {"x": 2}}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=8,
)


def _random_ops(draw: Any, document: Any) -> list[dict[str, Any]]:
    names = st.sampled_from(["add", "remove", "replace", "inc", "test", "move", "copy"])
    paths = st.sampled_from(["", "/a", "/a/0", "/a/-", "/b", "/b/c", "/0", "/-"])
    return [
        {
            "op": draw(names),
            "path": draw(paths),
            "from": draw(paths),
            "value": draw(json_values | st.integers(-3, 3)),
        }
        for _ in range(draw(st.integers(1, 4)))
    ]


@given(document=json_values, data=st.data())
def test_copying_and_in_place_application_agree_and_are_all_or_nothing(
    document: Any, data: st.DataObject
) -> None:
    ops = _random_ops(data.draw, document)
    before = copy.deepcopy(document)
    try:
        expected = apply_ops(document, ops)
    except PatchError:
        expected = None
    assert document == before
    working = copy.deepcopy(document)
    try:
        result = apply_ops_in_place(working, ops)
    except PatchError:
        assert expected is None
        assert working == before
    else:
        assert result == expected


def test_a_unicode_digit_is_not_an_array_index() -> None:
    with pytest.raises(PatchError):
        apply_ops({"l": [1, 2]}, [{"op": "replace", "path": "/l/\u00b2", "value": 0}])
