"""The three-way merge of JSON values: rules 0-4 of merge.md, applied at every node.

A pipeline of small steps over plain data: rule 0 settles what only one side changed; objects
merge key by key (rule 1); arrays merge keyed or as sequences (rule 2, in `arrays.py`); anything
else both sides changed differently is a conflict (rule 3) unless a rule resolves it; CRDT nodes
join (rule 4). Untouched subtrees are returned as the very objects of ours (or theirs), which
lets the writer keep their bytes and lets the output step skip them.

>>> merge({"n": 1}, {"n": 1, "a": 1}, {"n": 2}).value
{'n': 2, 'a': 1}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from statemerge.merging.conflicts import (
    Conflict,
    ConflictSlot,
    Resolution,
    SequenceSlot,
    as_objects,
    take_side,
)
from statemerge.merging.ordering import merged_order
from statemerge.merging.rules import RuleSet, Tokens
from statemerge.merging.strategies import CannotApply, later_side, resolve
from statemerge.merging.values import ABSENT, same
from statemerge.pointer import format_pointer
from statemerge.records import Record

if TYPE_CHECKING:
    from statemerge.merging.answers import Answer, Answered


class MergeResult(Record):
    """The merged value (holding slots where conflicts are left) and what the merge found."""

    value: Any
    conflicts: list[Conflict]
    resolved: list[Resolution]
    holders: set[int]  # ids of the containers that hold slots
    renamed: list[str]  # records renamed by one side, merged
    answered: list[Answered]  # conflicts resolved by answers

    @property
    def clean(self) -> bool:
        """No conflict left."""
        return not self.conflicts

    def taken(self, side: str) -> Any:
        """Plain data: every conflict left taken by one side (`ours`, `theirs` or `base`)."""
        return take_side(self.value, side, self.holders)

    def with_conflict_objects(self) -> Any:
        """Plain data: every conflict left written as `{"$conflict": {...}}` in place."""
        return as_objects(self.value, self.holders)


def _is_node(value: Any) -> bool:
    """A CRDT node: an object with a `$crdt` type tag (rule 4)."""
    return isinstance(value, dict) and "$crdt" in value


def _join(ours: Any, theirs: Any, pointer: str, sources: tuple[str, str, str]) -> Any:
    """Rule 4: the join of two nodes, each checked first so an error names its side's file."""
    from statemerge import crdt  # imported only when a document holds CRDT nodes

    crdt.validate(ours, source=sources[1], pointer=pointer)
    crdt.validate(theirs, source=sources[2], pointer=pointer)
    return crdt.join(ours, theirs, pointer=pointer)


