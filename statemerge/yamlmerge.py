"""Merging three YAML texts so that readers see the merged data and nothing else.

The structural merge decides the data; `textchoice` chooses the text (git's line merge when it
holds the data, else ours' text with the merged nodes written in by `SpanWriter`, every candidate
read back first).
"""

from __future__ import annotations

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
from statemerge.merging.linemerge import merge_lines
from statemerge.merging.rules import RuleSet
from statemerge.merging.threeway import merge
from statemerge.merging.values import ABSENT
from statemerge.textchoice import faithful, write_outcome

if TYPE_CHECKING:
    from statemerge.mergeoutcome import MergeOptions, MergeOutcome


class _Texts:
    """The three sides of one YAML merge and the choice of the text to write."""

    def __init__(self, base: YamlSide | None, ours: YamlSide, theirs: YamlSide, mode: Mode
                 ) -> None:
        self.ours, self.theirs, self.mode = ours, theirs, mode
        base_lines = base.text.splitlines(keepends=True) if base is not None else []
        self.lines = merge_lines(base_lines, ours.text.splitlines(keepends=True),
                                 theirs.text.splitlines(keepends=True))

    def faithful(self, value: Any, side: str = "ours", peer: YamlSide | None = None) -> str:
        """The best text that reads back to exactly `value` (see `textchoice`)."""
        return faithful(self.lines, self.ours.text, side,
                        lambda: render(value, self.ours, peer or self.theirs, self.mode),
                        lambda text: holds(text, value, self.mode, self.ours.source))


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
    write_outcome(outcome, result, options, lambda value, side: texts.faithful(
        value, side, peer=base_side if side == "base" else None), texts.lines, _UNWRITABLE)
    return outcome


_UNWRITABLE = ("the merged YAML could not be written faithfully (anchors, aliases or layout it "
               "cannot keep); the lines are merged as git would.")
