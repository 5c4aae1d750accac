"""Rule 2 of merge.md: arrays merge as keyed maps, as sequences (diff3 over elements), as sets
(`union`) or as one value (`atomic`).

A sequence merge diffs each side against base. An edit replaces or deletes a run of base
elements, or inserts between two of them. Edits of overlapping runs by both sides conflict,
unless they are the same edit or both edit the same records in place (runs of one length, all
objects: then the records merge field by field). Insertions never conflict (except in strict
`sequence` mode, at one place): both are kept, ours first, an identical one once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from statemerge.jsonvalue import KEY_FIELDS
from statemerge.merging.diff import opcodes
from statemerge.merging.listkeys import ListKey, first_key, kubernetes_keys
from statemerge.merging.ordering import merged_order
from statemerge.merging.renames import follow_renames
from statemerge.merging.rules import Rule, Tokens
from statemerge.merging.strategies import union
from statemerge.merging.values import ABSENT, identity, same

if TYPE_CHECKING:
    from statemerge.merging.threeway import Merger



def merge_arrays(merger: Merger, base: list[Any], ours: list[Any], theirs: list[Any],
                 path: Tokens) -> Any:
    """Merge an array both sides changed, by the mode a rule names or the one that fits."""
    rule = merger.rules.list_rule(path) if merger.rules else None
    mode = None if rule is None else (rule.list_mode or "union")
    if mode == "atomic":
        return merger.conflict(path, "modify/modify", base, ours, theirs)
    if mode == "union":
        return union(base, ours, theirs)
    if mode in (None, "keyed"):
        key = first_key((base, ours, theirs), _candidates(rule, path))
        if key is not None:
            return merge_keyed(merger, key, base, ours, theirs, path)
    return merge_sequence(merger, base, ours, theirs, path, strict=mode == "sequence")


def _candidates(rule: Rule | None, path: Tokens) -> tuple[ListKey, ...]:
    """The identities to try: the rule's key, else Kubernetes' for this list, else the usual."""
    if rule is not None and rule.keys:
        return (ListKey(rule.keys),)
    if rule is not None and rule.key:
        return (ListKey((rule.key,)),)
    return (*kubernetes_keys(path), *_USUAL)


_USUAL = tuple(ListKey((name,)) for name in KEY_FIELDS)


def merge_keyed(merger: Merger, key: ListKey, base: list[Any], ours: list[Any],
                theirs: list[Any], path: Tokens) -> Any:
    """An array of records merged as an ordered map from each record's identity."""
    by_base, by_ours, by_theirs = (
        {key.of(element): element for element in version} for version in (base, ours, theirs))
    if key.plain_field is not None:
        by_ours = follow_renames(by_base, by_ours, by_theirs, key.plain_field)
        by_theirs = follow_renames(by_base, by_theirs, by_ours, key.plain_field)
    if len(by_ours) + len(by_theirs) != len(ours) + len(theirs):
        by_ours, by_theirs = (  # two renames onto one base record: leave them as they are
            {key.of(element): element for element in version} for version in (ours, theirs))
    keys = list(by_ours)
    keys.extend(key for key in by_theirs if key not in by_ours)
    keys.extend(key for key in by_base if key not in by_ours and key not in by_theirs)
    settled = {key: _rule_zero(by_base.get(key, ABSENT), by_ours.get(key, ABSENT),
                               by_theirs.get(key, ABSENT)) for key in keys}
    kept = {key for key, value in settled.items() if value is not ABSENT}
    merged: list[Any] = []
    for key in merged_order(list(by_base), list(by_ours), list(by_theirs), kept):
        value = settled[key]
        if value is _BOTH_CHANGED:
            value = merger.node(by_base.get(key, ABSENT), by_ours.get(key, ABSENT),
                                by_theirs.get(key, ABSENT), (*path, str(len(merged))))
        if value is not ABSENT:
            merged.append(value)
    return ours if _is_same_list(merged, ours) else merger.built(merged, merged)


_BOTH_CHANGED = object()


def _rule_zero(base: Any, ours: Any, theirs: Any) -> Any:
    """What rule 0 settles for an item (ABSENT: dropped), or _BOTH_CHANGED."""
    if same(ours, theirs) or same(theirs, base):
        return ours
    if same(ours, base):
        return theirs
    return _BOTH_CHANGED


def _is_same_list(merged: list[Any], ours: list[Any]) -> bool:
    return len(merged) == len(ours) and all(a is b for a, b in zip(merged, ours, strict=True))


class _Cluster:
    """Overlapping edits of base[start:end] by one or both sides."""

    __slots__ = ("edits", "end", "start")

    def __init__(self, start: int, end: int, edits: list[tuple[str, int, int, list[Any]]]
                 ) -> None:
        self.start = start
        self.end = end
        self.edits = edits

    def sides(self) -> set[str]:
        return {side for side, *_ in self.edits}


def _edits(base_keys: list[Any], side_keys: list[Any], side: list[Any]
           ) -> list[tuple[int, int, list[Any]]]:
    """A side's edits of base: (start, end, replacement), sorted and disjoint."""
    prefix = 0
    limit = min(len(base_keys), len(side_keys))
    while prefix < limit and base_keys[prefix] == side_keys[prefix]:
        prefix += 1
    suffix = 0
    while (suffix < limit - prefix
           and base_keys[-1 - suffix] == side_keys[-1 - suffix]):
        suffix += 1
    middle_base = base_keys[prefix:len(base_keys) - suffix]
    middle_side = side_keys[prefix:len(side_keys) - suffix]
    return [(prefix + i1, prefix + i2, side[prefix + j1:prefix + j2])
            for tag, i1, i2, j1, j2 in opcodes(middle_base, middle_side) if tag != "equal"]