class Merger:
    """One merge's state: the rules, and the conflicts and resolutions found so far."""

    def __init__(self, rules: RuleSet | None = None, *, crdt: bool = True,
                 sources: tuple[str, str, str] = ("base", "ours", "theirs"),
                 answers: Mapping[str, Answer] | None = None) -> None:
        self.rules = rules or RuleSet()
        self.answers = answers or {}  # by conflict id
        self.answered: list[Answered] = []
        self.sources = sources  # names for errors in CRDT nodes
        self.holders: set[int] = set()  # ids of built containers that hold slots, at any depth
        self.conflicts: list[Conflict] = []
        self.resolved: list[Resolution] = []
        self.renamed: list[str] = []  # paths of records one side renamed and merged as one
        self._lww = self.rules.has_lww
        self._crdt = crdt

    # -- nodes ---------------------------------------------------------------------------------

    def node(self, base: Any, ours: Any, theirs: Any, path: Tokens, parents: Any = None) -> Any:
        """Merge one value (rule 0 first); may return ABSENT, a slot, or a merged value."""
        if same(ours, theirs) or same(theirs, base):
            return ours
        if same(ours, base):
            return theirs
        if self._lww:
            rule = self.rules.lww_at(path)
            if rule is not None:
                return self._last_writer(rule.timestamp or "", base, ours, theirs, path, parents)
        return self._changed_on_both(base, ours, theirs, path)

    def _changed_on_both(self, base: Any, ours: Any, theirs: Any, path: Tokens) -> Any:
        if self._crdt:
            ours_node, theirs_node = _is_node(ours), _is_node(theirs)
            if ours_node and theirs_node:
                return _join(ours, theirs, format_pointer(path), self.sources)
            if (ours_node or theirs_node) and ours is not ABSENT and theirs is not ABSENT:
                return self.conflict(path, "crdt/plain", base, ours, theirs)
        if isinstance(ours, dict) and isinstance(theirs, dict):
            if base is ABSENT or isinstance(base, dict):
                return self.objects(base if isinstance(base, dict) else {}, ours, theirs, path)
        elif isinstance(ours, list) and isinstance(theirs, list) and isinstance(base, list):
            from statemerge.merging.arrays import merge_arrays

            return merge_arrays(self, base, ours, theirs, path)
        elif (isinstance(ours, str) and isinstance(theirs, str) and isinstance(base, str)
              and ("\n" in base or "\n" in ours or "\n" in theirs)):
            from statemerge.merging.linemerge import merge_text

            merged = merge_text(base, ours, theirs)  # several lines: merged line by line
            if merged is not None:
                return merged
        if base is ABSENT:
            kind = "add/add"
        elif ours is ABSENT:
            kind = "delete/modify"
        elif theirs is ABSENT:
            kind = "modify/delete"
        else:
            kind = "modify/modify"
        return self.conflict(path, kind, base, ours, theirs)

    def objects(self, base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any],
                path: Tokens, *, follow_renames: bool = True) -> Any:
        """Rule 1: merge key by key over the union of keys, in the merged order. A key one side
        renamed while the other edited its object merges as one object under the new name."""
        from statemerge.merging.renames import renames

        renamed = {**renames(base, ours, theirs), **renames(base, theirs, ours)} if (
            follow_renames) else {}
        if renamed and len(set(renamed.values())) == len(renamed):
            return self._renamed_objects(base, ours, theirs, path, renamed)
        merged: dict[str, Any] = {}
        for key in _union_keys(ours, theirs, base):
            value = self.node(base.get(key, ABSENT), ours.get(key, ABSENT),
                              theirs.get(key, ABSENT), (*path, key), (base, ours, theirs))
            if value is not ABSENT:
                merged[key] = value
        order = merged_order(list(base), list(ours), list(theirs), merged)
        if order != list(merged):
            merged = {key: merged[key] for key in order}
        if len(merged) == len(ours) and all(
            merged_value is ours.get(key, ABSENT) for key, merged_value in merged.items()
        ) and list(merged) == list(ours):
            return ours
        return self.built(merged, merged.values())

    def _renamed_objects(self, base: dict[str, Any], ours: dict[str, Any],
                         theirs: dict[str, Any], path: Tokens, renamed: dict[str, str]) -> Any:
        """Rule 1 with renamed keys filed under their base names, then given their new names."""
        new_name = {old: new for new, old in renamed.items()}
        ours_filed = {renamed.get(key, key): value for key, value in ours.items()}
        theirs_filed = {renamed.get(key, key): value for key, value in theirs.items()}
        merged = self.objects(base, ours_filed, theirs_filed, path, follow_renames=False)
        self.renamed.extend(format_pointer((*path, new)) for new in renamed)
        return self.built({new_name.get(key, key): value for key, value in merged.items()},
                          merged.values())

    def built(self, container: Any, children: Any) -> Any:
        """Note a container the merge built if a slot is in it (directly or deeper), so that the
        output step visits only those containers."""
        holders = self.holders
        if any(isinstance(child, ConflictSlot | SequenceSlot) or id(child) in holders
               for child in children):
            holders.add(id(container))
        return container

    # -- conflicts and rules -------------------------------------------------------------------

    def conflict(self, path: Tokens, kind: str, base: Any, ours: Any, theirs: Any,
                 runs: dict[str, list[Any]] | None = None) -> Any:
        """Record a conflict, unless a rule resolves it; returns the value or slot to place."""
        conflict = Conflict(format_pointer(path), kind, base, ours, theirs)
        rule = self.rules.for_conflict(path) if self.rules else None
        if rule is not None and rule.strategy != "lww" and rule.strategy is not None:
            try:
                if runs is not None:
                    value: Any = _resolve_runs(rule.strategy, conflict, runs)
                else:
                    value = resolve(rule.strategy, conflict, compare=rule.compare)
            except CannotApply as reason:
                conflict.note = (f"rule {rule.path or '/'} ({rule.strategy}) could not apply: "
                                 f"{reason}")
            else:
                self.resolved.append(Resolution(conflict.path, rule.strategy, rule.path))
                return value
        if self.answers:
            answered = self._answer(conflict, runs)
            if answered is not _UNANSWERED:
                return answered
        self.conflicts.append(conflict)
        if runs is not None:
            return SequenceSlot(conflict, runs)
        return ConflictSlot(conflict)

    def _answer(self, conflict: Conflict, runs: dict[str, list[Any]] | None) -> Any:
        """The answer's value for a conflict with an answer, else _UNANSWERED."""
        from statemerge.merging.answers import Answered, Unanswerable

        answer = self.answers.get(conflict.id)
        if answer is None:
            return _UNANSWERED
        try:
            value = answer.apply(conflict, runs)
        except Unanswerable as reason:
            conflict.note = str(reason)
            return _UNANSWERED
        self.answered.append(Answered(conflict, answer))
        return value

    def _last_writer(self, timestamp: str, base: Any, ours: Any, theirs: Any, path: Tokens,
                     parents: Any) -> Any:
        """Record-level last-writer-wins: merge as usual; on conflict the later record wins."""
        mark_conflicts, mark_resolved = len(self.conflicts), len(self.resolved)
        merged = self._changed_on_both(base, ours, theirs, path)
        if len(self.conflicts) == mark_conflicts:
            return merged
        records = (ours, theirs)
        if not isinstance(ours, dict) and parents is not None:
            records = (parents[1], parents[2])  # a scalar: the timestamp is its sibling
        try:
            winner = later_side(timestamp, *records)
        except CannotApply as reason:
            note = f"rule {format_pointer(path)} (lww) could not apply: {reason}"
            for conflict in self.conflicts[mark_conflicts:]:
                conflict.note = note
            return merged
        del self.conflicts[mark_conflicts:]
        del self.resolved[mark_resolved:]
        self.resolved.append(Resolution(format_pointer(path), "lww", format_pointer(path)))
        return ours if winner == "ours" else theirs


