"""Rendering store contention: one call's stats line, and `statemerge stats` as a table or JSON."""

from __future__ import annotations

import json
from typing import IO

from statemerge.store.metrics import CallStats, Summary


def stats_line(stats: CallStats) -> str:
    """One call's contention in a sentence (for `--stats`, on stderr)."""
    retries = "retry" if stats.retries == 1 else "retries"
    conflicts = "conflict" if stats.conflicts == 1 else "conflicts"
    attempts = "attempt" if stats.attempts == 1 else "attempts"
    return (
        f"statemerge: {stats.kind} {stats.store}: {stats.outcome}, {stats.attempts} {attempts} "
        f"({stats.retries} {retries}, {stats.conflicts} {conflicts}), "
        f"lock wait {stats.lock_wait:.3f} s, {stats.elapsed:.3f} s in all."
    )


def render_json(groups: list[Summary], total: Summary) -> str:
    """The sums as one JSON document."""
    return json.dumps(
        {"groups": [group.to_json() for group in groups], "total": total.to_json()},
        ensure_ascii=False,
        indent=2,
    )


def render_table(groups: list[Summary], total: Summary, stream: IO[str]) -> None:
    """The sums as a table, one row per kind of call and agent, and a total."""
    from rich import box
    from rich.table import Table

    from statemerge.report import verbatim_console

    table = Table(title="Store contention", title_justify="left", box=box.SIMPLE_HEAD)
    for name in ("kind", "agent"):
        table.add_column(name)
    for name in ("calls", "failed", "retries", "conflicts", "per attempt"):
        table.add_column(name, justify="right")
    for name in ("lock wait s", "max wait s", "mean s"):
        table.add_column(name, justify="right")
    for index, row in enumerate([*groups, total]):
        table.add_row(
            "total" if row is total else row.kind,
            "" if row is total else row.agent,
            str(row.calls),
            str(row.failed),
            str(row.retries),
            str(row.conflicts),
            f"{row.conflict_rate:.1%}",
            f"{row.lock_wait:.3f}",
            f"{row.lock_wait_max:.3f}",
            f"{row.elapsed / row.calls:.3f}" if row.calls else "-",
            end_section=index == len(groups) - 1,
        )
    width = None if stream.isatty() else 120  # a file or pipe gets whole rows, not wrapped cells
    verbatim_console(stream, width=width).print(table)
