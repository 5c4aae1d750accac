"""`statemerge get/set/update/lock/stats`: shared state under concurrency.

STORE is a file path or `etcd://HOST:PORT[,HOST:PORT...]/KEY`. Exit codes: 0 done, 1 a failed
precondition (if-match refused, retries exhausted, lock timeout), 2 bad input or an unreachable
backend; `lock` exits with COMMAND's status.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import statemerge.cli.lazytyper as typer
from statemerge.cli.common import handled
from statemerge.errors import error_line

if TYPE_CHECKING:
    from statemerge.store import CallStats

# `inc /n -1` and `set /n -5`: a word that starts with a dash is an operation's argument.
WORDS = {"ignore_unknown_options": True}

StoreArg = Annotated[str, typer.Argument(help="A file, or etcd://HOST:PORT[,HOST:PORT...]/KEY.")]
TimeoutOpt = Annotated[
    float, typer.Option("--timeout", help="Seconds the whole call may take.", min=0.0)
]
AgentOpt = Annotated[
    str | None, typer.Option("--agent", help="Who acts (default $STATEMERGE_AGENT or the user).")
]
StatsOpt = Annotated[bool, typer.Option("--stats", help="Print attempts, conflicts, lock wait.")]
ReportOpt = Annotated[
    str | None, typer.Option("--report-json", metavar="FILE",
                             help="Write this call's stats as JSON (- stdout).")
]
MetricsOpt = Annotated[
    str | None, typer.Option("--metrics", metavar="FILE",
                             help="Append this call's stats as a JSON line.")
]
RetriesOpt = Annotated[
    int, typer.Option("--retries", help="Attempts after the first when others write first.", min=0)
]


def register(app: typer.Typer) -> None:
    """Add the store commands to the application."""
    app.command("get")(get)
    app.command("set", context_settings=WORDS)(set_value)
    app.command("update", context_settings=WORDS)(update)
    app.command("lock")(lock)
    app.command("stats")(stats)


def get(
    store: StoreArg,
    pointer: Annotated[str, typer.Argument(help="JSON Pointer of the value (default: all).")] = "",
    etag: Annotated[bool, typer.Option("--etag", help="Print `etag: TAG` after it.")] = False,
    timeout: TimeoutOpt = 30.0,
) -> None:
    """Print the value (as JSON) at POINTER of STORE.

    Example: statemerge get state.json /tasks/0
    """
    from statemerge.store import open_store

    with handled(), open_store(store, timeout=timeout) as opened:
        value, tag = opened.get(pointer)
        sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
        if etag:
            sys.stdout.write(f"etag: {tag}\n")


def set_value(
    store: StoreArg,
    pointer: Annotated[str, typer.Argument(help="JSON Pointer to write ('' is the whole).")],
    value: Annotated[str, typer.Argument(help="A JSON value: 1, '\"text\"', '[1,2]'.")],
    if_match: Annotated[
        str | None, typer.Option("--if-match", help="Write only if STORE is still at this etag.")
    ] = None,
    retries: RetriesOpt = 20,
    timeout: TimeoutOpt = 30.0,
    agent: AgentOpt = None,
    show_stats: StatsOpt = False,
    report_json: ReportOpt = None,
    metrics: MetricsOpt = None,
) -> None:
    """Write VALUE at POINTER; with --if-match, only if nothing changed since that etag.

    Example: statemerge set state.json /tasks/0/status '"done"' --if-match sha256:5b7d6c0a
    """
    from statemerge.patch import parse_op_words
    from statemerge.store import open_store

    with handled(), open_store(store, timeout=timeout) as opened:
        ops = parse_op_words(["set", pointer, value])
        with _reported("set", store, agent, show_stats, report_json, metrics) as call:
            opened.apply(ops, if_match=if_match, retries=retries, agent=call.agent, stats=call)


def update(
    store: StoreArg,
    ops: Annotated[
        list[str],
        typer.Argument(help="Operations: set P V, delete P, inc P N, insert P V, or JSON Patch."),
    ],
    retries: RetriesOpt = 20,
    use_lock: Annotated[
        bool, typer.Option("--lock", help="Hold the lock for the read-modify-write instead.")
    ] = False,
    timeout: TimeoutOpt = 30.0,
    agent: AgentOpt = None,
    show_stats: StatsOpt = False,
    report_json: ReportOpt = None,
    metrics: MetricsOpt = None,
) -> None:
    """Apply OPs without losing concurrent updates: compare-and-set with retries, or --lock.

    Example: statemerge update state.json inc /runs 1 set /status '"busy"'
    """
    from statemerge.patch import parse_op_words
    from statemerge.store import open_store

    kind = "update-lock" if use_lock else "update"
    with handled(), open_store(store, timeout=timeout) as opened:
        parsed = parse_op_words(ops)
        with _reported(kind, store, agent, show_stats, report_json, metrics) as call:
            opened.apply(parsed, retries=retries, lock=use_lock, agent=call.agent, stats=call)


def lock(
    store: StoreArg,
    command: Annotated[
        list[str] | None, typer.Argument(help="The command to run under the lock, after --.")
    ] = None,
    status: Annotated[bool, typer.Option("--status", help="Show who holds the lock.")] = False,
    agent: AgentOpt = None,
    timeout: TimeoutOpt = 30.0,
    show_stats: StatsOpt = False,
    report_json: ReportOpt = None,
    metrics: MetricsOpt = None,
) -> None:
    """Run COMMAND while holding STORE's exclusive lock; exit with its status.

    Writes by COMMAND (and its children) to STORE go through; everyone else's wait.

    Example: statemerge lock state.json -- ./deploy.sh
    """
    from statemerge.errors import UsageError
    from statemerge.store import open_store

    code = 0
    with handled(), open_store(store, timeout=timeout) as opened:
        if status:
            if command:
                raise UsageError("lock --status takes no COMMAND.")
            sys.stdout.write(_status_line(opened.lock_status()) + "\n")
            return
        if not command:
            raise UsageError("lock needs a COMMAND to run: statemerge lock STORE -- COMMAND...")
        with (
            _reported("lock", store, agent, show_stats, report_json, metrics) as call,
            opened.lock(agent=call.agent, stats=call),
        ):
            code = _run_child(command, opened.lock_env(), opened.lock_fds())
            if opened.lock_lost:
                sys.stderr.write(error_line(f"{store}: the lock was lost while COMMAND ran.") + "\n")
    raise typer.Exit(code)


def stats(
    metrics_file: Annotated[str, typer.Argument(metavar="FILE", help="A --metrics file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Sum the calls of a metrics file by kind and agent: attempts, conflicts, lock wait.

    Example: statemerge stats metrics.jsonl
    """
    from statemerge.documents import read_bytes
    from statemerge.report import store as report
    from statemerge.store.metrics import parse_records, summarize

    with handled():
        text = read_bytes(metrics_file).decode("utf-8", "replace")
        groups, total = summarize(parse_records(text.splitlines(), str(metrics_file)))
        if as_json:
            sys.stdout.write(report.render_json(groups, total) + "\n")
        else:
            report.render_table(groups, total, sys.stdout)


