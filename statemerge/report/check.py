"""Rendering `statemerge check` results: a rich table for people, JSON, GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from statemerge.check import FileCheck, Problem


def summary(checks: list[FileCheck]) -> str:
    """One line: how many files, how many problems in how many of them."""
    bad = [check for check in checks if not check.ok]
    files = f"{len(checks)} file{'s' if len(checks) != 1 else ''}"
    if not bad:
        return f"Checked {files}: all good."
    count = sum(len(check.problems) for check in bad)
    problems = f"{count} problem{'s' if count != 1 else ''}"
    return f"Checked {files}: {problems} in {len(bad)} file{'s' if len(bad) != 1 else ''}."


def render_table(checks: list[FileCheck], stream: IO[str]) -> None:
    """The problems as a table (nothing but the summary when all is well)."""
    bad = [check for check in checks if not check.ok]
    if not bad and not stream.isatty():  # one plain line: no need to load rich (hooks, CI)
        stream.write(summary(checks) + "\n")
        return
    from rich.table import Table

    from statemerge.report import verbatim_console

    console = verbatim_console(stream)
    if bad:
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("File", style="cyan", overflow="fold")
        table.add_column("Line", justify="right")
        table.add_column("Kind", style="magenta")
        table.add_column("Problem", overflow="fold")
        for check in bad:
            for problem in check.problems:
                table.add_row(check.path, _position(problem), problem.kind, problem.message)
        console.print(table)
    style = "red" if bad else "green"
    console.print(summary(checks), style=style)


def _position(problem: Problem) -> str:
    if problem.line is None:
        return ""
    return f"{problem.line}:{problem.column}" if problem.column else str(problem.line)


def render_json(checks: list[FileCheck]) -> str:
    """`{"ok", "checked", "problems", "files": [{"path", "ok", "problems": [...]}]}`."""
    files: list[dict[str, Any]] = []
    for check in checks:
        problems = [
            {
                key: value
                for key, value in (
                    ("kind", problem.kind),
                    ("message", problem.message),
                    ("line", problem.line),
                    ("column", problem.column),
                    ("pointer", problem.pointer),
                )
                if value is not None
            }
            for problem in check.problems
        ]
        files.append({"path": check.path, "ok": check.ok, "problems": problems})
    document = {
        "ok": all(check.ok for check in checks),
        "checked": len(checks),
        "problems": sum(len(check.problems) for check in checks),
        "files": files,
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def render_github(checks: list[FileCheck]) -> str:
    """GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=T::MESSAGE`."""
    lines = []
    for check in checks:
        for problem in check.problems:
            properties = [("file", check.path)]
            if problem.line is not None:
                properties.append(("line", str(problem.line)))
            if problem.column is not None:
                properties.append(("col", str(problem.column)))
            properties.append(("title", f"statemerge check: {problem.kind}"))
            joined = ",".join(f"{key}={_escape_property(value)}" for key, value in properties)
            lines.append(f"::error {joined}::{_escape_data(problem.message)}")
    return "".join(line + "\n" for line in lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def with_progress(checks: Iterable[FileCheck], total: int, stream: IO[str]) -> Iterator[FileCheck]:
    """Pass the checks through while a transient progress bar on `stream` counts them."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("checking"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(file=stream), transient=True) as progress:
        task = progress.add_task("check", total=total)
        for check in checks:
            yield check
            progress.advance(task)
