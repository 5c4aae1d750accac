"""Merging three YAML texts so that readers see the merged data and nothing else.

The structural merge decides the data. The text is then chosen by one test, whether it reads
back to exactly that data:
1. the line merge (what `git merge-file` gives), byte for byte, when it is clean and holds it;
2. else ours' text with the merged nodes written in (`SpanWriter`), combined with the line
   merge's other edits (comments theirs added elsewhere) where those do not overlap;
3. else ours' text with the merged nodes written in, alone;
4. else, when no text holds the data faithfully, the line merge with conflict markers, as git
   would leave it: never a silent change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from statemerge.documents.jsontext import decode
from statemerge.documents.yamldoc import (
    Mode,
    YamlSide,
    document_mode,
    holds,
    parse_side,
    render,
    side_value,
)
from statemerge.merging.conflicts import Conflict
from statemerge.merging.linemerge import LineMerge, merge_lines
from statemerge.merging.markers import with_markers
from statemerge.merging.rules import RuleSet
from statemerge.merging.threeway import merge
from statemerge.merging.values import ABSENT

if TYPE_CHECKING:
    from statemerge.mergeoutcome import MergeOptions, MergeOutcome


class _Unwritable(Exception):
    """No text holds the merged data exactly."""


class _Texts:
    """The three sides of one YAML merge and the choice of the text to write."""

    def __init__(self, base: YamlSide | None, ours: YamlSide, theirs: YamlSide, mode: Mode
                 ) -> None:
        self.ours, self.theirs, self.mode = ours, theirs, mode
        base_lines = base.text.splitlines(keepends=True) if base is not None else []
        self.lines = merge_lines(base_lines, ours.text.splitlines(keepends=True),
                                 theirs.text.splitlines(keepends=True))
        self.ours_lines = ours.text.splitlines(keepends=True)

    def faithful(self, value: Any, side: str = "ours", peer: YamlSide | None = None) -> str:
        """The best text that reads back to exactly `value` (see the module docstring)."""
        source = self.ours.source
        if self.lines.clean:
            candidate = "".join(self.lines.lines())
            if holds(candidate, value, self.mode, source):
                return candidate
        written = render(value, self.ours, peer or self.theirs, self.mode)
        combined = merge_lines(self.ours_lines, self.lines.lines(side),
                               written.splitlines(keepends=True))
        hybrid = "".join(_prefer_line_layout(combined))
        if hybrid != written and holds(hybrid, value, self.mode, source):
            return hybrid
        if holds(written, value, self.mode, source):
            return written
        raise _Unwritable


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


def merge_yaml(base: bytes, ours: bytes, theirs: bytes, *, names: tuple[str, str, str],
               options: MergeOptions, rules: RuleSet, rules_path: str | None) -> MergeOutcome:
    """Merge three YAML files (see the module docstring); bad input raises InputError."""
    from statemerge.mergeoutcome import MergeOutcome, settled_by_bytes

    base_text = decode(base, names[0])
    base_side = None if not base_text.strip() else parse_side(base_text, names[0])
    ours_side = parse_side(decode(ours, names[1]), names[1])
    theirs_side = ours_side if theirs == ours else parse_side(decode(theirs, names[2]), names[2])
    mode = document_mode([base_side, ours_side, theirs_side])
    values = (side_value(base_side, mode) if base_side is not None else ABSENT,
              side_value(ours_side, mode), side_value(theirs_side, mode))
    result = merge(*values, rules, sources=names, answers=options.answers)
    outcome = MergeOutcome(b"", result.conflicts, result.resolved, documents=values,
                           rules_file=rules_path, answered=result.answered)
    settled = settled_by_bytes(base, ours, theirs, result.clean)
    if settled is not None:
        outcome.output = settled
        return outcome
    texts = _Texts(base_side, ours_side, theirs_side, mode)
    if not options.diff3:
        base_side = None  # base's nodes are not written from: free them before the read-backs
    try:
        if result.clean:
            outcome.output = texts.faithful(result.value).encode()
        elif options.conflict in ("ours", "theirs"):
            outcome.resolved_by = options.conflict
            outcome.output = texts.faithful(result.taken(options.conflict),
                                            options.conflict).encode()
        elif options.conflict == "object":
            outcome.output = texts.faithful(result.with_conflict_objects()).encode()
        else:
            ours_text = texts.faithful(result.taken("ours"), "ours")
            theirs_text = texts.faithful(result.taken("theirs"), "theirs")
            base_text_out = None
            if options.diff3:
                base_text_out = texts.faithful(result.taken("base"), "base", peer=base_side)
            outcome.output = with_markers(ours_text, theirs_text, base=base_text_out,
                                          labels=options.labels,
                                          marker_size=options.marker_size).encode()
    except _Unwritable:
        _line_fallback(outcome, texts.lines, options)
    return outcome


_UNWRITABLE = ("the merged YAML could not be written faithfully (anchors, aliases or layout it "
               "cannot keep); the lines are merged as git would.")


def _line_fallback(outcome: MergeOutcome, lines: LineMerge, options: MergeOptions,
                   note: str = _UNWRITABLE) -> None:
    """No text holds the merged data: leave what git would leave, and say so (also for the
    formats of `textmerge`, with their own `note`)."""
    outcome.conflicts = [*outcome.conflicts, Conflict("", "unwritable", note=note)]
    if options.conflict in ("ours", "theirs"):
        outcome.resolved_by = options.conflict
        outcome.output = "".join(lines.lines(options.conflict)).encode()
    else:
        outcome.resolved_by = None
        outcome.output = lines.with_markers(options.labels, options.marker_size,
                                            options.diff3).encode()