@contextmanager
def _reported(
    kind: str,
    store: str,
    agent: str | None,
    show: bool,
    report_json: str | None,
    metrics: str | None,
) -> Iterator[CallStats]:
    """The stats of one call, printed, written and appended as asked, also when it fails."""
    from statemerge.store import CallStats, default_agent

    call = CallStats(kind=kind, store=store, agent=agent or default_agent())
    try:
        yield call
    except BaseException:
        if call.outcome == "ok":
            call.outcome = "error"
        raise
    finally:
        _emit(call, show, report_json, metrics)


def _emit(call: CallStats, show: bool, report_json: str | None, metrics: str | None) -> None:
    from statemerge.store.metrics import append_record

    if show:
        from statemerge.report.store import stats_line

        sys.stderr.write(stats_line(call) + "\n")
    record = call.to_record()
    if report_json is not None:
        text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        if report_json == "-":
            sys.stdout.write(text)
        else:
            from statemerge.documents import write_atomic

            write_atomic(report_json, text.encode())
    if metrics is not None:
        append_record(metrics, record)


def _status_line(state: object) -> str:
    from statemerge.store import LockState
    from statemerge.store.files import describe_holder

    assert isinstance(state, LockState)
    if not state.held:
        return "not locked"
    if state.holder is None:
        return "locked"
    line = f"locked by {describe_holder(state.holder)}"
    if _ended(state.holder.pid, state.holder.host):
        line += "; that process has ended, and the command it ran still holds the lock"
    return line


def _ended(pid: int, host: str) -> bool:
    """Whether process `pid` of `host` is known to have ended (only this host's can be known)."""
    import socket

    if host != socket.gethostname():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists, but is not ours to signal
        return False
    return False


def _run_child(command: list[str], lock_env: dict[str, str], lock_fds: tuple[int, ...]) -> int:
    """Run COMMAND to its end; SIGTERM and SIGHUP are passed on, so the lock outlives it. COMMAND
    inherits the lock's descriptors (`lock_fds`), so the lock also outlives this process if it is
    killed: nobody else writes while COMMAND runs."""
    import signal
    import subprocess

    from statemerge.errors import UsageError

    try:
        child = subprocess.Popen(command, env={**os.environ, **lock_env}, pass_fds=lock_fds)
    except OSError as error:
        raise UsageError(f"cannot run {command[0]!r}: {error.strerror}.") from None

    def forward(signum: int, _frame: object) -> None:
        child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGHUP)}
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.SIG_IGN)  # the child gets it
    try:
        code = child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code if code >= 0 else 128 - code
