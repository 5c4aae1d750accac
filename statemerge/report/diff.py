"""`statemerge diff`: the structural difference of two documents, for people and as JSON.

Paths are JSON Pointers. Array elements are matched by a sequence diff, so one element inserted at
the front is one addition, not a change of every element after it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "ABSENT"})()


@dataclass(frozen=True)
class Change:
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
    from statemerge.pointer import format_pointer

    changes: list[Change] = []
    for kind, tokens, before, after in differences(old, new, []):
        changes.append(Change(kind, format_pointer(tokens), before, after))
    return sorted(changes, key=lambda change: _order(change.path))


def differences(
    old: Any, new: Any, path: list[Any]
) -> Iterator[tuple[str, list[Any], Any, Any]]:
    """(kind, path tokens, old, new) for each difference below `path`: `added`, `removed` or
    `changed`; array elements are matched by a sequence diff."""
    from statemerge.merging.values import identity

    if isinstance(old, dict) and isinstance(new, dict):
        for key in old:
            if key not in new:
                yield "removed", [*path, key], old[key], ABSENT
            else:
                yield from differences(old[key], new[key], [*path, key])
        for key in new:
            if key not in old:
                yield "added", [*path, key], ABSENT, new[key]
    elif isinstance(old, list) and isinstance(new, list):
        from statemerge.merging.diff import opcodes

        for tag, a_start, a_end, b_start, b_end in opcodes([identity(item) for item in old],
                                                           [identity(item) for item in new]):
            if tag == "equal":
                continue
            paired = min(a_end - a_start, b_end - b_start)
            for offset in range(paired):
                yield from differences(old[a_start + offset], new[b_start + offset],
                                 [*path, b_start + offset])
            for index in range(a_start + paired, a_end):
                yield "removed", [*path, index], old[index], ABSENT
            for index in range(b_start + paired, b_end):
                yield "added", [*path, index], ABSENT, new[index]
    elif identity(old) != identity(new):
        yield "changed", path, old, new


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
