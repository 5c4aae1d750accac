"""`statemerge put` (merge on write for scripts and agents that write files) and `statemerge mcp`
(a Model Context Protocol server on stdio, statemerge/integrations/mcp.py).

`put` exits 0 when written, 1 when conflicts are left (report on stderr and in --report-json;
nothing written), 2 for bad input.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import statemerge.cli.lazytyper as typer
from statemerge.cli.common import handled
from statemerge.cli.store import (
    AgentOpt,
    MetricsOpt,
    RetriesOpt,
    StatsOpt,
    StoreArg,
    TimeoutOpt,
    _reported,
)
from statemerge.errors import error_line


def register(app: typer.Typer) -> None:
    """Add `put` and `mcp` to the application."""
    app.command("put")(put)
    app.command("mcp")(mcp)


def put(
    store: StoreArg,
    file: Annotated[str, typer.Argument(metavar="FILE",
                                        help="The new document (JSON or YAML by its suffix).")],
    base: Annotated[
        str | None, typer.Option("--base", metavar="BASEFILE",
                                 help="The document FILE was computed from.")
    ] = None,
    if_match: Annotated[
        str | None, typer.Option("--if-match", help="The etag BASEFILE was read at.")
    ] = None,
    on_conflict: Annotated[
        str | None, typer.Option("--on-conflict", help="Take ours or theirs for conflicts left.")
    ] = None,
    rules: Annotated[
        str | None, typer.Option("--rules", metavar="FILE",
                                 help="Rules file (default: .statemerge.yaml found).")
    ] = None,
    retries: RetriesOpt = 20,
    timeout: TimeoutOpt = 30.0,
    agent: AgentOpt = None,
    show_stats: StatsOpt = False,
    report_json: Annotated[
        str | None, typer.Option("--report-json", metavar="FILE",
                                 help="Write the outcome and conflicts as JSON (- stdout).")
    ] = None,
    metrics: MetricsOpt = None,
) -> None:
    """Write FILE to STORE, merging the writes that landed since BASEFILE (merge on write).

    Example: statemerge put state.json new.json --base read.json
    """
    from statemerge.documents import read_value
    from statemerge.errors import MergeConflict, UsageError
    from statemerge.store import open_store

    outcome: dict[str, Any] = {"written": False, "etag": None, "conflicts": []}
    with handled(), open_store(store, timeout=timeout) as opened:
        new = read_value(file)
        if base is not None:
            base_doc = read_value(base)
        elif if_match is not None:
            opened.check_etag(if_match)
            kept = opened.read_at(if_match)
            if kept is None:
                raise UsageError(
                    f"{store}: the version at etag {if_match} cannot be read back; give it with --base."
                )
            base_doc = kept.value
        else:
            raise UsageError("put needs --base BASEFILE (and --if-match ETAG when known).")
        try:
            with _reported("put", store, agent, show_stats, None, metrics) as call:
                outcome["etag"] = opened.commit(
                    new,
                    base=(base_doc, if_match),
                    rules=rules,
                    on_conflict=on_conflict,
                    retries=retries,
                    agent=call.agent,
                    stats=call,
                )
                outcome["written"] = True
                outcome["stats"] = call.to_record()
        except MergeConflict as conflict:
            outcome["conflicts"] = conflict.conflicts
            for entry in conflict.conflicts:
                sys.stderr.write(error_line(_conflict_line(entry)) + "\n")
            raise
        finally:
            _write_report(report_json, outcome)


def _conflict_line(entry: dict[str, Any]) -> str:
    sides = ", ".join(
        f"{side} {json.dumps(entry[side], ensure_ascii=False)}"
        for side in ("base", "ours", "theirs")
        if side in entry
    )
    return f"conflict {entry['id']} at {entry['path'] or '/'} ({entry['kind']}): {sides}"


def _write_report(path: str | None, outcome: dict[str, Any]) -> None:
    if path is None:
        return
    text = json.dumps(outcome, ensure_ascii=False, indent=2) + "\n"
    if path == "-":
        sys.stdout.write(text)
    else:
        from statemerge.documents import write_atomic

        write_atomic(path, text.encode())


def mcp() -> None:
    """Run a Model Context Protocol server on stdio: statemerge's operations as tools for agents.

    Example: statemerge mcp
    """
    from statemerge.integrations.mcp import serve

    with handled():
        serve()
