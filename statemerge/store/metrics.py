"""Contention made visible: per-call stats, a metrics file of JSON lines, and their sums.

Every store call fills a CallStats (attempts, conflicts, lock wait, outcome), also when it
fails; `--metrics FILE` appends it as one line, and `statemerge stats FILE` sums the lines by kind
of call and agent (`summarize`, pure).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from typing import Any

from statemerge.errors import InputError, ParseError

OUTCOMES = ("ok", "changed", "timeout", "exhausted", "conflict", "error")


class CallStats:
    """Contention seen by one call: filled in as the call goes, also when it fails."""

    def __init__(self, kind: str, store: str, agent: str, attempts: int = 0, conflicts: int = 0,
                 lock_wait: float = 0.0, elapsed: float = 0.0, outcome: str = "ok",
                 started: float | None = None) -> None:
        self.kind = kind  # get, set, update, update-lock, lock
        self.store = store
        self.agent = agent
        self.attempts = attempts
        self.conflicts = conflicts  # compare-and-sets lost because the value changed since read
        self.lock_wait = lock_wait  # seconds waiting for a lock (also the brief lock of a write)
        self.elapsed = elapsed
        self.outcome = outcome  # ok, changed, timeout, exhausted, conflict, error
        self.started = time.time() if started is None else started

    def __repr__(self) -> str:
        return f"CallStats({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"

    def __eq__(self, other: object) -> bool:
        return type(other) is CallStats and vars(self) == vars(other)

    @property
    def retries(self) -> int:
        """Attempts after the first."""
        return max(0, self.attempts - 1)

    def to_record(self) -> dict[str, Any]:
        """The stats as one JSON-able record (a line of a metrics file)."""
        return {
            "kind": self.kind,
            "store": self.store,
            "agent": self.agent,
            "attempts": self.attempts,
            "retries": self.retries,
            "conflicts": self.conflicts,
            "lock_wait": round(self.lock_wait, 6),
            "elapsed": round(self.elapsed, 6),
            "outcome": self.outcome,
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started)),
        }


def append_record(path: str, record: dict[str, Any]) -> None:
    """Append one record as a line; one `write` with O_APPEND, so concurrent writers' lines do
    not interleave."""
    line = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    except OSError as error:
        raise InputError(f"{path}: cannot be opened for appending ({error.strerror}).") from None
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


_NUMBERS = ("attempts", "conflicts", "lock_wait", "elapsed")


def parse_records(lines: Iterable[str], source: str) -> list[dict[str, Any]]:
    """The records of a metrics file; a line that is not one is a ParseError naming it."""
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise ParseError(source, "not a JSON line.", number) from None
        if not isinstance(record, dict):
            raise ParseError(source, "not a JSON object.", number)
        for name in ("kind", "agent"):
            if not isinstance(record.get(name), str):
                raise ParseError(source, f"{name!r} is missing or not a string.", number)
        for name in _NUMBERS:
            value = record.get(name)
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise ParseError(source, f"{name!r} is missing or not a number >= 0.", number)
        records.append(record)
    return records


class Summary:
    """The sums of the calls of one kind by one agent (or of everything: kind and agent `*`)."""

    def __init__(self, kind: str, agent: str) -> None:
        self.kind = kind
        self.agent = agent
        self.calls = 0
        self.failed = 0
        self.attempts = 0
        self.conflicts = 0
        self.lock_wait = 0.0
        self.lock_wait_max = 0.0
        self.elapsed = 0.0
        self.outcomes: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"Summary({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"

    def __eq__(self, other: object) -> bool:
        return type(other) is Summary and vars(self) == vars(other)

    @property
    def retries(self) -> int:
        """Attempts beyond the first of each call."""
        return max(0, self.attempts - self.calls)

    @property
    def conflict_rate(self) -> float:
        """Conflicts per attempt."""
        return self.conflicts / self.attempts if self.attempts else 0.0

    def add(self, record: dict[str, Any]) -> None:
        """Count one call."""
        self.calls += 1
        outcome = str(record.get("outcome", "ok"))
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        self.failed += outcome != "ok"
        self.attempts += int(record["attempts"])
        self.conflicts += int(record["conflicts"])
        self.lock_wait += float(record["lock_wait"])
        self.lock_wait_max = max(self.lock_wait_max, float(record["lock_wait"]))
        self.elapsed += float(record["elapsed"])

    def to_json(self) -> dict[str, Any]:
        """The sums as JSON data."""
        return {
            "kind": self.kind,
            "agent": self.agent,
            "calls": self.calls,
            "failed": self.failed,
            "attempts": self.attempts,
            "retries": self.retries,
            "conflicts": self.conflicts,
            "conflict_rate": round(self.conflict_rate, 4),
            "lock_wait": round(self.lock_wait, 6),
            "lock_wait_max": round(self.lock_wait_max, 6),
            "elapsed": round(self.elapsed, 6),
            "outcomes": dict(sorted(self.outcomes.items())),
        }


def summarize(records: Iterable[dict[str, Any]]) -> tuple[list[Summary], Summary]:
    """Sums by (kind, agent), sorted, and the total over all records."""
    groups: dict[tuple[str, str], Summary] = {}
    total = Summary("*", "*")
    for record in records:
        key = (record["kind"], record["agent"])
        groups.setdefault(key, Summary(*key)).add(record)
        total.add(record)
    return [groups[key] for key in sorted(groups)], total
