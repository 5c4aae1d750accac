"""Choosing the text of a merged file so that readers see the merged data and nothing else:
the one pipeline behind YAML (`yamlmerge`) and JSONC, JSON5 and TOML (`textmerge`).

The structural merge decides the data. The text is then chosen by one test, whether it reads
back to exactly that data:
1. the line merge (what `git merge-file` gives), byte for byte, when it is clean and holds it;
2. else ours' text with the merged values written in, combined with the line merge's other
   edits (comments theirs added elsewhere) where those do not overlap;
3. else ours' text with the merged values written in, alone;
4. else, when no text holds the data faithfully, the line merge with conflict markers, as git
   would leave it, and a conflict of kind `unwritable` that says so: never a silent change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from statemerge.merging.conflicts import Conflict
from statemerge.merging.linemerge import LineMerge, merge_lines
from statemerge.merging.markers import with_markers

if TYPE_CHECKING:
    from statemerge.mergeoutcome import MergeOptions, MergeOutcome
    from statemerge.merging.threeway import MergeResult


class Unwritable(Exception):
    """No text holds the merged data exactly."""


def faithful(lines: LineMerge, ours_text: str, side: str, write: Callable[[], str],
             holds: Callable[[str], bool], unchanged: bool = False) -> str:
    """The first of steps 1-3 (module docstring) that `holds`; `write()` gives ours' text with
    the values written in, `side` the line merge's choice where it conflicts. `unchanged` (the
    value is ours' own) takes ours' text as it is once the line merge does not hold."""
    if lines.clean:
        candidate = "".join(lines.lines())
        if holds(candidate):
            return candidate
    if unchanged:
        return ours_text
    written = write()
    combined = merge_lines(ours_text.splitlines(keepends=True), lines.lines(side),
                           written.splitlines(keepends=True))
    hybrid = "".join(_prefer_line_layout(combined))
    if hybrid != written and holds(hybrid):
        return hybrid
    if holds(written):
        return written
    raise Unwritable


def _prefer_line_layout(combined: LineMerge) -> list[str]:
    """The written text with the line merge's edits; where both touched the same lines, the
    line merge's lines when they differ only in blank lines and comments (its layout is what
    the side wrote), else the written ones."""
    out: list[str] = []
    for hunk in combined.hunks:
        if hunk.kind == "conflict" and _content(hunk.ours) == _content(hunk.theirs):
            out.extend(hunk.ours)
        elif hunk.kind in ("theirs", "conflict"):
            out.extend(hunk.theirs)
        else:
            out.extend(hunk.ours)
    return out


def _content(lines: Sequence[str]) -> list[str]:
    return [line.rstrip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def write_outcome(outcome: MergeOutcome, result: MergeResult, options: MergeOptions,
                  text_for: Callable[[Any, str], str], lines: LineMerge, note: str) -> None:
    """Fill `outcome.output` in the conflict style `options` asks for; `text_for(value, side)`
    is the faithful text of a value (raising Unwritable), `note` says why a merge was not."""
    try:
        if result.clean:
            outcome.output = text_for(result.value, "ours").encode()
        elif options.conflict in ("ours", "theirs"):
            outcome.resolved_by = options.conflict
            outcome.output = text_for(result.taken(options.conflict), options.conflict).encode()
        elif options.conflict == "object":
            outcome.output = text_for(result.with_conflict_objects(), "ours").encode()
        else:
            ours_text = text_for(result.taken("ours"), "ours")
            theirs_text = text_for(result.taken("theirs"), "theirs")
            base_text = text_for(result.taken("base"), "base") if options.diff3 else None
            outcome.output = with_markers(ours_text, theirs_text, base=base_text,
                                          labels=options.labels,
                                          marker_size=options.marker_size).encode()
    except Unwritable:
        _line_fallback(outcome, lines, options, note)


def _line_fallback(outcome: MergeOutcome, lines: LineMerge, options: MergeOptions,
                   note: str) -> None:
    """No text holds the merged data: leave what git would leave, and say so."""
    outcome.conflicts = [*outcome.conflicts, Conflict("", "unwritable", note=note)]
    if options.conflict in ("ours", "theirs"):
        outcome.resolved_by = options.conflict
        outcome.output = "".join(lines.lines(options.conflict)).encode()
    else:
        outcome.resolved_by = None
        outcome.output = lines.with_markers(options.labels, options.marker_size,
                                            options.diff3).encode()
