"""The human merge report on stderr: each conflict's path, kind, the three values, and what each
side changed in the conflicting subtree (deepdiff; a line diff for multi-line strings). Rules'
resolutions are listed after.

Values are printed verbatim (never read as rich markup), a path is never broken across lines,
and a long string is shown as a window around the first place where the sides differ.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from statemerge.merging.values import ABSENT

if TYPE_CHECKING:
    from statemerge.mergefile import MergeOutcome

_WIDTH = 70
_CONTEXT = 20  # characters shown before the first difference of a long string
_DIFF_LINES = 12  # lines of a multi-line string's diff shown per side


def short(value: Any, start: int = 0, width: int = _WIDTH) -> str:
    """A value as compact JSON cut to `width` columns; a long string from character `start` on.

    A cut is marked with `…` (inside the quotes for a string); absent values say so.
    """
    if value is ABSENT:
        return "(absent)"
    if isinstance(value, str) and len(json.dumps(value, ensure_ascii=False)) > width:
        return _string_window(value, start, width)
    text = json.dumps(value, ensure_ascii=False, default=str, separators=(",", ": "))
    return text if len(text) <= width else text[: width - 1] + "…"


def _string_window(text: str, start: int, width: int) -> str:
    """About `width` columns of a long string from `start`, as JSON with `…` where it is cut."""
    start = min(start, max(len(text) - 1, 0))
    head = "…" if start else ""
    room = width - 3 - len(head)  # the quotes and the closing `…`
    end, used = start, 0
    while end < len(text):
        used += len(json.dumps(text[end], ensure_ascii=False)) - 2
        if used > room:
            break
        end += 1
    tail = "…" if end < len(text) else ""
    return '"' + head + json.dumps(text[start:end], ensure_ascii=False)[1:-1] + tail + '"'


def first_difference(values: list[Any]) -> int:
    """Where the strings among `values` first differ (0 when fewer than two are strings)."""
    texts = [value for value in values if isinstance(value, str)]
    if len(texts) < 2:
        return 0
    shortest = min(len(text) for text in texts)
    for index in range(shortest):
        if len({text[index] for text in texts}) > 1:
            return index
    return shortest


def side_changes(base: Any, side: Any, width: int = _WIDTH) -> list[str]:
    """What one side changed against base in a conflicting subtree, one line per change."""
    if base is ABSENT:
        return ["added " + short(side, width=width - 6)]
    if side is ABSENT:
        return ["deleted it"]
    if isinstance(base, str) and isinstance(side, str) and "\n" in base + side:
        return _line_diff(base, side)
    if not isinstance(base, dict | list) or not isinstance(side, type(base)):
        start = max(first_difference([base, side]) - _CONTEXT, 0)
        old, new = short(base, start, width), short(side, start, width - 3)
        return [f"{old} -> {new}"] if len(old) + len(new) + 4 <= width else [old, f"-> {new}"]
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


def _line_diff(base: str, side: str) -> list[str]:
    """A unified line diff of a multi-line string (`@@ -L +L @@`, `-old`, `+new`), cut short."""
    import difflib

    lines = list(difflib.unified_diff(base.splitlines(), side.splitlines(), lineterm="", n=0))[2:]
    if not lines:
        return ["no change"]
    if len(lines) > _DIFF_LINES:
        lines = [*lines[: _DIFF_LINES - 1], f"… {len(lines) - _DIFF_LINES + 1} more diff lines"]
    return lines


def _pointer(deepdiff_path: str) -> str:
    """deepdiff's `root['a'][0]` as a relative JSON Pointer `/a/0`."""
    import re

    tokens = re.findall(r"\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]", deepdiff_path)
    return "".join("/" + (key or index) for key, index in tokens) or "/"


Line = list[tuple[str, str]]  # one report line: (text, rich style; "" for none) segments


def print_merge_report(outcome: MergeOutcome, *, labels: tuple[str, str, str]) -> None:
    """Print the report to stderr: through rich on a terminal (no colour with NO_COLOR), as
    plain text otherwise (git's driver, scripts, CI), which spares loading rich (about 25 ms)."""
    import os
    import sys

    stream = sys.stderr
    if stream.isatty() or os.environ.get("FORCE_COLOR"):
        from rich.text import Text

        from statemerge.report import verbatim_console

        console = verbatim_console(stderr=True)
        for line in report_lines(outcome, labels, console.width):
            console.print(Text.assemble(*line), soft_wrap=True)  # a path stays on one line
    else:
        columns = os.environ.get("COLUMNS", "")
        width = int(columns) if columns.isdigit() else 80  # as rich when not on a terminal
        stream.write("".join("".join(text for text, _ in line) + "\n"
                             for line in report_lines(outcome, labels, width)))


def report_lines(outcome: MergeOutcome, labels: tuple[str, str, str], width: int) -> list[Line]:
    """The report's lines for a terminal `width` columns wide."""
    ours_label, base_label, theirs_label = labels
    lines: list[Line] = []
    if outcome.conflicts:
        taken = f" (resolved by {outcome.resolved_by})" if outcome.resolved_by else ""
        lines.append([(f"{len(outcome.conflicts)} conflict(s){taken}", "bold red")])
        names = (base_label, ours_label, theirs_label, f"{ours_label} changed",
                 f"{theirs_label} changed")
        indent = max(len(name) for name in names) + 2
        room = max(width - indent, 20)
        for conflict in outcome.conflicts:
            lines.append([(conflict.path or "/", "bold"), (f"  {conflict.kind}", "dim")])
            sides = [conflict.base, conflict.ours, conflict.theirs]
            start = max(first_difference(sides) - _CONTEXT, 0)
            rows = [
                (base_label, [short(conflict.base, start, room)]),
                (ours_label, [short(conflict.ours, start, room)]),
                (theirs_label, [short(conflict.theirs, start, room)]),
                (names[3], side_changes(conflict.base, conflict.ours, room)),
                (names[4], side_changes(conflict.base, conflict.theirs, room)),
            ]
            if conflict.note:
                rows.append(("note", [conflict.note]))
            rows.append(("id", [conflict.id]))
            for name, texts in rows:
                for number, text in enumerate(texts):
                    lines.append([(name.ljust(indent) if number == 0 else " " * indent, "bold"),
                                  (text, "")])
    if outcome.resolved:
        lines.append([(f"{len(outcome.resolved)} resolved by rules", "bold green")])
        lines += [[(f"  {resolution.path or '/'}: {resolution.strategy} "
                    f"(rule {resolution.rule or '/'})", "")] for resolution in outcome.resolved]
    if outcome.answered:
        lines.append([(f"{len(outcome.answered)} resolved by answers", "bold green")])
        lines += [[(f"  {item.conflict.path or '/'}: {item.answer.take or 'value'} "
                    f"(id {item.conflict.id}, resolved_by: {item.answer.by})", "")]
                  for item in outcome.answered]
    return lines
