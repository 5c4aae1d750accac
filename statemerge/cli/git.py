"""`statemerge git install/uninstall/status/doctor/merge-driver`.

`git merge-driver` normally never reaches this module: cli/main.py hands it straight to
`git.driver.driver_main` to skip Typer's start-up. The command here exists for `--help` and
completion, and calls the same function.
"""

from __future__ import annotations

from typing import Annotated

import statemerge.cli.lazytyper as typer
from statemerge.cli.common import handled

GLOBAL_HELP = "Use the user's git config and attributes file instead of the repository's."


def register(app: typer.Typer) -> None:
    """Add the `git` command group to the application."""
    group = typer.Typer(
        name="git",
        help="Use statemerge as git's merge driver for state files.\n\n"
        "Example: statemerge git install",
        no_args_is_help=True,
    )
    group.command("install")(install)
    group.command("uninstall")(uninstall)
    group.command("status")(status)
    group.command("doctor")(doctor)
    group.command("merge-driver", context_settings={"ignore_unknown_options": True})(merge_driver)
    app.add_typer(group)


def install(
    patterns: Annotated[
        list[str] | None,
        typer.Argument(help="Files to merge with statemerge (default: *.json *.yaml *.yml)."),
    ] = None,
    use_global: Annotated[bool, typer.Option("--global", help=GLOBAL_HELP)] = False,
) -> None:
    """Configure the merge driver and route PATTERNs to it in .gitattributes. Idempotent.

    Example: statemerge git install '*.state'
    """
    from statemerge.git import install as gitinstall

    with handled():
        scope = gitinstall.find_scope(use_global)
        report = gitinstall.install(scope, list(patterns or gitinstall.DEFAULT_PATTERNS))
        if not report.driver_changed and not report.added:
            typer.echo(f"Already installed in {scope.config_file}: nothing changed.")
            return
        typer.echo(f"Installed the statemerge merge driver in {scope.config_file}.")
        typer.echo(f"  driver: {report.driver}")
        typer.echo("  mergetool: git mergetool --tool statemerge")
        if report.added:
            typer.echo(f"  added to {scope.attributes_file}: {' '.join(report.added)}")
        if report.present:
            typer.echo(f"  already in {scope.attributes_file}: {' '.join(report.present)}")
        if scope.name == "local" and report.added:
            typer.echo("Commit .gitattributes; each clone runs `statemerge git install` once.")


def uninstall(
    use_global: Annotated[bool, typer.Option("--global", help=GLOBAL_HELP)] = False,
    attributes: Annotated[bool, typer.Option(
        "--attributes", help="Also remove merge=statemerge from a committed .gitattributes.")
    ] = False,
) -> None:
    """Remove the driver from git's config, and what else `install` added: its attribute lines
    and files (a .gitattributes that git tracks is left alone without --attributes).

    Example: statemerge git uninstall --attributes
    """
    from statemerge.git import install as gitinstall

    with handled():
        scope = gitinstall.find_scope(use_global)
        report = gitinstall.uninstall(scope, attributes=attributes)
        if not (report.removed_driver or report.removed or report.deleted_files):
            typer.echo(f"Not installed in {scope.config_file}: nothing to remove.")
        else:
            typer.echo(f"Removed the statemerge merge driver from {scope.config_file}.")
        if report.removed:
            typer.echo(f"  removed from {scope.attributes_file}: {' '.join(report.removed)}")
        for path in report.deleted_files:
            typer.echo(f"  deleted {path} (install had created it)")
        if report.kept_attributes:
            typer.echo(f"  kept {scope.attributes_file} (tracked by git): "
                       f"{' '.join(report.kept_attributes)} still name the driver; git merges "
                       "them as text here. --attributes removes them.")


def status(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Also show which merge driver git uses for these.")
    ] = None,
) -> None:
    """Show where the driver is configured and which files use it. Exit 1 when it is not set up.

    Example: statemerge git status apps.json
    """
    from statemerge.git import install as gitinstall

    with handled():
        statuses = gitinstall.status()
        ready = False
        for scope_status in statuses:
            scope = scope_status.scope
            typer.echo(f"{scope.name}: {scope.config_file}")
            if scope_status.driver is None:
                typer.echo("  driver: not configured")
            else:
                missing = "" if scope_status.driver_found else "  (its program is missing!)"
                typer.echo(f"  driver: {scope_status.driver}{missing}")
            patterns = " ".join(scope_status.patterns) or "none"
            typer.echo(f"  files routed to it ({scope.attributes_file}): {patterns}")
            ready = ready or bool(scope_status.driver and scope_status.driver_found)
        routed = False
        for path, value in gitinstall.attributes_of(list(paths or [])).items():
            typer.echo(f"{path}: merge={value}")
            routed = routed or value == gitinstall.DRIVER
        routed = routed if paths else any(s.patterns for s in statuses)
        if not ready or not routed:
            raise typer.Exit(1)


def doctor(
    fix: Annotated[bool, typer.Option("--fix", help="Run the fixes.")] = False,
) -> None:
    """Check what silently breaks structural merging here. Exit 0 all good, 1 problems.

    Example: statemerge git doctor --fix
    """
    from statemerge.git.doctor import examine

    with handled():
        findings = examine()
        problems = [f for f in findings if not f.warning]
        for finding in findings:
            if finding.warning:
                typer.echo(f"warning: {finding.message}")
            elif fix and finding.fix is not None:
                finding.fix()
                typer.echo(f"fixed: {finding.message} (ran: {finding.fix_command})")
            else:
                typer.echo(f"problem: {finding.message} Fix: {finding.fix_command}")
        if fix and problems:
            problems = [f for f in examine() if not f.warning]
            for finding in problems:
                typer.echo(f"still: {finding.message}")
        if not problems:
            typer.echo("All good: git merges state files with statemerge here.")
        raise typer.Exit(1 if problems else 0)


def merge_driver(
    args: Annotated[list[str], typer.Argument(help="%O %A %B %L %P [%S %X %Y], as git passes.")],
) -> None:
    """The merge driver git runs (`install` configures it): writes the result over %A.

    Exit 0 merged cleanly, 1 conflicts left (git marks the file conflicted). Falls back to
    `git merge-file` for a side that does not parse, holds conflict markers or is not UTF-8, and
    when STATEMERGE=0 is set.

    Example: statemerge git merge-driver %O %A %B %L %P  (the line `install` gives git)
    """
    from statemerge.git.driver import driver_main

    raise typer.Exit(driver_main(list(args)))