def merge_sequence(merger: Merger, base: list[Any], ours: list[Any], theirs: list[Any],
                   path: Tokens, *, strict: bool = False) -> Any:
    """Diff3 over elements, as the module docstring says."""
    base_keys = [identity(element) for element in base]
    sides = {
        "ours": _edits(base_keys, [identity(element) for element in ours], ours),
        "theirs": _edits(base_keys, [identity(element) for element in theirs], theirs),
    }
    inserts: dict[str, dict[int, list[Any]]] = {name: {} for name in sides}
    ranges: list[tuple[str, int, int, list[Any]]] = []
    for name, edits in sides.items():
        for start, end, replacement in edits:
            if start == end:
                inserts[name][start] = replacement
            else:
                ranges.append((name, start, end, replacement))
    clusters: list[_Cluster] = []
    for edit in sorted(ranges, key=lambda edit: (edit[1], edit[2])):
        if clusters and edit[1] < clusters[-1].end:
            clusters[-1].end = max(clusters[-1].end, edit[2])
            clusters[-1].edits.append(edit)
        else:
            clusters.append(_Cluster(edit[1], edit[2], [edit]))

    merged: list[Any] = []
    position, next_cluster = 0, 0
    while True:
        _place_inserts(merger, merged, inserts["ours"].pop(position, None),
                       inserts["theirs"].pop(position, None), base, path, strict)
        if position == len(base):
            break
        if next_cluster < len(clusters) and clusters[next_cluster].start == position:
            cluster = clusters[next_cluster]
            _place_cluster(merger, merged, cluster, base, inserts, path)
            position, next_cluster = cluster.end, next_cluster + 1
        else:
            merged.append(base[position])
            position += 1
    return ours if _is_same_list(merged, ours) else merger.built(merged, merged)


def _place_inserts(merger: Merger, merged: list[Any], ours: list[Any] | None,
                   theirs: list[Any] | None, base: list[Any], path: Tokens,
                   strict: bool) -> None:
    if ours is not None and theirs is not None:
        if same(ours, theirs):
            merged.extend(ours)
        elif strict:
            runs = {"base": [], "ours": ours, "theirs": theirs}
            _place(merged, merger.conflict(path, "sequence", [], ours, theirs, runs))
        else:
            merged.extend(ours)
            merged.extend(theirs)
    elif ours is not None:
        merged.extend(ours)
    elif theirs is not None:
        merged.extend(theirs)


def _place_cluster(merger: Merger, merged: list[Any], cluster: _Cluster, base: list[Any],
                   inserts: dict[str, dict[int, list[Any]]], path: Tokens) -> None:
    """Place one cluster's result, taking the insertions strictly inside it."""
    inside = {name: {position: inserts[name].pop(position)
                     for position in list(inserts[name]) if cluster.start < position < cluster.end}
              for name in inserts}
    editing = cluster.sides()
    if len(editing) == 1:
        (side,) = editing
        merged.extend(_apply(base, cluster, side, inside[side]))
        other = "theirs" if side == "ours" else "ours"
        for position in sorted(inside[other]):  # inserted inside a run the other side replaced
            merged.extend(inside[other][position])
        return
    runs = {"base": base[cluster.start:cluster.end],
            "ours": _apply(base, cluster, "ours", inside["ours"]),
            "theirs": _apply(base, cluster, "theirs", inside["theirs"])}
    if same(runs["ours"], runs["theirs"]):
        merged.extend(runs["ours"])
    elif len(runs["base"]) == len(runs["ours"]) == len(runs["theirs"]) and all(
        isinstance(item, dict) for run in runs.values() for item in run
    ):  # records edited in place by both sides: merge them field by field
        for base_item, ours_item, theirs_item in zip(*runs.values(), strict=True):
            value = merger.node(base_item, ours_item, theirs_item, (*path, str(len(merged))))
            if value is not ABSENT:
                merged.append(value)
    else:
        _place(merged, merger.conflict(path, "sequence", runs["base"], runs["ours"],
                                       runs["theirs"], runs))


def _apply(base: list[Any], cluster: _Cluster, side: str, inside: dict[int, list[Any]]
           ) -> list[Any]:
    """base[cluster] with one side's edits (and insertions inside it) applied."""
    run: list[Any] = []
    position = cluster.start
    edits = sorted((start, end, replacement) for name, start, end, replacement in cluster.edits
                   if name == side)
    for start, end, replacement in edits:
        while position < start:
            run.extend(inside.get(position, ()))
            run.append(base[position])
            position += 1
        run.extend(inside.get(position, ()) if position > cluster.start else ())
        run.extend(replacement)
        position = end
    while position < cluster.end:
        run.extend(inside.get(position, ()) if position > cluster.start else ())
        run.append(base[position])
        position += 1
    return run


def _place(merged: list[Any], value: Any) -> None:
    """A resolved run (a list) is spliced in; a slot stands as one element."""
    if isinstance(value, list):
        merged.extend(value)
    else:
        merged.append(value)
