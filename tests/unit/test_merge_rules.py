"""Rules 0-3 of merge.md, one behaviour per test, on plain data."""

from __future__ import annotations

from typing import Any

from statemerge.merging import merge
from statemerge.merging.values import ABSENT


def paths(base: Any, ours: Any, theirs: Any) -> list[tuple[str, str]]:
    return [(c.path, c.kind) for c in merge(base, ours, theirs).conflicts]


def value(base: Any, ours: Any, theirs: Any) -> Any:
    result = merge(base, ours, theirs)
    assert result.clean, result.conflicts
    return result.value


def test_only_theirs_changed_takes_theirs() -> None:
    assert value({"a": 1}, {"a": 1}, {"a": 2}) == {"a": 2}


def test_only_ours_changed_keeps_ours_object_itself() -> None:
    ours = {"a": {"deep": [1, 2]}}
    assert merge({"a": {"deep": [1]}}, ours, {"a": {"deep": [1]}}).value is ours


def test_deleted_on_one_side_unchanged_on_the_other_is_deleted() -> None:
    assert value({"a": 1, "b": 2}, {"b": 2}, {"a": 1, "b": 2}) == {"b": 2}


def test_absent_is_not_null() -> None:
    assert paths({"a": 1}, {"a": None}, {}) == [("/a", "modify/delete")]


def test_booleans_are_not_numbers() -> None:
    assert value({"a": True}, {"a": 1}, {"a": True}) == {"a": 1}
    assert type(value({"a": True}, {"a": 1}, {"a": True})["a"]) is int
    assert paths({"a": 0}, {"a": False}, {"a": 2}) == [("/a", "modify/modify")]


def test_one_is_not_one_point_zero() -> None:
    merged = value({"a": 1}, {"a": 1.0}, {"a": 1})
    assert type(merged["a"]) is float


def test_key_order_alone_is_no_change() -> None:
    base = {"a": 1, "b": 2}
    assert value(base, {"b": 2, "a": 1}, {"a": 1, "b": 3}) == {"b": 3, "a": 1}


def test_disjoint_keys_combine() -> None:
    assert value({"a": 1}, {"a": 1, "x": 1}, {"a": 1, "y": 2}) == {"a": 1, "x": 1, "y": 2}


def test_both_changed_a_scalar_differently_conflict() -> None:
    assert paths({"a": 1}, {"a": 2}, {"a": 3}) == [("/a", "modify/modify")]


def test_both_changed_a_scalar_the_same_way_is_clean() -> None:
    assert value({"a": 1}, {"a": 2}, {"a": 2}) == {"a": 2}


def test_add_add_objects_merge_with_an_empty_base() -> None:
    assert value({}, {"n": {"x": 1}}, {"n": {"y": 2}}) == {"n": {"x": 1, "y": 2}}


def test_add_add_different_scalars_conflict() -> None:
    assert paths({}, {"n": 1}, {"n": 2}) == [("/n", "add/add")]


def test_delete_and_modify_conflict() -> None:
    assert paths({"a": {"x": 1}}, {}, {"a": {"x": 2}}) == [("/a", "delete/modify")]


def test_type_change_on_both_sides_conflicts() -> None:
    assert paths({"a": [1]}, {"a": {"x": 1}}, {"a": "text"}) == [("/a", "modify/modify")]


def test_absent_base_merges_as_add_add_at_the_root() -> None:
    assert value(ABSENT, {"a": 1}, {"b": 2}) == {"a": 1, "b": 2}


def test_key_added_by_one_side_goes_after_its_predecessor() -> None:
    merged = value({"a": 1, "b": 2}, {"a": 1, "new": 0, "b": 2}, {"a": 1, "b": 2, "c": 3})
    assert list(merged) == ["a", "new", "b", "c"]


def test_both_add_keys_at_one_place_ours_first() -> None:
    merged = value({"a": 1, "z": 1}, {"a": 1, "o": 1, "z": 1}, {"a": 1, "t": 1, "z": 1})
    assert list(merged) == ["a", "o", "t", "z"]


