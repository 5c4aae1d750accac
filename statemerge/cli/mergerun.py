"""The body of `statemerge merge`, shared by the Typer command and the fast entry path.

It imports neither typer nor rich: a clean merge of small files must start fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from statemerge.errors import StatemergeError, UsageError, error_line
from statemerge.records import Record

if TYPE_CHECKING:
    from statemerge.mergeoutcome import MergeOptions, MergeOutcome


class MergeRequest(Record):
    """What `statemerge merge` was asked to do."""

    base: str
    ours: str
    theirs: str
    output: str | None = None
    fmt: str | None = None
    rules: str | None = None
    schema: str | None = None
    conflict: str = "markers"
    diff3: bool = False
    labels: tuple[str, ...] = ()
    marker_size: int = 7
    report_json: str | None = None
    quiet: bool = False
    resolutions: str | None = None  # remembered answers (default: the repository's, if any)
    remember: bool = True


DEFAULTS = MergeRequest("", "", "")

# The options of `statemerge merge`, defined once for the Typer command and the fast parser: the
# request field each one sets, and its names. Choices come from CONFLICT_STYLES and FORMATS.
VALUED_OPTIONS: dict[str, tuple[str, ...]] = {
    "output": ("-o", "--output"),
    "fmt": ("--format",),
    "rules": ("--rules",),
    "schema": ("--schema",),
    "conflict": ("--conflict",),
    "labels": ("-L", "--label"),
    "marker_size": ("--marker-size",),
    "report_json": ("--report-json",),
    "resolutions": ("--resolutions",),
}
FLAG_OPTIONS: dict[str, tuple[str, ...]] = {"diff3": ("--diff3",), "quiet": ("-q", "--quiet")}
PATH_FIELDS = ("output", "rules", "report_json", "resolutions", "schema")


def merge_request(
    base: str | os.PathLike[str],
    ours: str | os.PathLike[str],
    theirs: str | os.PathLike[str],
    *,
    output: str | os.PathLike[str] | None = None,
    fmt: str | None = None,
    rules: str | os.PathLike[str] | None = None,
    conflict: str = DEFAULTS.conflict,
    diff3: bool = DEFAULTS.diff3,
    labels: Sequence[str] = (),
    marker_size: int = DEFAULTS.marker_size,
    report_json: str | os.PathLike[str] | None = None,
    quiet: bool = DEFAULTS.quiet,
    resolutions: str | os.PathLike[str] | None = None,
    remember: bool = DEFAULTS.remember,
    schema: str | os.PathLike[str] | None = None,
) -> MergeRequest:
    """The request for `merge` from either parser, paths as they were given (as git spells
    them in its messages: `./a//b` stays `./a//b`)."""
    return MergeRequest(
        _path(base), _path(ours), _path(theirs), output=_path_or_none(output), fmt=fmt,
        rules=_path_or_none(rules), conflict=conflict, diff3=diff3, labels=tuple(labels),
        marker_size=marker_size, report_json=_path_or_none(report_json), quiet=quiet,
        resolutions=_path_or_none(resolutions), remember=remember,
        schema=_path_or_none(schema),
    )


def _path(name: str | os.PathLike[str]) -> str:
    return os.fspath(name)


def _path_or_none(name: str | os.PathLike[str] | None) -> str | None:
    return None if name is None else os.fspath(name)


def run_merge(request: MergeRequest) -> int:
    """Merge, write the result and reports; return the exit code (errors: one stderr line;
    anything unexpected: an `internal error` line and exit 3)."""
    from statemerge.failures import report_error, report_internal_error, tolerant_streams

    tolerant_streams()
    try:
        return _run(request)
    except StatemergeError as error:
        return report_error(error)
    except Exception as error:
        return report_internal_error(error)


def _run(request: MergeRequest) -> int:
    from statemerge.documents import read_bytes, write_atomic
    from statemerge.documents.atomic import check_writable
    from statemerge.mergefile import MergeOptions
    from statemerge.merging.styles import CONFLICT_STYLES

    if request.conflict not in CONFLICT_STYLES:
        raise UsageError(f"--conflict must be one of {', '.join(CONFLICT_STYLES)}.")
    if request.marker_size < 1:
        raise UsageError("--marker-size must be at least 1.")
    if len(request.labels) > 3:
        raise UsageError("-L/--label is given at most three times (ours, base, theirs).")
    labels = (*request.labels, *("ours", "base", "theirs")[len(request.labels):])
    names = (request.base, request.ours, request.theirs)
    sides = tuple(read_bytes(name) for name in names)
    options = MergeOptions(conflict=request.conflict, diff3=request.diff3,
                           labels=(labels[0], labels[1], labels[2]),
                           marker_size=request.marker_size, fmt=request.fmt,
                           rules_file=request.rules, path_hint=request.ours,
                           schema_file=request.schema)
    outcome = _merge(request, (sides[0], sides[1], sides[2]), names, options)
    for target in (request.report_json, request.output):
        if target is not None:
            check_writable(target)  # neither is written when the other cannot be
    if request.report_json is not None:
        import json

        from statemerge.jsonvalue import escape_surrogates
        from statemerge.merging.values import json_default

        report = escape_surrogates(json.dumps(outcome.report(), indent=2, ensure_ascii=False,
                                              default=json_default)) + "\n"
        write_atomic(request.report_json, report.encode())
    if request.output is not None:
        write_atomic(request.output, outcome.output)
    else:
        sys.stdout.buffer.write(outcome.output)
        sys.stdout.flush()
    if outcome.resolved and outcome.rules_file:  # rules decide silently otherwise: say so
        from statemerge.rulesfile import rules_notice

        notice = rules_notice(request.ours, outcome.rules_file, len(outcome.resolved))
        sys.stderr.write(error_line(notice) + "\n")
    if not request.quiet and (outcome.conflicts or outcome.resolved or outcome.answered):
        from statemerge.report.merge import print_merge_report

        print_merge_report(outcome, labels=options.labels)
    return outcome.exit_code


def _merge(request: MergeRequest, sides: tuple[bytes, bytes, bytes], names: tuple[str, str, str],
           options: MergeOptions) -> MergeOutcome:
    """The merge, with remembered answers (`--resolutions`, else the repository around OURS)
    unless `--no-remember`."""
    from statemerge.resolutions import Stores, merge_remembering

    def stores() -> Stores | None:  # asked only when conflicts are left
        from statemerge.git.stores import stores_for

        return stores_for(request.resolutions, os.path.dirname(os.path.realpath(request.ours)))

    return merge_remembering(sides, names, options, stores if request.remember else None)
