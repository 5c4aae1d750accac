"""Snapshots: the state a log replays to, with the clock frontier it covers.

    {"format":"statemerge-snapshot/1","frontier":{"coder":7,"planner":12},
     "hlc":"2026-11-27T12:00:00.000000Z/0003","state":{...}}

Replay from a snapshot skips every event at or below its frontier. A snapshot's hash (`sha256:` of
its canonical bytes) is what a truncated log's checkpoint line names.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from statemerge.clocks import VersionVector
from statemerge.errors import NodeError
from statemerge.eventlog.events import Checkpoint, clock_problem, digest
from statemerge.jsonvalue import canonical_json

FORMAT = "statemerge-snapshot/1"
_KEYS = frozenset(("format", "frontier", "hlc", "state"))


class Snapshot(NamedTuple):
    """A replayed state and the events it covers."""

    state: Any
    frontier: VersionVector
    hlc: str | None

    def to_bytes(self) -> bytes:
        """The canonical file content (a trailing newline included)."""
        body = {
            "format": FORMAT,
            "frontier": dict(sorted(self.frontier.items())),
            "hlc": self.hlc,
            "state": self.state,
        }
        return canonical_json(body) + b"\n"

    @property
    def digest(self) -> str:
        """The hash a checkpoint line names."""
        return digest(self.to_bytes())

    def checkpoint(self, heads: dict[str, str] | None = None) -> Checkpoint:
        """The checkpoint line that starts a log truncated at this snapshot; `heads` (agent: id
        of its last covered event) let the agents' hash chains go on past it."""
        if self.hlc is None:
            raise ValueError("An empty snapshot covers no event and needs no checkpoint.")
        return Checkpoint(dict(self.frontier), self.hlc, self.digest, heads)


def snapshot_from_value(value: Any, *, source: str) -> Snapshot:
    """Read a parsed snapshot file; NodeError (exit 2) for anything malformed."""
    if not isinstance(value, dict) or value.keys() != _KEYS:
        raise NodeError(source, "", f"a snapshot is an object with {', '.join(sorted(_KEYS))}.")
    if value["format"] != FORMAT:
        raise NodeError(source, "/format", f"unknown snapshot format {value['format']!r}.")
    problem = clock_problem(value["frontier"])
    if problem:
        raise NodeError(source, "/frontier", "the frontier must be an object of whole numbers >= 0.")
    if value["hlc"] is not None and not isinstance(value["hlc"], str):
        raise NodeError(source, "/hlc", "the hlc must be a timestamp string or null.")
    return Snapshot(value["state"], dict(value["frontier"]), value["hlc"])