def test_theirs_order_is_used_when_only_theirs_reordered() -> None:
    merged = value({"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 2, "c": 4},
                   {"c": 3, "b": 2, "a": 1, "d": 0})
    assert list(merged) == ["c", "b", "a", "d"]
    assert merged["c"] == 4


def test_a_side_that_only_reordered_keys_counts_as_unchanged() -> None:
    merged = value({"a": 1, "b": 2}, {"a": 1, "b": 3}, {"b": 2, "a": 1})
    assert list(merged) == ["a", "b"]


def test_ours_order_wins_when_both_reordered() -> None:
    merged = value({"a": 1, "b": 2, "c": 3}, {"b": 2, "a": 1, "c": 3}, {"c": 3, "a": 1, "b": 2})
    assert list(merged) == ["b", "a", "c"]


# -- keyed arrays ---------------------------------------------------------------------------


def test_keyed_records_merge_by_id() -> None:
    base = [{"id": 1, "s": "todo"}, {"id": 2, "s": "todo"}]
    ours = [{"id": 1, "s": "done"}, {"id": 2, "s": "todo"}]
    theirs = [{"id": 1, "s": "todo"}, {"id": 2, "s": "doing"}]
    assert value(base, ours, theirs) == [{"id": 1, "s": "done"}, {"id": 2, "s": "doing"}]


def test_keyed_records_both_appended_keeps_both_ours_first() -> None:
    base = [{"id": "a"}]
    merged = value(base, [{"id": "a"}, {"id": "o"}], [{"id": "a"}, {"id": "t"}])
    assert merged == [{"id": "a"}, {"id": "o"}, {"id": "t"}]


def test_keyed_detection_takes_first_field_that_fits() -> None:
    base = [{"key": "k1", "name": "same", "v": 1}, {"key": "k2", "name": "same", "v": 2}]
    ours = [{"key": "k1", "name": "same", "v": 5}, {"key": "k2", "name": "same", "v": 2}]
    theirs = [{"key": "k1", "name": "same", "v": 1}, {"key": "k2", "name": "same", "v": 7}]
    assert [r["v"] for r in value(base, ours, theirs)] == [5, 7]


def test_keyed_conflict_path_is_the_index_in_the_output() -> None:
    base = [{"id": "a", "v": 1}, {"id": "b", "v": 1}]
    ours = [{"id": "new"}, {"id": "a", "v": 1}, {"id": "b", "v": 2}]
    theirs = [{"id": "a", "v": 1}, {"id": "b", "v": 3}]
    assert paths(base, ours, theirs) == [("/2/v", "modify/modify")]


def test_keyed_record_deleted_and_modified_conflicts() -> None:
    base = [{"id": "a", "v": 1}]
    assert paths(base, [], [{"id": "a", "v": 2}]) == [("/0", "delete/modify")]


def test_one_sided_reorder_of_keyed_records_is_kept_with_additions_after_their_anchor() -> None:
    base = [{"id": 1}, {"id": 2}, {"id": 3}]
    theirs = [{"id": 3}, {"id": 1}, {"id": 2}]
    assert value(base, [{"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}], theirs) == [
        {"id": 3}, {"id": 4}, {"id": 1}, {"id": 2}]


# -- sequences ------------------------------------------------------------------------------


def test_both_sides_append_to_one_list_keeps_both() -> None:
    assert value([1, 2], [1, 2, 3], [1, 2, 4]) == [1, 2, 3, 4]


def test_identical_insertion_is_kept_once() -> None:
    assert value([1, 2], [1, 2, 3], [1, 2, 3]) == [1, 2, 3]


def test_insertion_next_to_a_deleted_neighbour_is_not_a_conflict() -> None:
    assert value(list("abcd"), list("aXbcd"), list("acd")) == list("aXcd")


def test_insert_and_delete_hit_the_elements_meant() -> None:
    assert value(list("abcd"), list("aXbcd"), list("abc")) == list("aXbc")


def test_different_changes_to_one_run_conflict_at_the_array() -> None:
    assert paths({"l": ["a", "b", "c"]}, {"l": ["a", "X", "c"]}, {"l": ["a", "Y", "c"]}) == [
        ("/l", "sequence")]


def test_records_edited_in_place_merge_field_by_field() -> None:
    base = [{"x": 1, "y": 1}]
    assert value(base, [{"x": 2, "y": 1}], [{"x": 1, "y": 2}]) == [{"x": 2, "y": 2}]


def test_sequence_conflict_sides_keep_the_clean_edits_elsewhere() -> None:
    result = merge([0, 1, 2, 9], [0, 1, "o", 9, 10], [-1, 0, 1, "t", 9])
    assert result.taken("ours") == [-1, 0, 1, "o", 9, 10]
    assert result.taken("theirs") == [-1, 0, 1, "t", 9, 10]
