"""`statemerge merge BASE OURS THEIRS`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import statemerge.cli.lazytyper as typer
from statemerge.cli.mergerun import MergeRequest, run_merge


class Style(StrEnum):
    """How conflicts left by the merge are written."""

    markers = "markers"
    object = "object"
    ours = "ours"
    theirs = "theirs"


class Fmt(StrEnum):
    """A document format."""

    json = "json"
    yaml = "yaml"


def merge(
    base: Annotated[Path, typer.Argument(
        metavar="BASE", help="The common ancestor (empty: both sides added).")],
    ours: Annotated[Path, typer.Argument(metavar="OURS", help="Our version; its layout is kept.")],
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS", help="Their version.")],
    output: Annotated[Path | None, typer.Option("-o", "--output",
                                                help="Write here (atomically), not stdout.")] = None,
    fmt: Annotated[Fmt | None, typer.Option("--format",
                                            help="json or yaml (default: by extension).")] = None,
    rules: Annotated[Path | None, typer.Option(
        "--rules", help="Rules file (default: .statemerge.yaml next to OURS or above).")] = None,
    conflict: Annotated[Style, typer.Option(
        "--conflict", help="markers: git-style blocks; object: {$conflict: ...} in place; "
        "ours/theirs: take that side (exit 0).")] = Style.markers,
    diff3: Annotated[bool, typer.Option("--diff3", help="Show base in marker blocks.")] = False,
    label: Annotated[list[str] | None, typer.Option(
        "-L", "--label", help="Labels for ours, base, theirs (as git merge-file).")] = None,
    marker_size: Annotated[int, typer.Option("--marker-size", min=1,
                                             help="Length of conflict markers.")] = 7,
    report_json: Annotated[Path | None, typer.Option(
        "--report-json", help="Write a JSON report of conflicts and resolutions.")] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No report on stderr.")] = False,
) -> None:
    """Three-way merge of JSON/YAML state files. Exit 0 clean, 1 conflicts left, 2 bad input.

    Example: statemerge merge base.json ours.json theirs.json -o merged.json
    """
    request = MergeRequest(
        str(base), str(ours), str(theirs), output=str(output) if output else None,
        fmt=fmt.value if fmt else None, rules=str(rules) if rules else None,
        conflict=conflict.value, diff3=diff3, labels=tuple(label or ()), marker_size=marker_size,
        report_json=str(report_json) if report_json else None, quiet=quiet,
    )
    raise typer.Exit(run_merge(request))


def register(app: typer.Typer) -> None:
    """Add `merge` to the application."""
    app.command("merge")(merge)
