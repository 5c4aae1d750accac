"""`statemerge log append|replay|merge|verify|history|compact`: event logs agents append to.

Reading the wall clock happens here, and only here: the core is handed the time. Outputs are
written atomically and only after all input was read, so bad input leaves nothing behind.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import statemerge.cli.lazytyper as typer
from statemerge.cli.common import handled

if TYPE_CHECKING:
    from statemerge.eventlog.replay import ReplayResult
    from statemerge.eventlog.snapshot import Snapshot

group = typer.Typer(
    help="Event logs: append, replay (time travel), merge without conflicts, verify, history.\n\n"
    "Example: statemerge log replay tasks.jsonl",
    no_args_is_help=True,
)

LogArg = Annotated[Path, typer.Argument(metavar="LOG", help="The event log (JSON Lines).")]
OutOpt = Annotated[
    Path | None, typer.Option("-o", "--output", metavar="OUT", help="Write here (atomically).")
]
FromOpt = Annotated[
    Path | None,
    typer.Option("--from", metavar="SNAPSHOT", help="Start from this snapshot (log compact)."),
]


@group.command("append", context_settings={"ignore_unknown_options": True})
def append(
    log: LogArg,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="OP...",
            help="set P V | delete P | inc P N | insert P V | JSON Patch JSON (V, N: JSON values).",
        ),
    ],
    agent: Annotated[
        str, typer.Option("--agent", envvar="STATEMERGE_AGENT", help="Who writes the event.")
    ] = "",
) -> None:
    """Append one event (its seq, clock, hlc and id computed) as one atomic line; prints its id.

    Example: statemerge log append tasks.jsonl --agent coder set /tasks/1/status '"done"'
    """
    with handled():
        from statemerge.errors import UsageError
        from statemerge.eventlog.logfile import append_event
        from statemerge.patch import parse_op_words

        if not agent:
            raise UsageError("log append needs --agent ID (or $STATEMERGE_AGENT).")
        ops = parse_op_words(words)
        event = append_event(str(log), agent, ops, time.time_ns() // 1000)
        sys.stdout.write(event["id"] + "\n")


@group.command("replay")
def replay(
    log: LogArg,
    start: FromOpt = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until", metavar="HLC", help="State as of this time (events after left out)."
        ),
    ] = None,
    output: OutOpt = None,
    report_json: Annotated[
        Path | None,
        typer.Option("--report-json", metavar="FILE", help="Write conflicts and skipped events."),
    ] = None,
) -> None:
    """Replay LOG in causal order and print (or write) the state; conflicts go to stderr.

    Example: statemerge log replay tasks.jsonl --until 2026-11-27T12:00:00.000000Z
    """
    with handled():
        from statemerge.documents import write_atomic
        from statemerge.report.log import replay_summary

        result = _replay(str(log), _snapshot(start), _until(until))
        if report_json is not None:
            write_atomic(report_json, _json_bytes(result.report()))
        if output is None:
            sys.stdout.buffer.write(_state_bytes(result.state, "-"))
        else:
            write_atomic(output, _state_bytes(result.state, str(output)))
        sys.stderr.write("\n".join(replay_summary(result, str(log))) + "\n")


@group.command("merge")
def merge(
    logs: Annotated[list[Path], typer.Argument(metavar="LOG...", help="The logs to unite.")],
    output: OutOpt = None,
) -> None:
    """Unite logs by event id in the canonical order: the same bytes whatever the input order.

    Example: statemerge log merge tasks.jsonl coder.jsonl -o merged.jsonl
    """
    with handled():
        from statemerge.documents import write_atomic
        from statemerge.eventlog import merge_logs
        from statemerge.eventlog.logfile import read_log_bytes

        names = [str(path) for path in logs]
        merged = merge_logs([read_log_bytes(name) for name in names], sources=names)
        if output is None:
            sys.stdout.buffer.write(merged)
        else:
            write_atomic(output, merged)


@group.command("verify")
def verify(log: LogArg) -> None:
    """Check ids, seq gaps and repeats, clock and hlc growth, parse errors; exit 1 on problems.

    Example: statemerge log verify tasks.jsonl
    """
    with handled():
        from statemerge.eventlog.logfile import (
            ends_with_newline,
            log_size,
            numbered_lines,
            open_log,
        )
        from statemerge.eventlog.verify import Verifier
        from statemerge.report.log import problem_lines, progress

        name = str(log)
        verifier = Verifier()
        last = 0
        with open_log(name) as handle, progress(log_size(name), "verify", sys.stderr) as tick:
            for number, raw in numbered_lines(handle, tick):
                verifier.feed(number, raw)
                last = number
            complete = ends_with_newline(handle)
        problems = verifier.finish(ends_with_newline=complete, last_line=last)
        sys.stdout.write("\n".join(problem_lines(problems, name, verifier.events)) + "\n")
        if problems:
            raise typer.Exit(1)


@group.command("history")
def history(
    log: LogArg,
    pointer: Annotated[
        str, typer.Argument(metavar="POINTER", help="A JSON Pointer, e.g. /tasks/3.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """The events that wrote at POINTER, inside it or over it, oldest first.

    Example: statemerge log history tasks.jsonl /tasks/1/status
    """
    with handled():
        from statemerge.eventlog.history import history as touches_of
        from statemerge.eventlog.logfile import numbered_lines, open_log
        from statemerge.report.log import history_json, history_table

        name = str(log)
        with open_log(name) as handle:
            touches = list(touches_of(numbered_lines(handle), source=name, pointer=pointer))
        if as_json:
            history_json(touches, sys.stdout)
        else:
            history_table(touches, source=name, pointer=pointer, stream=sys.stdout)


@group.command("compact")
def compact(
    log: LogArg,
    snapshot: Annotated[
        Path, typer.Option("--snapshot", metavar="FILE", help="Write the snapshot here.")
    ],
    truncate: Annotated[
        bool,
        typer.Option("--truncate", help="Also drop the covered events, leaving a checkpoint line."),
    ] = False,
    start: FromOpt = None,
) -> None:
    """Write a snapshot (state plus clock frontier) of LOG; with --truncate, shorten LOG to it.

    Example: statemerge log compact tasks.jsonl --snapshot snapshot.json --truncate
    """
    with handled():
        from statemerge.documents import write_atomic
        from statemerge.errors import UsageError
        from statemerge.eventlog.events import split_lines
        from statemerge.eventlog.logfile import locked_log, open_log
        from statemerge.eventlog.replay import replay as replay_lines

        name = str(log)
        with open_log(name):
            pass  # a missing log is an error here, not a new empty file
        with locked_log(name) as locked:
            result = replay_lines(split_lines(locked.read()), source=name, start=_snapshot(start))
            taken = result.snapshot()
            write_atomic(snapshot, taken.to_bytes())
            if truncate:
                if taken.hlc is None:
                    raise UsageError(f"{name}: holds no event, so there is nothing to truncate.")
                locked.replace(taken.checkpoint().line())
        dropped = " and truncated the log" if truncate else ""
        sys.stderr.write(
            f"{name}: snapshot of {result.applied} events written to {snapshot}{dropped}.\n"
        )


def _replay(name: str, start: Snapshot | None, until: str | None) -> ReplayResult:
    from statemerge.eventlog.logfile import log_size, numbered_lines, open_log
    from statemerge.eventlog.replay import Replayer
    from statemerge.report.log import progress

    replayer = Replayer(source=name, start=start, until=until)
    with open_log(name) as handle, progress(log_size(name), "replay", sys.stderr) as tick:
        for number, raw in numbered_lines(handle, tick):
            replayer.feed(number, raw)
    return replayer.result


def _snapshot(path: Path | None) -> Snapshot | None:
    if path is None:
        return None
    from statemerge.documents import read_value
    from statemerge.eventlog.snapshot import snapshot_from_value

    return snapshot_from_value(read_value(path, "json"), source=str(path))


def _until(text: str | None) -> str | None:
    """An --until value as a full hlc string (a bare time means its last possible counter)."""
    if text is None:
        return None
    from statemerge.clocks import Hlc

    stamp = Hlc.parse(text)
    if "/" in text:
        return str(stamp)
    return str(stamp).rsplit("/", 1)[0] + "/999999999"


def _state_bytes(state: Any, name: str) -> bytes:
    if name.lower().endswith((".yaml", ".yml")):
        import yaml

        return yaml.safe_dump(state, sort_keys=False, allow_unicode=True).encode()
    return _json_bytes(state)


def _json_bytes(value: Any) -> bytes:
    import orjson

    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except TypeError:  # integers beyond 64 bits
        import json

        return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()


def register(app: typer.Typer) -> None:
    """Add the `log` command group to the application."""
    app.add_typer(group, name="log")
