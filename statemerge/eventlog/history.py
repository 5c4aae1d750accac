"""The history of one path: every op of a log that wrote at it, inside it, or over it.

Paths are compared as their authors wrote them: an array index names the element at that index
when the event was written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from statemerge.eventlog.events import FAST_LINE, as_event, checkpoint_of, go_fast, parse_line
from statemerge.patch import split_pointer


class Touch(NamedTuple):
    """One op that touched the path."""

    line: int
    id: str
    agent: str
    seq: int
    hlc: str
    op: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "id": self.id,
            "agent": self.agent,
            "seq": self.seq,
            "hlc": self.hlc,
            "op": self.op,
        }


def related(path: str, pointer: str) -> bool:
    """Whether `path` is `pointer`, inside it, or one of its ancestors."""
    if path == pointer:
        return True
    inner, outer = (path, pointer) if len(path) > len(pointer) else (pointer, path)
    return inner.startswith(outer + "/") or outer == ""


def history(lines: Iterable[tuple[int, bytes]], *, source: str, pointer: str) -> Iterator[Touch]:
    """The ops of a log's events that touched `pointer` (tests, which only read, left out)."""
    split_pointer(pointer)  # a malformed pointer fails here, before reading
    plain = True  # read with the standard library until FAST_LINE
    for index, (number, raw) in enumerate(lines):
        if plain and number >= FAST_LINE:
            plain = False
            go_fast()
        value = parse_line(raw, source=source, line=number)
        mark = checkpoint_of(value) if index == 0 else None
        if mark is not None and not isinstance(mark, str):
            continue  # the checkpoint of a truncated log
        event = as_event(value, source=source, line=number)
        for op in event["ops"]:
            if op["op"] == "test":
                continue
            if related(op["path"], pointer) or ("from" in op and related(op["from"], pointer)):
                yield Touch(number, event["id"], event["agent"], event["seq"], event["hlc"], op)
