"""`statemerge merge BASE OURS THEIRS`."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any

import statemerge.cli.lazytyper as typer
from statemerge.cli.mergerun import (
    DEFAULTS,
    FLAG_OPTIONS,
    VALUED_OPTIONS,
    MergeRequest,
    merge_request,
    run_merge,
)
from statemerge.documents.formats import FORMATS
from statemerge.merging.styles import CONFLICT_STYLES

Style = StrEnum("Style", {name: name for name in CONFLICT_STYLES})  # type: ignore[misc]
Fmt = StrEnum("Fmt", {name: name for name in FORMATS})  # type: ignore[misc]
DEFAULT_STYLE = Style(DEFAULTS.conflict)


def merge(
    base: Annotated[str, typer.Argument(
        metavar="BASE", help="The common ancestor (empty: both sides added).")],
    ours: Annotated[str, typer.Argument(metavar="OURS", help="Our version; its layout is kept.")],
    theirs: Annotated[str, typer.Argument(metavar="THEIRS", help="Their version.")],
    output: Annotated[str | None, typer.Option(*VALUED_OPTIONS["output"], metavar="FILE",
                                               help="Write here (atomically), not stdout.")] = None,
    fmt: Annotated[Fmt | None, typer.Option(
        *VALUED_OPTIONS["fmt"],
        help="json, yaml, jsonc, json5 or toml (default: by extension).")] = None,
    rules: Annotated[str | None, typer.Option(
        *VALUED_OPTIONS["rules"], metavar="FILE",
        help="Rules file (default: .statemerge.yaml next to OURS or above).")] = None,
    schema: Annotated[str | None, typer.Option(
        *VALUED_OPTIONS["schema"], metavar="FILE",
        help="JSON Schema whose x-kubernetes-list-* fields say how lists are keyed.")] = None,
    conflict: Annotated[Style, typer.Option(
        *VALUED_OPTIONS["conflict"],
        help="markers: git-style blocks; object: {$conflict: ...} in place; "
        "ours/theirs: take that side (exit 0).")] = DEFAULT_STYLE,
    diff3: Annotated[bool, typer.Option(*FLAG_OPTIONS["diff3"],
                                        help="Show base in marker blocks.")] = DEFAULTS.diff3,
    label: Annotated[list[str] | None, typer.Option(
        *VALUED_OPTIONS["labels"], help="Labels for ours, base, theirs (as git merge-file).")] = None,
    marker_size: Annotated[int, typer.Option(*VALUED_OPTIONS["marker_size"], min=1,
                                             help="Length of conflict markers.")] = DEFAULTS.marker_size,
    report_json: Annotated[str | None, typer.Option(
        *VALUED_OPTIONS["report_json"], metavar="FILE",
        help="Write a JSON report of conflicts and resolutions.")] = None,
    quiet: Annotated[bool, typer.Option(*FLAG_OPTIONS["quiet"],
                                        help="No report on stderr.")] = DEFAULTS.quiet,
    resolutions: Annotated[str | None, typer.Option(
        *VALUED_OPTIONS["resolutions"], metavar="FILE",
        help="Remembered answers to apply (default: the repository's, inside one).")] = None,
    no_remember: Annotated[bool, typer.Option(
        "--no-remember", help="Apply no remembered answers.")] = not DEFAULTS.remember,
) -> None:
    """Three-way merge of JSON/YAML state files. Exit 0 clean, 1 conflicts left, 2 bad input.

    Example: statemerge merge base.json ours.json theirs.json -o merged.json
    """
    raise typer.Exit(run_merge(typer_request(locals())))


def typer_request(params: Mapping[str, Any]) -> MergeRequest:
    """The request for the parameters Typer parsed (the fast parser must give the same one)."""
    fmt, conflict = params["fmt"], params["conflict"]
    return merge_request(
        params["base"], params["ours"], params["theirs"], output=params["output"],
        fmt=fmt.value if fmt else None, rules=params["rules"], conflict=conflict.value,
        diff3=params["diff3"], labels=params["label"] or (), marker_size=params["marker_size"],
        report_json=params["report_json"], quiet=params["quiet"], schema=params["schema"],
        resolutions=params["resolutions"], remember=not params["no_remember"],
    )


def register(app: typer.Typer) -> None:
    """Add `merge` to the application."""
    app.command("merge")(merge)
