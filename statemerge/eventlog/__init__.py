"""Event logs: JSON Lines of events that agents append; replay gives the state, merge is a union.

Pure core (plain data in and out): `events` (format, content hash), `ot` (transformation of
concurrent ops), `window` (which applied events a late one is transformed against), `replay`,
`logmerge`, `verify`, `history`, `snapshot`. The log on disk (locks, appends) is
`statemerge.logfile`, above this package.

The API the git driver and `statemerge check` use:

- `merge_logs(inputs, sources=...) -> bytes`: union by id, canonical order, same bytes whatever
  the input order; InputError naming source and line for a broken line.
- `verify_log(data, source=...) -> list[LogProblem]`: empty when the log is sound.
"""

from __future__ import annotations

from statemerge.eventlog.logmerge import merge_logs
from statemerge.eventlog.replay import ReplayConflict, ReplayResult, Skipped, replay
from statemerge.eventlog.snapshot import Snapshot
from statemerge.eventlog.verify import LogProblem, verify_log

__all__ = [
    "LogProblem",
    "ReplayConflict",
    "ReplayResult",
    "Skipped",
    "Snapshot",
    "merge_logs",
    "replay",
    "verify_log",
]
