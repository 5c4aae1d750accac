"""Merging three documents given as bytes: parse, find the rules, merge, write the result.

The one step behind both `statemerge merge` and the git driver.
"""

from __future__ import annotations

import sys
from typing import Any

from statemerge.documents.formats import detect_format
from statemerge.documents.layout import Document, parse_document
from statemerge.errors import DuplicateKeyError, ParseError
from statemerge.mergeoutcome import CONFLICT_STYLES, ConflictStyle, MergeOptions, MergeOutcome
from statemerge.merging.markers import with_markers
from statemerge.merging.rules import RuleSet
from statemerge.merging.threeway import MergeResult, merge
from statemerge.merging.values import ABSENT

__all__ = ["CONFLICT_STYLES", "ConflictStyle", "MergeOptions", "MergeOutcome", "merge_texts"]

def merge_texts(
    base: bytes, ours: bytes, theirs: bytes, *, names: tuple[str, str, str], options: MergeOptions
) -> MergeOutcome:
    """Merge three documents (names: base, ours, theirs, for error messages).

    Raises InputError (or a subclass) for bad input, RulesError for a bad rules file.
    """
    if sys.getrecursionlimit() < 10_000:  # documents may nest 1,000 levels; a merge recurses
        sys.setrecursionlimit(10_000)
    fmt = detect_format(options.path_hint or names[1], options.fmt)
    if fmt in ("jsonc", "json5", "toml"):
        return _merge_text_format(base, ours, theirs, fmt, names, options)
    if fmt == "yaml":
        from statemerge.yamlmerge import merge_yaml

        rules, rules_path = _rules(options)
        return merge_yaml(base, ours, theirs, names=names, options=options, rules=rules,
                          rules_path=rules_path)
    pieces: dict[bytes, Any] = {}  # identical pieces of the three versions parse once
    try:
        base_doc = parse_document(base, names[0], fmt, empty_is_absent=True, cache=pieces)
        ours_doc = parse_document(ours, names[1], fmt, cache=pieces)
        # Identical bytes parse to one value: rule 0 then settles the root at once.
        if theirs == ours:
            theirs_doc = ours_doc
        elif theirs == base and base_doc.value is not ABSENT:
            theirs_doc = base_doc
        else:
            theirs_doc = parse_document(theirs, names[2], fmt, cache=pieces)
    except ParseError as error:  # a .json file with comments or trailing commas: JSONC
        if (isinstance(error, DuplicateKeyError) or options.fmt is not None
                or not _jsonc_in_json(base, ours, theirs)):
            raise
        return _merge_text_format(base, ours, theirs, "jsonc", names, options)
    rules, rules_path = _rules(options)
    result = merge(base_doc.value, ours_doc.value, theirs_doc.value, rules, sources=names,
                   answers=options.answers)
    outcome = MergeOutcome(b"", result.conflicts, result.resolved,
                           documents=(base_doc.value, ours_doc.value, theirs_doc.value),
                           rules_file=rules_path, answered=result.answered)
    if result.clean:
        outcome.output = _line_merge_if_it_holds(base, ours, theirs, result.value, ours_doc) or (
            ours_doc.render_bytes(result.value, theirs_doc))
    elif options.conflict in ("ours", "theirs"):
        outcome.resolved_by = options.conflict
        outcome.output = ours_doc.render_bytes(result.taken(options.conflict), theirs_doc)
    elif options.conflict == "object":
        outcome.output = ours_doc.render_bytes(result.with_conflict_objects())
    else:
        outcome.output = _markers(ours_doc, theirs_doc, result, options).encode()
    return outcome


def _merge_text_format(base: bytes, ours: bytes, theirs: bytes, fmt: str,
                       names: tuple[str, str, str], options: MergeOptions) -> MergeOutcome:
    from statemerge.textmerge import merge_text_format

    rules, rules_path = _rules(options)
    return merge_text_format(base, ours, theirs, fmt=fmt, names=names, options=options,
                             rules=rules, rules_path=rules_path)


def _jsonc_in_json(base: bytes, ours: bytes, theirs: bytes) -> bool:
    """Whether a side of a `.json` merge that did not parse holds comments or trailing commas."""
    from statemerge.documents.jsonc import has_jsonc_syntax

    for side in (base, ours, theirs):
        try:
            if has_jsonc_syntax(side.decode()):
                return True
        except UnicodeDecodeError:
            return False
    return False


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


def _markers(ours_doc: Document, theirs_doc: Document, result: MergeResult,
             options: MergeOptions) -> str:
    # Every side is written the same way (theirs' scalars keep theirs' spelling), so that each
    # side of the markers is exactly that side's `--conflict` document.
    ours_text = ours_doc.render(result.taken("ours"), theirs_doc)
    theirs_text = ours_doc.render(result.taken("theirs"), theirs_doc)
    base_text = ours_doc.render(result.taken("base"), theirs_doc) if options.diff3 else None
    return with_markers(ours_text, theirs_text, base=base_text, labels=options.labels,
                        marker_size=options.marker_size)


def _rules(options: MergeOptions) -> tuple[RuleSet, str | None]:
    from statemerge.rulesfile import find_rules_file, load_rules

    if options.rules_file is not None:
        path: str | None = options.rules_file
    elif options.path_hint is not None:
        path = find_rules_file(options.path_hint)
    else:
        path = None
    rules = RuleSet() if path is None else load_rules(path, merged_path=options.path_hint)
    if options.schema_file is not None:
        from statemerge.rulesfile import load_schema_rules

        rules = rules.extended(load_schema_rules(options.schema_file))
    return rules, path
