"""statemerge: resolve state conflicts in JSON/YAML state files.

The library API works on plain data (dict, list, str, int, float, bool, None):

>>> from statemerge import merge
>>> result = merge({"n": 1, "tags": ["a"]}, {"n": 2, "tags": ["a"]}, {"n": 1, "tags": ["a", "b"]})
>>> result.value, result.clean
({'n': 2, 'tags': ['a', 'b']}, True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from statemerge.merging.threeway import MergeResult

__all__ = ["ABSENT", "merge", "resolve"]


def __getattr__(name: str) -> Any:
    if name == "ABSENT":
        from statemerge.merging.values import ABSENT

        return ABSENT
    raise AttributeError(name)


def merge(base: Any, ours: Any, theirs: Any, rules: Any = None) -> MergeResult:
    """Three-way merge of plain JSON values (merge.md, rules 0-4).

    `None` is JSON null; pass `statemerge.ABSENT` when there is no common ancestor.
    `rules` is a rules document (the parsed `.statemerge.yaml`) or a RuleSet. The result has
    `.value` (with slots where conflicts are left), `.conflicts`, `.resolved` and `.clean`;
    `resolve(result, "ours")` gives plain data with every conflict taken by one side.
    """
    from statemerge.merging import RuleSet, parse_rules
    from statemerge.merging import merge as merge_values
    from statemerge.nesting import room_for_nesting

    if rules is not None and not isinstance(rules, RuleSet):
        rules = parse_rules(rules, source="rules")
    with room_for_nesting():  # documents may nest 1,000 levels, as the CLI allows
        return merge_values(base, ours, theirs, rules)


def resolve(result: MergeResult, side: str) -> Any:
    """The merged value as plain data, every conflict left taken by `side` (ours/theirs/base)."""
    from statemerge.nesting import room_for_nesting

    with room_for_nesting():
        return result.taken(side)
