"""Rendering for `statemerge log ...`: the history table, replay and verify summaries, and a
progress bar for large logs (rich, imported only when one is drawn)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from statemerge.eventlog.history import Touch
    from statemerge.eventlog.replayer import ReplayResult
    from statemerge.eventlog.verify import LogProblem

PROGRESS_FROM = 16 * 1024 * 1024  # bytes: smaller logs finish before a bar is worth drawing
_SHOWN = 20


def plural(count: int, word: str) -> str:
    """`1 event`, `2 events`."""
    return f"{count} {word}{'' if count == 1 else 's'}"


@contextmanager
def progress(total: int, label: str, stream: IO[str]) -> Iterator[Callable[[int], None] | None]:
    """A bytes-done callback drawing a bar on `stream` when it is a terminal and the log large;
    None otherwise (so the caller pays nothing)."""
    if total < PROGRESS_FROM or not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(file=stream),
        transient=True,
    )
    with bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)


def replay_summary(result: ReplayResult, source: str) -> list[str]:
    """Lines for stderr after a replay: counts, then each conflict and skipped event."""
    parts = [plural(result.applied, "event") + " applied"]
    if result.after_until:
        parts.append(f"{result.after_until} after --until left out")
    if result.conflicts:
        parts.append(plural(len(result.conflicts), "conflict"))
    if result.skipped:
        parts.append(plural(len(result.skipped), "skipped event"))
    lines = [f"{source}: {', '.join(parts)}."]
    for conflict in result.conflicts[:_SHOWN]:
        ids = " and ".join(short(event) for event in conflict.events)
        lines.append(f"  conflict at {conflict.path or '(root)'} ({conflict.kind}): {ids}")
    for skipped in result.skipped[:_SHOWN]:
        lines.append(f"  skipped {short(skipped.id)} (line {skipped.line}): {skipped.reason}")
    hidden = max(0, len(result.conflicts) - _SHOWN) + max(0, len(result.skipped) - _SHOWN)
    if hidden:
        lines.append(f"  ... and {hidden} more (see --report-json).")
    return lines


def short(event_id: str) -> str:
    """An event id cut to something a person can compare at a glance."""
    return event_id.removeprefix("sha256:")[:12]


def problem_lines(problems: Sequence[LogProblem], source: str, events: int) -> list[str]:
    """`LOG:LINE: message` per problem, or one line saying the log is sound."""
    if not problems:
        return [f"{source}: {plural(events, 'event')}, all sound."]
    lines = [f"{source}:{problem.line}: {problem.message}" for problem in problems]
    lines.append(f"{source}: {plural(len(problems), 'problem')}.")
    return lines


def history_table(touches: Sequence[Touch], *, source: str, pointer: str, stream: IO[str]) -> None:
    """The ops that touched a path, oldest first, as a table."""
    from rich.table import Table

    from statemerge.report import verbatim_console

    console = verbatim_console(stream, width=None if stream.isatty() else 160)
    table = Table(title=f"{source}: history of {pointer or '(root)'}", title_justify="left")
    for column in ("line", "hlc", "agent", "seq", "op", "path", "value", "id"):
        table.add_column(
            column, overflow="fold", justify="right" if column in ("line", "seq") else "left"
        )
    for touch in touches:
        op = touch.op
        table.add_row(
            str(touch.line),
            touch.hlc,
            touch.agent,
            str(touch.seq),
            op["op"],
            _path(op),
            _value(op),
            short(touch.id),
        )
    console.print(table)
    if not touches:
        console.print(f"No event touched {pointer or '(root)'}.")


def history_json(touches: Sequence[Touch], stream: IO[str]) -> None:
    """One JSON object per line and op, for scripts."""
    for touch in touches:
        stream.write(json.dumps(touch.to_json(), ensure_ascii=False, sort_keys=True) + "\n")


def _path(op: dict[str, Any]) -> str:
    return f"{op['from']} -> {op['path']}" if "from" in op else op["path"]


def _value(op: dict[str, Any]) -> str:
    if "value" not in op or op["op"] in ("remove", "move", "copy"):
        return ""
    text = json.dumps(op["value"], ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 40 else text[:37] + "..."
