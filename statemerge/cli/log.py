"""`statemerge log append|replay|merge|verify|head|history|compact`: event logs agents append to.

Reading the wall clock happens here, and only here: the core is handed the time. Outputs are
written atomically and only after all input was read, so bad input leaves nothing behind.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Annotated, Any

import statemerge.cli.lazytyper as typer
from statemerge.cli.common import handled

if TYPE_CHECKING:
    from statemerge.eventlog.chain import Head
    from statemerge.eventlog.replayer import ReplayResult
    from statemerge.eventlog.snapshot import Snapshot
    from statemerge.eventlog.verify import Verifier

group = typer.Typer(
    help="Event logs: append, replay (time travel), merge without conflicts, verify, history.\n\n"
    "Example: statemerge log replay tasks.jsonl",
    no_args_is_help=True,
)

LogArg = Annotated[str, typer.Argument(metavar="LOG", help="The event log (JSON Lines).")]
OutOpt = Annotated[
    str | None, typer.Option("-o", "--output", metavar="OUT", help="Write here (atomically).")
]
FromOpt = Annotated[
    str | None,
    typer.Option("--from", metavar="SNAPSHOT", help="Start from this snapshot (log compact)."),
]
KeysOpt = Annotated[
    str | None,
    typer.Option(
        "--keys",
        envvar="STATEMERGE_LOG_KEYS",
        metavar="FILE",
        help='HMAC keys, a JSON object {"AGENT": "KEY"}: events of those agents must be signed.',
    ),
]
KEY_ENV = "STATEMERGE_LOG_KEY"  # the appending agent's own key, for `log append`


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
    keys: KeysOpt = None,
) -> None:
    """Append one event (its seq, clock, hlc, chain link and id computed) as one atomic line,
    signed with the agent's key ($STATEMERGE_LOG_KEY, or its entry in --keys); prints its id.

    Example: statemerge log append tasks.jsonl --agent coder set /tasks/1/status '"done"'
    """
    with handled():
        from statemerge.errors import UsageError
        from statemerge.logfile import append_event, unfinished_message
        from statemerge.patch import parse_op_words

        if not agent:
            raise UsageError("log append needs --agent ID (or $STATEMERGE_AGENT).")
        ops = parse_op_words(words)
        key = _signing_key(agent, keys)
        done = append_event(str(log), agent, ops, time.time_ns() // 1000, key=key)
        if done.removed is not None:
            note = unfinished_message(str(log), done.removed, "removed before appending")
            sys.stderr.write(note + "\n")
        sys.stdout.write(done.event["id"] + "\n")


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
        str | None,
        typer.Option("--report-json", metavar="FILE", help="Write conflicts and skipped events."),
    ] = None,
    keys: KeysOpt = None,
) -> None:
    """Replay LOG in causal order and print (or write) the state; conflicts go to stderr. A line
    whose id, chain link or signature does not hold is bad input (exit 2): nothing is applied.

    Example: statemerge log replay tasks.jsonl --until 2026-11-27T12:00:00.000000Z
    """
    with handled():
        from statemerge.documents import write_atomic
        from statemerge.report.log import replay_summary

        result = _replay(str(log), _snapshot(start), _until(until), _keys(keys))
        if report_json is not None:
            write_atomic(report_json, _json_bytes(result.report()))
        if output is None:
            sys.stdout.buffer.write(_state_bytes(result.state, "-"))
        else:
            write_atomic(output, _state_bytes(result.state, str(output)))
        sys.stderr.write("\n".join(replay_summary(result, str(log))) + "\n")


@group.command("merge")
def merge(
    logs: Annotated[list[str], typer.Argument(metavar="LOG...", help="The logs to unite.")],
    output: OutOpt = None,
) -> None:
    """Unite logs by event id in the canonical order: the same bytes whatever the input order.

    Example: statemerge log merge tasks.jsonl coder.jsonl -o merged.jsonl
    """
    with handled():
        from statemerge.documents import write_atomic
        from statemerge.eventlog import merge_logs
        from statemerge.logfile import read_log_bytes

        names = [str(path) for path in logs]
        merged = merge_logs([read_log_bytes(name) for name in names], sources=names)
        if output is None:
            sys.stdout.buffer.write(merged)
        else:
            write_atomic(output, merged)


@group.command("verify")
def verify(
    log: LogArg,
    keys: KeysOpt = None,
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            metavar="FILE|JSON",
            help="A head recorded by `log head` (a file, or the JSON itself): a log that lacks "
            "what it names was cut short or rewritten.",
        ),
    ] = None,
    require_chain: Annotated[
        bool, typer.Option("--require-chain", help="Events without a chain link are problems.")
    ] = False,
    require_signed: Annotated[
        bool, typer.Option("--require-signed", help="Events of agents without a key are problems.")
    ] = False,
) -> None:
    """Check ids, hash chains, signatures, seq gaps and repeats, clock and hlc growth, parse
    errors, and the recorded head; exit 1 on problems.

    Example: statemerge log verify tasks.jsonl --head head.json
    """
    with handled():
        from statemerge.report.log import plural, problem_lines

        name = str(log)
        verifier = _verified(
            name,
            keys=_keys(keys),
            require_chain=require_chain,
            require_signed=require_signed,
            head=_head(head),
        )
        problems = verifier.finish()
        lines = problem_lines(problems, name, verifier.events)
        unchained = verifier.chains.unchained
        if unchained and not require_chain:
            lines.append(
                f"{name}: {plural(unchained, 'event')} unchained (written before hash chains; "
                "--require-chain refuses them)."
            )
        sys.stdout.write("\n".join(lines) + "\n")
        if problems:
            raise typer.Exit(1)


@group.command("head")
def head(log: LogArg, output: OutOpt = None) -> None:
    """Print (or write) LOG's head: each agent's last seq and its id, as JSON. Keep it elsewhere;
    `log verify --head` then notices events removed from the end. Exit 1 for an unsound log.

    Example: statemerge log head tasks.jsonl -o head.json
    """
    with handled():
        from statemerge.documents import write_atomic
        from statemerge.eventlog.chain import head_to_json
        from statemerge.report.log import problem_lines

        name = str(log)
        verifier = _verified(name)
        problems = verifier.finish()
        if problems:
            sys.stderr.write("\n".join(problem_lines(problems, name, verifier.events)) + "\n")
            raise typer.Exit(1)
        data = _json_bytes(head_to_json(verifier.chains.head()))
        if output is None:
            sys.stdout.buffer.write(data)
        else:
            write_atomic(output, data)


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
        from statemerge.logfile import numbered_lines, open_log
        from statemerge.report.log import history_json, history_table

        name = str(log)
        with open_log(name) as handle:
            lines = numbered_lines(handle)
            touches = list(touches_of(lines, source=name, pointer=pointer))
        _say_unfinished(name, lines.unfinished)
        if as_json:
            history_json(touches, sys.stdout)
        else:
            history_table(touches, source=name, pointer=pointer, stream=sys.stdout)


@group.command("compact")
def compact(
    log: LogArg,
    snapshot: Annotated[
        str, typer.Option("--snapshot", metavar="FILE", help="Write the snapshot here.")
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
        from statemerge.eventlog.replayer import Replayer
        from statemerge.logfile import locked_log, open_log

        name = str(log)
        with open_log(name):
            pass  # a missing log is an error here, not a new empty file
        with locked_log(name) as locked:
            replayer = Replayer(source=name, start=_snapshot(start))
            for number, raw in split_lines(locked.read()):
                replayer.feed(number, raw)
            result = replayer.result
            taken = result.snapshot()
            if truncate and taken.hlc is None:  # refused before anything is written
                raise UsageError(f"{name}: holds no event, so there is nothing to truncate.")
            write_atomic(snapshot, taken.to_bytes())
            if truncate:
                heads = {agent: tip[1] for agent, tip in replayer.chains.tips.items()}
                locked.replace(taken.checkpoint(heads).line())
        dropped = " and truncated the log" if truncate else ""
        sys.stderr.write(
            f"{name}: snapshot of {result.applied} events written to {snapshot}{dropped}.\n"
        )


def _replay(
    name: str, start: Snapshot | None, until: str | None, keys: dict[str, bytes] | None
) -> ReplayResult:
    from statemerge.eventlog.replayer import Replayer
    from statemerge.logfile import log_size, numbered_lines, open_log
    from statemerge.report.log import progress

    replayer = Replayer(source=name, start=start, until=until, keys=keys)
    with open_log(name) as handle, progress(log_size(name), "replay", sys.stderr) as tick:
        lines = numbered_lines(handle, tick)
        for number, raw in lines:
            replayer.feed(number, raw)
    _say_unfinished(name, lines.unfinished)
    return replayer.result


def _verified(name: str, **options: Any) -> Verifier:
    """A Verifier fed every complete line of the log at `name` (options: the Verifier's)."""
    from statemerge.eventlog.verify import Verifier
    from statemerge.logfile import log_size, numbered_lines, open_log
    from statemerge.report.log import progress

    verifier = Verifier(**options)
    with open_log(name) as handle, progress(log_size(name), "verify", sys.stderr) as tick:
        lines = numbered_lines(handle, tick)
        for number, raw in lines:
            verifier.feed(number, raw)
    _say_unfinished(name, lines.unfinished)
    return verifier


def _say_unfinished(name: str, line: int | None) -> None:
    """One stderr line about a last line without its newline, which was skipped."""
    if line is not None:
        from statemerge.logfile import unfinished_message

        sys.stderr.write(unfinished_message(name, line) + "\n")


def _keys(path: str | None) -> dict[str, bytes] | None:
    """The keys file given with --keys (or $STATEMERGE_LOG_KEYS), read."""
    if path is None:
        return None
    from statemerge.documents import read_value
    from statemerge.eventlog.chain import keys_from_json

    return keys_from_json(read_value(path, "json"), source=str(path))


def _signing_key(agent: str, path: str | None) -> bytes | None:
    """The key `log append` signs with: $STATEMERGE_LOG_KEY, else the agent's entry in --keys."""
    import os

    from statemerge.errors import UsageError

    own = os.environ.get(KEY_ENV)
    if own:
        return own.encode()
    keys = _keys(path)
    if keys is None:
        return None
    if agent not in keys:
        raise UsageError(f"{path}: has no key for agent {agent!r}; nothing was appended.")
    return keys[agent]


def _head(text: str | None) -> Head | None:
    """A --head value: the JSON itself when it starts with `{`, else a file holding it."""
    if text is None:
        return None
    from statemerge.documents import read_value
    from statemerge.documents.formats import parse_value
    from statemerge.eventlog.chain import head_from_json

    if text.lstrip().startswith("{"):
        return head_from_json(parse_value(text.encode(), "--head", "json"), source="--head")
    return head_from_json(read_value(text, "json"), source=text)


def _snapshot(path: str | None) -> Snapshot | None:
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
        from statemerge.documents.yamlwrite import dump_yaml

        return dump_yaml(state).encode()
    return _json_bytes(state)


def _json_bytes(value: Any) -> bytes:
    from statemerge.jsonvalue import indented_json

    return indented_json(value)


def register(app: typer.Typer) -> None:
    """Add the `log` command group to the application."""
    app.add_typer(group, name="log")
