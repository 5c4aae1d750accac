"""`statemerge check` and `statemerge diff`."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import statemerge.cli.lazytyper as typer
from statemerge.cli.common import handled

if TYPE_CHECKING:
    from statemerge.report.diff import Change

PROGRESS_FROM = 20  # files: fewer than this are checked too fast for a progress bar to help


class CheckFormat(StrEnum):
    """How `check` reports."""

    table = "table"
    json = "json"
    github = "github"


def register(app: typer.Typer) -> None:
    """Add `check` and `diff` to the application."""
    app.command("check")(check)
    app.command("diff")(diff)


def check(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files, or folders to search recursively.")
    ] = None,
    staged: Annotated[
        bool, typer.Option("--staged", help="Check the staged content of staged state files.")
    ] = False,
    include: Annotated[
        list[str] | None,
        typer.Option(help="Glob of files to check in folders (repeatable; default state files)."),
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option(help="Glob of files or folders to skip (repeatable).")
    ] = None,
    schema: Annotated[
        str | None, typer.Option(metavar="FILE",
                                 help="A JSON Schema (JSON or YAML) every file must match.")
    ] = None,
    output: Annotated[
        CheckFormat, typer.Option("--format", help="table (for people), json, or github.")
    ] = CheckFormat.table,
) -> None:
    """Check state files: they parse, hold no conflict markers or duplicate keys, match a schema.

    Exit 0 all good, 1 problems found, 2 bad usage or a file that cannot be read.

    Example: statemerge check state/ --schema schema.json
    """
    from statemerge import check as checking
    from statemerge.errors import UsageError
    from statemerge.report import check as report

    with handled():
        if staged == bool(paths):
            raise UsageError("Give files or folders to check, or --staged (not both).")
        validator = checking.load_schema(str(schema)) if schema is not None else None
        if staged:
            targets = checking.staged_targets(include=include or (), exclude=exclude or ())
        else:
            names = checking.find_files(paths or [], include=include or (), exclude=exclude or ())
            targets = [checking.Target.from_file(name) for name in names]
        checks = checking.check_targets(targets, schema=validator)
        if sys.stderr.isatty() and len(targets) >= PROGRESS_FROM:
            checks = report.with_progress(checks, len(targets), sys.stderr)
        verdicts = list(checks)
        if output is CheckFormat.json:
            sys.stdout.write(report.render_json(verdicts) + "\n")
        elif output is CheckFormat.github:
            sys.stdout.write(report.render_github(verdicts))
        else:
            report.render_table(verdicts, sys.stdout)
        code = checking.exit_code(verdicts)
    raise typer.Exit(code)


def diff(
    old: Annotated[str, typer.Argument(help="The first state file (JSON or YAML).")],
    new: Annotated[str, typer.Argument(help="The second state file (JSON or YAML).")],
    as_json: Annotated[bool, typer.Option("--json", help="Write the changes as JSON.")] = False,
) -> None:
    """Show what changed from OLD to NEW, path by path. Exit 0 same, 1 different, 2 trouble.

    Example: statemerge diff before.json after.yaml
    """
    from statemerge.documents.formats import read_detected
    from statemerge.report import diff as report

    with handled():
        changes = _diff(read_detected(old), read_detected(new))
        if as_json:
            sys.stdout.write(report.diff_json(changes) + "\n")
        else:
            report.render_diff(changes, (old, new), sys.stdout)
    raise typer.Exit(1 if changes else 0)


def _diff(old: Any, new: Any) -> list[Change]:
    """`structural_diff`, started at the deepest node that holds every difference: deepdiff's
    cost grows with the square of the depth it walks (minutes for 1,000 levels), a walk down the
    one differing child per level costs little."""
    from statemerge.merging.values import same
    from statemerge.pointer import format_pointer
    from statemerge.report.diff import structural_diff

    tokens: list[str | int] = []
    while True:
        differing: list[Any]
        if isinstance(old, dict) and isinstance(new, dict) and old.keys() == new.keys():
            differing = [key for key in old if not same(old[key], new[key])]
        elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
            differing = [index for index in range(len(old)) if not same(old[index], new[index])]
        else:
            break
        if not differing:
            return []
        if len(differing) != 1:
            break
        tokens.append(differing[0])
        old, new = old[differing[0]], new[differing[0]]
    prefix = format_pointer(tokens)
    return [change._replace(path=prefix + change.path) for change in structural_diff(old, new)]