_UNANSWERED = object()


def _resolve_runs(strategy: str, conflict: Conflict, runs: dict[str, list[Any]]) -> Any:
    """A strategy applied to a conflicting run of array elements: that side's elements."""
    if strategy not in ("ours", "theirs", "base"):
        raise CannotApply(f"{strategy} does not apply to a run of array elements.")
    return runs[strategy]


def _union_keys(ours: dict[str, Any], theirs: dict[str, Any], base: dict[str, Any]) -> list[str]:
    keys = list(ours)
    keys.extend(key for key in theirs if key not in ours)
    keys.extend(key for key in base if key not in ours and key not in theirs)
    return keys


def merge(base: Any, ours: Any, theirs: Any, rules: RuleSet | None = None, *,
          sources: tuple[str, str, str] = ("base", "ours", "theirs"),
          answers: Mapping[str, Answer] | None = None) -> MergeResult:
    """Three-way merge of plain JSON values. `base` may be ABSENT (both sides added).
    `sources` name the sides in errors (a malformed CRDT node); `answers` (by conflict id)
    resolve the conflicts they name, after the rules."""
    merger = Merger(rules, sources=sources, answers=answers)
    value = merger.node(base, ours, theirs, ())
    return MergeResult(value, merger.conflicts, merger.resolved, merger.holders, merger.renamed,
                       merger.answered)
