"""`statemerge resolve`: answer the conflicts left in state files (statemerge/resolving.py)."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Annotated

import statemerge.cli.lazytyper as typer
from statemerge.cli.common import handled
from statemerge.errors import UsageError

if TYPE_CHECKING:
    from statemerge import resolving
    from statemerge.mergeoutcome import MergeOutcome
    from statemerge.resolutions import Stores

_SIDES = "ours|theirs|base"


def resolve(
    paths: Annotated[list[str] | None, typer.Argument(
        metavar="PATH...",
        help="Conflicted files (inside a merge, rebase or cherry-pick), or the file to write "
        "with --base/--ours/--theirs.")] = None,
    base: Annotated[str | None, typer.Option("--base", help="Outside git: the base file.")] = None,
    ours: Annotated[str | None, typer.Option("--ours", help="Outside git: our file.")] = None,
    theirs: Annotated[str | None, typer.Option("--theirs",
                                               help="Outside git: their file.")] = None,
    take: Annotated[list[str] | None, typer.Option(
        "--take", metavar="POINTER=SIDE",
        help=f"Take {_SIDES} for the conflicts at or under a pointer pattern (* and ** as in "
        "rules). Repeatable.")] = None,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", metavar="POINTER=JSON", help="Put this value where the conflict is.")] = None,
    all_side: Annotated[str | None, typer.Option(
        "--all", metavar="SIDE", help=f"Take {_SIDES} for every conflict.")] = None,
    answers: Annotated[str | None, typer.Option(
        "--answers", metavar="FILE",
        help='A JSON list of {"id": ..., "take": SIDE} or {"id"|"path": ..., "value": ...}.')
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="Print the conflicts left.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="--list as JSON.")] = False,
    interactive: Annotated[bool, typer.Option("-i", "--interactive",
                                              help="Walk the conflicts in the terminal.")] = False,
    no_add: Annotated[bool, typer.Option("--no-add",
                                         help="Do not `git add` a file once it is clean.")] = False,
    share: Annotated[bool, typer.Option(
        "--share", help="Remember answers in .statemerge/resolutions.jsonl (commit it).")] = False,
    no_remember: Annotated[bool, typer.Option(
        "--no-remember", help="Neither apply nor record remembered answers.")] = False,
    resolutions: Annotated[str | None, typer.Option(
        "--resolutions", metavar="FILE",
        help="The remembered answers file (default: the repository's).")] = None,
    forget: Annotated[str | None, typer.Option(
        "--forget", metavar="ID", help="Forget the remembered answer to this conflict.")] = None,
) -> None:
    """Answer the conflicts left in state files. Exit 0 clean (and staged), 1 conflicts left.

    Example: statemerge resolve config.json --take /port=theirs
    """
    from statemerge import resolving
    from statemerge.git.stores import stores_for

    with handled():
        stores = None if no_remember else stores_for(
            str(resolutions) if resolutions else None)
        if forget is not None:
            raise typer.Exit(_forget(forget, stores))
        files = _files(paths or [], base, ours, theirs)
        request = resolving.AnswerRequest(list(take or []), list(set_ or []), all_side, answers)
        if sum((bool(request), list_ or as_json, interactive)) > 1:
            raise UsageError("Choose one of: answers (--take/--set/--all/--answers), --list, -i.")
        first = [resolving.merge_file(file, None, stores) for file in files]
        if list_ or as_json:
            _print_list(files, first, as_json)
            raise typer.Exit(1 if any(o.conflicts for o in first) else 0)
        if interactive:
            from statemerge.cli.resolvetui import walk

            if len(files) != 1:
                raise UsageError("-i resolves one file at a time.")
            chosen = walk(files[0].path, first[0].conflicts)
        else:
            conflicts = [c for outcome in first for c in outcome.conflicts]
            chosen = resolving.choose(conflicts, request)
        final = [resolving.merge_file(file, chosen, stores) if chosen else outcome
                 for file, outcome in zip(files, first, strict=True)]
        for file, outcome in zip(files, final, strict=True):
            added = resolving.write_file(file, outcome, add=not no_add)
            _say_written(file.path, outcome, added)
        store = None if stores is None else (stores.shared if share else stores.clone)
        count = resolving.remember(final, store, resolving.utc_now)
        if count:
            typer.echo(f"Remembered {count} answer(s) in {_shown(store)}.")
        raise typer.Exit(1 if any(o.conflicts for o in final) else 0)


def _files(paths: list[str], base: str | None, ours: str | None, theirs: str | None
           ) -> list[resolving.ConflictedFile]:
    from statemerge import resolving

    outside = [base, ours, theirs]
    if any(side is not None for side in outside):
        if None in outside or len(paths) != 1:
            raise UsageError("Outside git, give one PATH to write and all of --base, --ours and "
                             "--theirs.")
        return [resolving.from_files(paths[0], base or "", ours or "", theirs or "")]
    if not paths:
        raise UsageError("Name the conflicted files (`git status` lists them).")
    return [resolving.from_index(path) for path in paths]


def _print_list(files: list[resolving.ConflictedFile], outcomes: list[MergeOutcome],
                as_json: bool) -> None:
    from statemerge.merging.values import json_default
    from statemerge.report.merge import short

    if as_json:
        document = [{"file": file.path, "conflicts": [c.as_report(None) for c in o.conflicts]}
                    for file, o in zip(files, outcomes, strict=True)]
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False, default=json_default))
        return
    for file, outcome in zip(files, outcomes, strict=True):
        typer.echo(f"{file.path}: {len(outcome.conflicts)} conflict(s) left")
        for conflict in outcome.conflicts:
            typer.echo(f"  {conflict.id}  {conflict.path or '/'}  {conflict.kind}")
            for side in ("base", "ours", "theirs"):
                typer.echo(f"      {side:<7}{short(conflict.side(side))}")


def _say_written(path: str, outcome: MergeOutcome, added: bool) -> None:
    given = sum(1 for a in outcome.answered if a.answer.by != "remembered")
    remembered = len(outcome.answered) - given
    answered = f"{given} answered" + (f", {remembered} remembered" if remembered else "")
    if outcome.conflicts:
        typer.echo(f"{path}: {answered}, {len(outcome.conflicts)} conflict(s) left as markers.")
    else:
        typer.echo(f"{path}: {answered}, clean" + ("; staged (git add)." if added else "."))


def _forget(conflict_id: str, stores: Stores | None) -> int:
    from statemerge.resolutions import forget

    if stores is None:
        raise UsageError("No remembered answers here: run inside a repository or give "
                         "--resolutions FILE.")
    changed = forget(stores, conflict_id)
    if not changed:
        raise UsageError(f"{conflict_id}: no remembered answer has this id.")
    typer.echo(f"Forgot {conflict_id} in {', '.join(_shown(path) for path in changed)}.")
    return 0


def _shown(path: str | os.PathLike[str] | None) -> str:
    """A path relative to the current folder when it is under it."""
    if path is None:
        return ""
    relative = os.path.relpath(path)
    return os.fspath(path) if relative.startswith(os.pardir) else relative


def register(app: typer.Typer) -> None:
    """Add `resolve` to the application."""
    app.command("resolve")(resolve)
