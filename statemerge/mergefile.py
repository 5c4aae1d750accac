"""Merging three documents given as bytes: parse, find the rules, merge, write the result.

The one step behind both `statemerge merge` and the git driver.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from statemerge.documents.formats import detect_format
from statemerge.documents.layout import Document, parse_document
from statemerge.merging.conflicts import Conflict, Resolution
from statemerge.merging.markers import with_markers
from statemerge.merging.rules import RuleSet, find_rules_file, load_rules
from statemerge.merging.threeway import MergeResult, merge
from statemerge.merging.values import ABSENT

ConflictStyle = Literal["markers", "object", "ours", "theirs"]
CONFLICT_STYLES = ("markers", "object", "ours", "theirs")


@dataclass(frozen=True)
class MergeOptions:
    """How to merge and how to write what is left in conflict."""

    conflict: ConflictStyle = "markers"
    diff3: bool = False
    labels: tuple[str, str, str] = ("ours", "base", "theirs")  # ours, base, theirs (as git)
    marker_size: int = 7
    fmt: str | None = None  # "json" | "yaml" | None: from the file name
    rules_file: str | None = None  # an explicit rules file; None: discover next to path_hint
    path_hint: str | None = None  # the file's path (in the repository): format and rules discovery


@dataclass
class MergeOutcome:
    """The merged document and what happened on the way."""

    output: bytes
    conflicts: list[Conflict] = field(default_factory=list)
    resolved: list[Resolution] = field(default_factory=list)
    resolved_by: str | None = None  # `ours`/`theirs` when --conflict took a side
    documents: tuple[Any, Any, Any] = (None, None, None)  # base, ours, theirs values
    rules_file: str | None = None

    @property
    def clean(self) -> bool:
        """No conflict was found (rules may have resolved some)."""
        return not self.conflicts

    @property
    def exit_code(self) -> int:
        """0 when the output holds no conflict, 1 when conflicts are left in it."""
        return 0 if self.clean or self.resolved_by else 1

    def report(self) -> dict[str, Any]:
        """The `--report-json` document."""
        return {
            "clean": self.clean,
            "conflicts": [conflict.as_report(self.resolved_by) for conflict in self.conflicts],
            "resolved": [{"path": r.path, "strategy": r.strategy, "rule": r.rule}
                         for r in self.resolved],
            "rules_file": self.rules_file,
        }


def merge_texts(
    base: bytes, ours: bytes, theirs: bytes, *, names: tuple[str, str, str], options: MergeOptions
) -> MergeOutcome:
    """Merge three documents (names: base, ours, theirs, for error messages).

    Raises InputError (or a subclass) for bad input, RulesError for a bad rules file.
    """
    if sys.getrecursionlimit() < 10_000:  # documents may nest 1,000 levels; a merge recurses
        sys.setrecursionlimit(10_000)
    fmt = detect_format(options.path_hint or names[1], options.fmt)
    if fmt == "yaml":
        from statemerge.yamlmerge import merge_yaml

        rules, rules_path = _rules(options)
        return merge_yaml(base, ours, theirs, names=names, options=options, rules=rules,
                          rules_path=rules_path)
    pieces: dict[bytes, Any] = {}  # identical pieces of the three versions parse once
    base_doc = parse_document(base, names[0], fmt, empty_is_absent=True, cache=pieces)
    ours_doc = parse_document(ours, names[1], fmt, cache=pieces)
    # Identical bytes parse to one value: rule 0 then settles the root at once.
    if theirs == ours:
        theirs_doc = ours_doc
    elif theirs == base and base_doc.value is not ABSENT:
        theirs_doc = base_doc
    else:
        theirs_doc = parse_document(theirs, names[2], fmt, cache=pieces)
    rules, rules_path = _rules(options)
    result = merge(base_doc.value, ours_doc.value, theirs_doc.value, rules, sources=names)
    outcome = MergeOutcome(b"", result.conflicts, result.resolved,
                           documents=(base_doc.value, ours_doc.value, theirs_doc.value),
                           rules_file=rules_path)
    if result.clean:
        outcome.output = _line_merge_if_it_holds(base, ours, theirs, result.value, ours_doc) or (
            ours_doc.render_bytes(result.value))
    elif options.conflict in ("ours", "theirs"):
        outcome.resolved_by = options.conflict
        outcome.output = ours_doc.render_bytes(result.taken(options.conflict))
    elif options.conflict == "object":
        outcome.output = ours_doc.render_bytes(result.with_conflict_objects())
    else:
        outcome.output = _markers(ours_doc, result, options).encode()
    return outcome


LINE_MERGE_LIMIT = 1 << 20  # larger JSON files skip the line merge: the writer is exact and fast


def _line_merge_if_it_holds(base: bytes, ours: bytes, theirs: bytes, value: Any,
                            ours_doc: Document) -> bytes | None:
    """What `git merge-file` gives, when it is clean and holds exactly the merged value: then a
    side's layout edits (a reordered object, respaced lines) come through as git keeps them."""
    if len(ours) > LINE_MERGE_LIMIT or base == theirs or ours == theirs:
        return None
    from statemerge.documents.formats import parse_value
    from statemerge.errors import InputError
    from statemerge.merging.linemerge import merge_lines
    from statemerge.merging.values import same

    try:
        sides = [side.decode() for side in (base, ours, theirs)]
    except UnicodeDecodeError:
        return None
    lines = merge_lines(*(side.splitlines(keepends=True) for side in sides))
    if not lines.clean:
        return None
    merged = "".join(lines.lines()).encode()
    try:
        return merged if same(parse_value(merged, ours_doc.source, ours_doc.fmt), value) else None
    except InputError:
        return None


def _markers(ours_doc: Document, result: MergeResult, options: MergeOptions) -> str:
    ours_text = ours_doc.render(result.taken("ours"))
    theirs_text = ours_doc.render(result.taken("theirs"))
    base_text = ours_doc.render(result.taken("base")) if options.diff3 else None
    return with_markers(ours_text, theirs_text, base=base_text, labels=options.labels,
                        marker_size=options.marker_size)


def _rules(options: MergeOptions) -> tuple[RuleSet, str | None]:
    if options.rules_file is not None:
        path: Path | None = Path(options.rules_file)
    elif options.path_hint is not None:
        path = find_rules_file(Path(options.path_hint))
    else:
        path = None
    if path is None:
        return RuleSet(), None
    return load_rules(path, merged_path=options.path_hint), str(path)
