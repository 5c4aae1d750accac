"""The laws of the three-way merge, stated once and checked on generated documents."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statemerge.mergefile import MergeOptions, merge_texts
from statemerge.merging import ABSENT, merge
from statemerge.merging.values import same

scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["a", "b", "c"]))
keys = st.sampled_from(["id", "a", "b", "c", "d"])
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
        st.lists(st.fixed_dictionaries({"id": st.integers(0, 5), "v": children}), max_size=4),
    ),
    max_leaves=12,
)
documents = st.dictionaries(keys, values, max_size=5)
trees = st.recursive(scalars, lambda children: st.dictionaries(keys, children, max_size=4),
                     max_leaves=15)

LAWS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@LAWS
@given(documents, documents)
def test_only_ours_changed_gives_ours(base: Any, ours: Any) -> None:
    result = merge(base, ours, base)
    assert result.clean and same(result.value, ours)


@LAWS
@given(documents, documents)
def test_only_theirs_changed_gives_theirs(base: Any, theirs: Any) -> None:
    result = merge(base, base, theirs)
    assert result.clean and same(result.value, theirs)


@LAWS
@given(documents, documents)
def test_same_change_on_both_sides_gives_it(base: Any, both: Any) -> None:
    result = merge(base, both, json.loads(json.dumps(both)))
    assert result.clean and same(result.value, both)


@LAWS
@given(documents, documents, documents)
def test_swapping_sides_gives_the_same_conflict_paths(base: Any, ours: Any, theirs: Any) -> None:
    # Array indices are positions in the merged output, where ours' additions come first, so
    # they may shift when the sides swap (docs/merge.md); the conflicts' places may not.
    def places(result: Any) -> list[str]:
        return sorted(re.sub(r"/\d+(?=/|$)", "/#", c.path) for c in result.conflicts)

    assert places(merge(base, ours, theirs)) == places(merge(base, theirs, ours))


@LAWS
@given(trees, trees, trees)
def test_swapping_sides_gives_the_same_conflict_paths_without_arrays(
    base: Any, ours: Any, theirs: Any
) -> None:
    forward = sorted(c.path for c in merge(base, ours, theirs).conflicts)
    assert forward == sorted(c.path for c in merge(base, theirs, ours).conflicts)


def _leaves(tree: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    if isinstance(tree, dict) and tree:
        found: dict[tuple[str, ...], Any] = {}
        for key, child in tree.items():
            found.update(_leaves(child, (*prefix, key)))
        return found
    return {prefix: tree}


def _at(tree: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(tree, dict) or key not in tree:
            return ABSENT
        tree = tree[key]
    return tree


def _under_conflict(path: tuple[str, ...], conflicts: list[str]) -> bool:
    pointer = "".join("/" + key for key in path)
    return any(pointer == c or pointer.startswith(c + "/") or c == "" for c in conflicts)


@LAWS
@given(trees, trees, trees)
def test_nothing_is_lost_silently(base: Any, ours: Any, theirs: Any) -> None:
    result = merge(base, ours, theirs)
    # A record one side renamed holds the other side's edits under its new name (issue 9).
    conflicts = [c.path for c in result.conflicts] + result.renamed
    merged_ours = result.taken("ours")
    for side, other in ((ours, theirs), (theirs, ours)):
        for path, leaf in _leaves(side).items():
            if same(leaf, _at(base, path)):
                continue
            if _under_conflict(path, conflicts):
                continue
            merged = _at(merged_ours, path)
            if same(_at(other, path), _at(base, path)):
                # changed by one side only: its value is in the output
                assert same(merged, leaf), (path, leaf, merged)
            else:
                # changed by both: in the output, or reported
                assert same(merged, leaf) or same(merged, _at(other, path)) or isinstance(
                    merged, dict), (path, leaf, merged)


def _keep(text: str, side: str) -> str:
    """Delete the other side's parts and every marker line."""
    kept: list[str] = []
    state = "common"
    for line in text.splitlines(keepends=True):
        if line.startswith("<<<<<<<"):
            state = "ours"
        elif line.startswith("|||||||"):
            state = "base"
        elif line.startswith("=======") and state in ("ours", "base"):
            state = "theirs"
        elif line.startswith(">>>>>>>") and state == "theirs":
            state = "common"
        elif state in ("common", side):
            kept.append(line)
    return "".join(kept)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, documents, documents, st.booleans(), st.booleans())
def test_each_side_of_the_markers_is_that_sides_document(
    base: Any, ours: Any, theirs: Any, diff3: bool, compact: bool
) -> None:
    def dump(value: Any) -> bytes:
        return json.dumps(value, indent=None if compact else 2).encode() + b"\n"

    sides = (dump(base), dump(ours), dump(theirs))
    names = ("base.json", "ours.json", "theirs.json")
    marked = merge_texts(*sides, names=names, options=MergeOptions(diff3=diff3)).output.decode()
    for side in ("ours", "theirs"):
        taken = merge_texts(*sides, names=names, options=MergeOptions(conflict=side))  # type: ignore[arg-type]
        assert _keep(marked, side) == taken.output.decode()
        assert json.loads(taken.output) is not None or taken.output.strip() == b"null"
