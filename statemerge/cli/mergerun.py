"""The body of `statemerge merge`, shared by the Typer command and the fast entry path.

It imports neither typer nor rich: a clean merge of small files must start fast.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from statemerge.errors import StatemergeError, UsageError


@dataclass(frozen=True)
class MergeRequest:
    """What `statemerge merge` was asked to do."""

    base: str
    ours: str
    theirs: str
    output: str | None = None
    fmt: str | None = None
    rules: str | None = None
    conflict: str = "markers"
    diff3: bool = False
    labels: tuple[str, ...] = ()
    marker_size: int = 7
    report_json: str | None = None
    quiet: bool = False


def run_merge(request: MergeRequest) -> int:
    """Merge, write the result and reports; return the exit code (errors: one stderr line)."""
    try:
        return _run(request)
    except StatemergeError as error:
        sys.stderr.write(f"statemerge: {error.message}\n")
        return error.exit_code


def _run(request: MergeRequest) -> int:
    from statemerge.documents import read_bytes, write_atomic
    from statemerge.mergefile import CONFLICT_STYLES, MergeOptions, merge_texts

    if request.conflict not in CONFLICT_STYLES:
        raise UsageError(f"--conflict must be one of {', '.join(CONFLICT_STYLES)}.")
    if request.marker_size < 1:
        raise UsageError("--marker-size must be at least 1.")
    if len(request.labels) > 3:
        raise UsageError("-L/--label is given at most three times (ours, base, theirs).")
    labels = (*request.labels, *("ours", "base", "theirs")[len(request.labels):])
    names = (request.base, request.ours, request.theirs)
    sides = tuple(read_bytes(name) for name in names)
    options = MergeOptions(conflict=request.conflict, diff3=request.diff3,  # type: ignore[arg-type]
                           labels=(labels[0], labels[1], labels[2]),
                           marker_size=request.marker_size, fmt=request.fmt,
                           rules_file=request.rules, path_hint=request.ours)
    outcome = merge_texts(sides[0], sides[1], sides[2], names=names, options=options)
    if request.report_json is not None:
        import json

        from statemerge.merging.values import json_default

        report = json.dumps(outcome.report(), indent=2, ensure_ascii=False,
                            default=json_default) + "\n"
        write_atomic(request.report_json, report.encode())
    if request.output is not None:
        write_atomic(request.output, outcome.output)
    else:
        sys.stdout.buffer.write(outcome.output)
        sys.stdout.flush()
    if not request.quiet and (outcome.conflicts or outcome.resolved):
        from statemerge.report.merge import print_merge_report

        print_merge_report(outcome, labels=options.labels)
    return outcome.exit_code
