"""The human merge report on stderr: each conflict's path, kind, the three values, and what each
side changed in the conflicting subtree (deepdiff). Rules' resolutions are listed after.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from statemerge.merging.values import ABSENT

if TYPE_CHECKING:
    from statemerge.mergefile import MergeOutcome

_WIDTH = 70


def short(value: Any) -> str:
    """A value as compact JSON, cut to one readable line; absent values say so."""
    if value is ABSENT:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False, default=str, separators=(",", ": "))
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"


def side_changes(base: Any, side: Any) -> list[str]:
    """What one side changed against base in a conflicting subtree, one line per change."""
    if base is ABSENT:
        return ["added " + short(side)]
    if side is ABSENT:
        return ["deleted it"]
    if not isinstance(base, dict | list) or not isinstance(side, type(base)):
        return [f"{short(base)} -> {short(side)}"]
    from deepdiff import DeepDiff

    diff = DeepDiff(base, side, verbose_level=2, ignore_order=False)
    lines: list[str] = []
    for kind, changes in diff.items():
        if not isinstance(changes, dict):
            continue
        for where, change in changes.items():
            place = _pointer(str(where))
            if kind.endswith("_added"):
                lines.append(f"added {place} = {short(change)}")
            elif kind.endswith("_removed"):
                lines.append(f"removed {place}")
            elif isinstance(change, dict) and "new_value" in change:
                lines.append(f"{place}: {short(change.get('old_value'))} -> "
                             f"{short(change['new_value'])}")
            else:
                lines.append(f"{kind.replace('_', ' ')} {place}")
    return lines or ["no change"]


def _pointer(deepdiff_path: str) -> str:
    """deepdiff's `root['a'][0]` as a relative JSON Pointer `/a/0`."""
    import re

    tokens = re.findall(r"\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]", deepdiff_path)
    return "".join("/" + (key or index) for key, index in tokens) or "/"


def print_merge_report(outcome: MergeOutcome, *, labels: tuple[str, str, str]) -> None:
    """Print the report to stderr (no colour with NO_COLOR or when not a terminal)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=True, highlight=False)
    ours_label, base_label, theirs_label = labels
    if outcome.conflicts:
        taken = f" (resolved by {outcome.resolved_by})" if outcome.resolved_by else ""
        console.print(f"[bold red]{len(outcome.conflicts)} conflict(s){taken}[/]")
        for conflict in outcome.conflicts:
            table = Table(title=f"{conflict.path or '/'}  [dim]{conflict.kind}[/]",
                          title_justify="left", show_header=False, box=None, pad_edge=False)
            table.add_column(style="bold", no_wrap=True)
            table.add_column(overflow="fold")
            table.add_row(base_label, short(conflict.base))
            table.add_row(ours_label, short(conflict.ours))
            table.add_row(theirs_label, short(conflict.theirs))
            table.add_row(f"{ours_label} changed", "\n".join(side_changes(conflict.base,
                                                                          conflict.ours)))
            table.add_row(f"{theirs_label} changed", "\n".join(side_changes(conflict.base,
                                                                            conflict.theirs)))
            if conflict.note:
                table.add_row("note", conflict.note)
            table.add_row("id", conflict.id)
            console.print(table)
    if outcome.resolved:
        console.print(f"[bold green]{len(outcome.resolved)} resolved by rules[/]")
        for resolution in outcome.resolved:
            console.print(f"  {resolution.path or '/'}: {resolution.strategy} "
                          f"(rule {resolution.rule or '/'})")
    if outcome.answered:
        console.print(f"[bold green]{len(outcome.answered)} resolved by answers[/]")
        for answered in outcome.answered:
            conflict, answer = answered.conflict, answered.answer
            console.print(f"  {conflict.path or '/'}: {answer.take or 'value'} "
                          f"(id {conflict.id}, resolved_by: {answer.by})")
