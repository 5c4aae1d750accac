"""Event logs: JSON Lines of events that agents append; replay gives the state, merge is a union.

Pure core (plain data in and out): `events` (format, content hash), `ot` (transformation of
concurrent ops), `window` (which applied events a late one is transformed against), `replayer`,
`logmerge`, `verify`, `history`, `snapshot`. The log on disk (locks, appends) is
`statemerge.logfile`, above this package.

The API the git driver and `statemerge check` use:

- `merge_logs(inputs, sources=...) -> bytes`: union by id, canonical order, same bytes whatever
  the input order; InputError naming source and line for a broken line.
- `verify_log(data, source=...) -> list[LogProblem]`: empty when the log is sound.

The names below load their module when first used, so a command loads only what it runs.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from statemerge.eventlog.logmerge import merge_logs
    from statemerge.eventlog.replayer import ReplayConflict, ReplayResult, Skipped, replay
    from statemerge.eventlog.snapshot import Snapshot
    from statemerge.eventlog.verify import LogProblem, verify_log

_HOMES = {
    "LogProblem": "verify",
    "ReplayConflict": "replayer",
    "ReplayResult": "replayer",
    "Skipped": "replayer",
    "Snapshot": "snapshot",
    "merge_logs": "logmerge",
    "replay": "replayer",
    "verify_log": "verify",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = f"{__name__}.{home}"
    __import__(module)
    value = getattr(sys.modules[module], name)
    globals()[name] = value
    return value
