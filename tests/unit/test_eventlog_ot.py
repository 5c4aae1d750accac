"""Operational transformation: TP1 for every pair of array ops on small lists (exhaustively),
and the rules for writes that do not shift indexes."""

from __future__ import annotations

from itertools import product
from typing import Any

import pytest

from statemerge.eventlog.ot import Edit, edit_from_op, transform, transform_sequences
from statemerge.patch import apply_ops


def insert(index: int, value: str) -> Edit:
    return Edit("add", ("l", str(index)), value=value, path_in_list=True)


def remove(index: int) -> Edit:
    return Edit("remove", ("l", str(index)), path_in_list=True)


def replace(index: int, value: str) -> Edit:
    return Edit("replace", ("l", str(index)), value=value, path_in_list=True)


def move(start: int, end: int) -> Edit:
    return Edit(
        "move", ("l", str(end)), source=("l", str(start)), path_in_list=True, source_in_list=True
    )


def array_ops(length: int, tag: str) -> list[Edit]:
    """Every insert, remove, replace and move on a list of `length`."""
    ops = [insert(index, f"{tag}{index}") for index in range(length + 1)]
    for index in range(length):
        ops += [remove(index), replace(index, f"{tag}R{index}")]
        ops += [move(index, end) for end in range(length)]
    return ops


def after(document: Any, *edits: Edit | None) -> Any:
    for edit in edits:
        if edit is not None:
            document = apply_ops(document, [edit.to_op()])
    return document


@pytest.mark.parametrize("length", [1, 2, 3, 4])
def test_tp1_holds_for_every_pair_of_array_ops(length: int) -> None:
    document = {"l": [f"e{index}" for index in range(length)]}
    for a, b, a_first in product(array_ops(length, "a"), array_ops(length, "b"), (True, False)):
        a_after_b = transform(a, b, a_first=a_first).edit
        b_after_a = transform(b, a, a_first=not a_first).edit
        assert after(document, a, b_after_a) == after(document, b, a_after_b), (a, b, a_first)


def test_an_insert_and_a_later_delete_both_hit_their_elements() -> None:
    document = {"l": ["a", "b", "c", "d"]}
    delete_d = transform(remove(3), insert(1, "X"), a_first=False).edit
    assert after(document, insert(1, "X"), delete_d) == {"l": ["a", "X", "b", "c"]}


def test_two_moves_of_one_element_the_later_wins() -> None:
    document = {"l": ["a", "b", "c"]}
    early, late = move(0, 2), move(0, 1)
    assert transform(early, late, a_first=True).edit is None
    result = after(document, early, transform(late, early, a_first=False).edit)
    assert result == {"l": ["b", "a", "c"]}


def test_an_edit_inside_a_removed_element_is_dropped_and_reported() -> None:
    deep = Edit("replace", ("l", "1", "s"), value="done")
    outcome = transform(deep, remove(1), a_first=False)
    assert (outcome.edit, outcome.conflict) == (None, "removed")


def test_an_edit_inside_a_moved_element_follows_it() -> None:
    deep = Edit("replace", ("l", "0", "s"), value="done")
    outcome = transform(deep, move(0, 2), a_first=False)
    assert outcome.edit is not None
    assert outcome.edit.path == ("l", "2", "s")


def test_an_append_lands_at_the_end_and_shifts_nothing() -> None:
    append = Edit("add", ("l", "-"), value="z", path_in_list=True)
    assert transform(append, insert(0, "x"), a_first=True).edit == append
    assert transform(remove(2), append, a_first=True).edit == remove(2)


@pytest.mark.parametrize(
    ("mine", "theirs", "mine_first", "kept", "conflict"),
    [
        (
            {"op": "replace", "path": "/x", "value": 1},
            {"op": "replace", "path": "/x", "value": 2},
            False,
            True,
            "write-write",
        ),
        (
            {"op": "replace", "path": "/x", "value": 1},
            {"op": "replace", "path": "/x", "value": 2},
            True,
            False,
            "write-write",
        ),
        (
            {"op": "inc", "path": "/x", "value": 1},
            {"op": "inc", "path": "/x", "value": 2},
            True,
            True,
            None,
        ),
        (
            {"op": "inc", "path": "/x", "value": 1},
            {"op": "add", "path": "/x", "value": 5},
            False,
            False,
            "write-write",
        ),
        ({"op": "remove", "path": "/x"}, {"op": "remove", "path": "/x"}, False, False, None),
        (
            {"op": "add", "path": "/x/y", "value": 1},
            {"op": "remove", "path": "/x"},
            False,
            False,
            "ancestor-write",
        ),
        (
            {"op": "add", "path": "/x", "value": {}},
            {"op": "add", "path": "/x/y", "value": 1},
            True,
            True,
            "ancestor-write",
        ),
        (
            {"op": "add", "path": "/x", "value": 1},
            {"op": "add", "path": "/y", "value": 1},
            True,
            True,
            None,
        ),
    ],
)
def test_rules_for_writes_that_do_not_shift_indexes(
    mine: dict[str, Any], theirs: dict[str, Any], mine_first: bool, kept: bool, conflict: str | None
) -> None:
    def in_list(parent: tuple[str, ...]) -> bool:
        return False

    a, b = edit_from_op(mine, in_list), edit_from_op(theirs, in_list)
    outcome = transform(a, b, a_first=mine_first)
    assert (outcome.edit is not None, outcome.conflict) == (kept, conflict)
    document = {"x": {"y": 0}, "y": 0}
    if (
        mine["op"] != "inc"
        and theirs["op"] != "inc"
        and "/x/y" not in (mine["path"], theirs["path"])
    ):
        mirrored = transform(b, a, a_first=not mine_first).edit
        assert after(document, a, mirrored) == after(document, b, outcome.edit)


def test_sequences_transform_op_by_op_against_each_other() -> None:
    mine = [insert(0, "x"), remove(2)]  # on [a, b, c]: x a b c, then remove b
    theirs = [remove(0), insert(2, "y")]  # on [a, b, c]: b c, then b c y
    rewritten, conflicts = transform_sequences(mine, theirs, mine_first=True)
    mirrored, _ = transform_sequences(theirs, mine, mine_first=False)
    document = {"l": ["a", "b", "c"]}
    assert after(document, *theirs, *rewritten) == after(document, *mine, *mirrored)
    assert after(document, *theirs, *rewritten) == {"l": ["x", "c", "y"]}
    assert conflicts == []
