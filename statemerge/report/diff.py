"""`statemerge diff`: the structural difference of two documents (deepdiff), for people and as JSON.

Paths are JSON Pointers. Array elements are matched by a sequence diff, so one element inserted at
the front is one addition, not a change of every element after it.
"""

from __future__ import annotations

import json
from typing import IO, Any

from statemerge.records import Record

ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "ABSENT"})()

_KINDS = {
    "dictionary_item_added": "added",
    "iterable_item_added": "added",
    "dictionary_item_removed": "removed",
    "iterable_item_removed": "removed",
}


class Change(Record):
    """One difference at a JSON Pointer: `added` (no old), `removed` (no new), or `changed`."""

    kind: str
    path: str
    old: Any = ABSENT
    new: Any = ABSENT

    def as_json(self) -> dict[str, Any]:
        """`{"path", "kind", "old", "new"}`, an absent side left out."""
        entry: dict[str, Any] = {"path": self.path, "kind": self.kind}
        if self.old is not ABSENT:
            entry["old"] = self.old
        if self.new is not ABSENT:
            entry["new"] = self.new
        return entry


def structural_diff(old: Any, new: Any) -> list[Change]:
    """What changed from `old` to `new`, in path order (`true` differs from `1`, `1` from `1.0`)."""
    from statemerge.jsonvalue import same

    if same(old, new):  # equal data: no need to load deepdiff (and pydantic) at all
        return []
    from deepdiff import DeepDiff
    from deepdiff.helper import notpresent

    from statemerge.pointer import format_pointer

    tree = DeepDiff(old, new, view="tree", verbose_level=2)
    changes = []
    for report_type, levels in tree.items():
        kind = _KINDS.get(report_type, "changed")
        for level in levels:
            tokens = level.path(output_format="list")
            changes.append(
                Change(
                    kind,
                    format_pointer(tokens),
                    ABSENT if level.t1 is notpresent else level.t1,
                    ABSENT if level.t2 is notpresent else level.t2,
                )
            )
    return sorted(changes, key=lambda change: _order(change.path))


def _order(pointer: str) -> list[tuple[int, int, str]]:
    """Sort key: array indexes numerically, keys alphabetically."""
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in pointer.split("/")[1:]]


def diff_json(changes: list[Change]) -> str:
    """`{"same": bool, "changes": [{"path", "kind", "old", "new"}]}`."""
    document = {"same": not changes, "changes": [change.as_json() for change in changes]}
    return json.dumps(document, indent=2, ensure_ascii=False, default=str)


def render_diff(changes: list[Change], names: tuple[str, str], stream: IO[str]) -> None:
    """One line per change: `~ /path: old -> new`, `+ /path: new`, `- /path: old`."""
    if not changes:
        stream.write(f"{names[0]} and {names[1]} hold the same data.\n")
        return
    from rich.text import Text

    from statemerge.report import verbatim_console

    console = verbatim_console(stream)
    for change in changes:
        line = Text()
        path = change.path or "(root)"
        if change.kind == "added":
            line.append(f"+ {path}: ", style="green bold")
            line.append(_show(change.new), style="green")
        elif change.kind == "removed":
            line.append(f"- {path}: ", style="red bold")
            line.append(_show(change.old), style="red")
        else:
            line.append(f"~ {path}: ", style="yellow bold")
            line.append(_show(change.old), style="red")
            line.append(" -> ")
            line.append(_show(change.new), style="green")
        console.print(line)
    kinds = ("changed", "added", "removed")
    counts = [(sum(change.kind == kind for change in changes), kind) for kind in kinds]
    described = ", ".join(f"{count} {kind}" for count, kind in counts if count)
    console.print(f"{names[0]} -> {names[1]}: {described}.", style="bold")


def _show(value: Any, limit: int = 120) -> str:
    """A value as compact JSON, cut short when long."""
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
