"""The event format: one JSON object a line, with a content-hash id.

    {"agent":"planner","clock":{"coder":7,"planner":12},"hlc":"2026-11-27T12:00:00.000000Z/0003",
     "id":"sha256:…","ops":[{"op":"replace","path":"/tasks/3/status","value":"done"}],"seq":12}

- `id` is `sha256:` plus the hex SHA-256 of the event's canonical JSON without `id` (keys sorted,
  no spaces, UTF-8), so any edit of a logged event shows.
- `prev` chains each agent's events: the id of its event seq - 1 (null at seq 1). Events written
  before chains have no `prev`; they stay readable (`chain` says how they are checked).
- `sig` (optional) is `hmac-sha256:` plus the HMAC of the canonical JSON without `id` and `sig`,
  with the agent's key: without the key, an edited event cannot be re-signed.
- `clock[agent] == seq`; the other entries are what the agent had seen when it wrote the event.
- A log may start with one checkpoint line, written by `log compact --truncate`:
  `{"checkpoint":{"frontier":{...},"hlc":"...","snapshot":"sha256:…"}}`.

Events stay plain dicts on the hot paths (replay, merge, verify parse millions of them);
`new_event` builds one and `event_problem` checks one. A short log is read and hashed with what
imports fastest (the standard library's json, the built-in SHA-256); a long one, from
`FAST_LINE` on, with orjson and OpenSSL's SHA-256 (`go_fast`): the same values and digests.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any, NamedTuple

from statemerge.clocks import Hlc, VersionVector, hlc_send, vv_merge
from statemerge.errors import ParseError
from statemerge.jsonvalue import FAST_FROM, canonical_json, fast_json, loads_fast
from statemerge.patch import Op, op_problem
from statemerge.sha256 import sha256_now

EVENT_KEYS = frozenset(("id", "agent", "seq", "clock", "hlc", "ops"))
CHAIN_KEYS = frozenset(("prev", "sig"))  # optional: logs written before chains lack them
ALL_KEYS = EVENT_KEYS | CHAIN_KEYS
CHECKPOINT_KEYS = frozenset(("frontier", "hlc", "snapshot"))
_CP_KEYS = CHECKPOINT_KEYS | {"heads"}
ID_PREFIX = "sha256:"
SIG_PREFIX = "hmac-sha256:"
FAST_LINE = 2_000  # lines of events in about FAST_FROM bytes: where `go_fast` pays


def go_fast(size: int = FAST_FROM) -> Callable[[bytes], Any]:
    """Load orjson and OpenSSL's SHA-256 when `size` bytes of log make their imports pay (both
    are used from then on); the SHA-256 to use."""
    if fast_json(size) is not None:
        import hashlib  # noqa: F401 - `sha256_now` takes it from here on
    return sha256_now()


@cache
def hlc_pattern() -> re.Pattern[str]:
    """An hlc's shape, like 2026-11-27T12:00:00.000000Z/0003 (compiled when first needed)."""
    return re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z/[0-9]{4,}")


@cache
def hash_pattern(prefix: str = ID_PREFIX) -> re.Pattern[str]:
    """`prefix` and 64 lowercase hex digits: an event id, a snapshot's hash, a signature."""
    return re.compile(re.escape(prefix) + r"[0-9a-f]{64}\Z")


def digest(data: bytes) -> str:
    """`sha256:` plus the hex digest of some bytes."""
    hashlib = sys.modules.get("hashlib")  # `sha256_now`, inline: verify hashes every line
    hashed = (hashlib.sha256 if hashlib is not None else sha256_now())(data)
    return ID_PREFIX + str(hashed.hexdigest())


def event_id(event: Mapping[str, Any]) -> str:
    """The content hash of an event: its canonical JSON without the `id` field."""
    content = {key: value for key, value in event.items() if key != "id"}
    return digest(canonical_json(content))


def signature(event: Mapping[str, Any], key: bytes) -> str:
    """`hmac-sha256:` and the HMAC-SHA256, with `key`, of the event without `id` and `sig`."""
    import hashlib
    import hmac

    content = {name: value for name, value in event.items() if name not in ("id", "sig")}
    return SIG_PREFIX + hmac.new(key, canonical_json(content), hashlib.sha256).hexdigest()


def event_line(event: Mapping[str, Any]) -> bytes:
    """An event as one canonical log line, newline included."""
    return canonical_json(event) + b"\n"


def new_event(
    agent: str,
    seq: int,
    clock: Mapping[str, int],
    hlc: Hlc,
    ops: list[Op],
    *,
    prev: str | None = None,
    chained: bool = False,
    key: bytes | None = None,
) -> dict[str, Any]:
    """A complete event with its id; when `chained`, it names `prev` (the id of the agent's event
    seq - 1, None at seq 1), else it has the format before chains; signed when given a key."""
    event: dict[str, Any] = {
        "agent": agent,
        "clock": dict(sorted(clock.items())),
        "hlc": str(hlc),
        "ops": ops,
        "seq": seq,
    }
    if chained:
        event["prev"] = prev
    if key is not None:
        event["sig"] = signature(event, key)
    event["id"] = event_id(event)
    return event


def hlc_order(text: str) -> str:
    """A string that sorts like `hlc_key`, cheaper to compare: the hlc itself while its
    counter has four digits (as nearly always), else one sorting after all of those."""
    if len(text) == 32:
        return text
    return text[:28] + "~" + text[28:].rjust(20, "0")


def hlc_key(text: str) -> tuple[str, int]:
    """A sort key for an hlc string that stays right past counter 9999 (a malformed counter,
    which `verify` reports, sorts first)."""
    counter = text[28:]
    return text[:27], int(counter) if counter.isdigit() else -1


def parse_line(raw: bytes, *, source: str, line: int, exact: bool = True) -> Any:
    """One line's JSON value; ParseError naming the source and line when it is not JSON.
    `exact=False`: integers beyond 64 bits may read as floats (see `jsonvalue.loads_fast`), for
    a caller that reads the line again when its id or canonical bytes do not match."""
    try:
        return loads_fast(raw, exact=exact)
    except ValueError as error:
        reason = str(error).split(":", 1)[0]
        raise ParseError(source, f"not valid JSON ({reason}).", line) from None


def event_problem(event: Any) -> str | None:
    """Why a parsed line is not a well-formed event (a sentence), or None. Checks the shape of
    `id`, not the hash."""
    return header_problem(event) or clock_problem(event["clock"]) or ops_problem(event["ops"])


def ops_problem(ops: list[Any]) -> str | None:
    """Why an event's (non-empty list of) ops is malformed, or None."""
    for index, op in enumerate(ops):
        problem = op_problem(op)
        if problem:
            return f"operation {index}: {problem}"
    return None


def header_problem(event: Any) -> str | None:
    """Like `event_problem`, but leaves the clock's entries and the ops to the caller: replay
    checks them only when it uses them (a clock unlike the applied frontier; ops that fail),
    which keeps its hot path short."""
    if (
        type(event) is dict
        and (len(event) == 6 or _chain_fields_fine(event))
        and type(agent := event.get("agent")) is str
        and agent
        and type(seq := event.get("seq")) is int
        and seq > 0
        and type(clock := event.get("clock")) is dict
        and clock.get(agent) == seq
        and type(hlc := event.get("hlc")) is str
        and hlc_pattern().fullmatch(hlc) is not None
        and type(event_hash := event.get("id")) is str
        and len(event_hash) == 71
        and event_hash.startswith(ID_PREFIX)
        and type(ops := event.get("ops")) is list
        and ops
    ):
        return None
    return _header_problem(event)


def _header_problem(event: Any) -> str:
    """The sentence for an event `header_problem` found malformed."""
    if type(event) is not dict:
        return f"an event must be a JSON object, not {_kind(event)}."
    if not EVENT_KEYS <= event.keys() <= ALL_KEYS:
        missing = sorted(EVENT_KEYS - event.keys())
        extra = sorted(event.keys() - ALL_KEYS)
        if missing:
            return f"the event has no {', '.join(map(repr, missing))}."
        return f"the event has unknown fields {', '.join(map(repr, extra))}."
    agent, seq, clock = event["agent"], event["seq"], event["clock"]
    if type(agent) is not str or not agent:
        return "'agent' must be a non-empty string."
    if type(seq) is not int or seq < 1:
        return "'seq' must be a whole number from 1."
    if type(clock) is not dict or clock.get(agent) != seq:
        return clock_problem(clock) or f"the clock's entry for {agent!r} must equal seq {seq}."
    hlc = event["hlc"]
    if type(hlc) is not str or not hlc_pattern().fullmatch(hlc):
        return "'hlc' must be a timestamp like 2026-11-27T12:00:00.000000Z/0003."
    event_hash = event["id"]
    if type(event_hash) is not str or len(event_hash) != 71 or not event_hash.startswith(ID_PREFIX):
        return "'id' must be 'sha256:' and 64 hex digits."
    return chain_problem(event) or "'ops' must be a non-empty list of operations."


def _chain_fields_fine(event: dict[str, Any]) -> bool:
    """`chain_problem(event) is None`, quickly for the usual event: seven fields, one of them
    `prev` (the other six the caller checks)."""
    if len(event) == 7 and "prev" in event:
        prev = event["prev"]
        if prev is None:
            return event.get("seq") == 1
        return type(prev) is str and len(prev) == 71 and prev.startswith(ID_PREFIX) and event.get("seq") != 1
    return chain_problem(event) is None


def chain_problem(event: dict[str, Any]) -> str | None:
    """Why an event's `prev` and `sig` (when present) are malformed, or None; the other fields
    are the caller's to check."""
    if not EVENT_KEYS <= event.keys() <= ALL_KEYS:
        return "the event's fields are not those of an event."
    if "prev" in event:
        prev = event["prev"]
        if event["seq"] == 1:
            if prev is not None:
                return "'prev' must be null at seq 1: there is no earlier event."
        elif type(prev) is not str or len(prev) != 71 or not prev.startswith(ID_PREFIX):
            return "'prev' must be the id of the agent's previous event ('sha256:' and 64 hex digits)."
    sig = event.get("sig")
    if "sig" in event and (type(sig) is not str or not hash_pattern(SIG_PREFIX).match(sig)):
        return "'sig' must be 'hmac-sha256:' and 64 hex digits."
    return None


def clock_problem(clock: Any) -> str | None:
    """Why a value is not a vector clock (an object of whole numbers >= 0), or None."""
    if type(clock) is not dict:
        return "'clock' must be an object of agent counters."
    for counter in clock.values():
        if type(counter) is not int or counter < 0:
            return "every clock entry must be a whole number >= 0."
    return None


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    return "null" if value is None else "a number or boolean"


class Checkpoint(NamedTuple):
    """The first line of a truncated log: what the snapshot covers, and the id of each agent's
    last covered event (`heads`, so that chains go on past it; None in checkpoints written
    before chains)."""

    frontier: VersionVector
    hlc: str
    snapshot: str
    heads: dict[str, str] | None = None

    def line(self) -> bytes:
        """The checkpoint as a canonical log line."""
        body: dict[str, Any] = {
            "frontier": dict(sorted(self.frontier.items())),
            "hlc": self.hlc,
            "snapshot": self.snapshot,
        }
        if self.heads is not None:
            body["heads"] = dict(sorted(self.heads.items()))
        return canonical_json({"checkpoint": body}) + b"\n"


def checkpoint_of(value: Any) -> Checkpoint | str | None:
    """A Checkpoint when `value` is a checkpoint line, a problem sentence when it is a malformed
    one, None when it is not a checkpoint at all."""
    if type(value) is not dict or "checkpoint" not in value:
        return None
    body = value["checkpoint"]
    if len(value) != 1 or type(body) is not dict or not CHECKPOINT_KEYS <= body.keys() <= _CP_KEYS:
        return "a checkpoint line holds only {'checkpoint': {frontier, hlc, snapshot, heads}}."
    problem = clock_problem(body["frontier"])
    if problem:
        return problem.replace("'clock'", "the frontier")
    if type(body["hlc"]) is not str or not hlc_pattern().fullmatch(body["hlc"]):
        return "the checkpoint's hlc is not a timestamp like 2026-11-27T12:00:00.000000Z/0003."
    if type(body["snapshot"]) is not str or not hash_pattern().match(body["snapshot"]):
        return "the checkpoint's snapshot must be 'sha256:' and 64 hex digits."
    heads = body.get("heads")
    if heads is not None and (
        type(heads) is not dict
        or not all(type(head) is str and hash_pattern().match(head) for head in heads.values())
    ):
        return "the checkpoint's heads must map agents to event ids."
    return Checkpoint(dict(body["frontier"]), body["hlc"], body["snapshot"], heads)


def split_lines(data: bytes) -> list[tuple[int, bytes]]:
    """The complete non-blank lines of a log with their 1-based numbers (see `iter_lines`)."""
    return list(iter_lines(data))


def iter_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """The complete non-blank lines of a log with their 1-based numbers, one at a time. A last
    line without its newline is an unfinished append, left out (`unfinished_line` finds it)."""
    pieces = data.split(b"\n")
    pieces.pop()  # what follows the last newline: nothing, or an unfinished line
    for number, raw in enumerate(pieces, 1):
        if len(raw) > 2 or raw.strip():
            yield number, raw


def unfinished_line(data: bytes) -> int | None:
    """The number of a last line without its newline (an append that did not finish), or None."""
    tail = data[data.rfind(b"\n") + 1 :]
    return data.count(b"\n") + 1 if tail.strip() else None


def read_event(raw: bytes, *, source: str, line: int) -> dict[str, Any]:
    """Parse and check one event line; ParseError (exit 2) naming source and line."""
    return as_event(parse_line(raw, source=source, line=line), source=source, line=line)


def as_event(value: Any, *, source: str, line: int) -> dict[str, Any]:
    """A parsed line that must be an event; ParseError (exit 2) naming source and line."""
    problem = event_problem(value)
    if problem is not None:
        mark = checkpoint_of(value)
        if mark is not None:
            problem = mark if isinstance(mark, str) else "a checkpoint may only be line 1 of a log."
        raise ParseError(source, problem, line)
    event: dict[str, Any] = value
    return event


class LogHead:
    """What a log tells its next writer: the clock frontier, the latest hlc, and each agent's
    last event (seq, id) to chain to."""

    def __init__(self, frontier: dict[str, int], hlc: str | None = None,
                 tips: dict[str, tuple[int, str]] | None = None) -> None:
        self.frontier = frontier
        self.hlc = hlc
        self.tips: dict[str, tuple[int, str]] = {} if tips is None else tips

    def __repr__(self) -> str:
        return f"LogHead(frontier={self.frontier!r}, hlc={self.hlc!r}, tips={self.tips!r})"

    def __eq__(self, other: object) -> bool:
        return type(other) is LogHead and (self.frontier, self.hlc, self.tips) == (
            other.frontier, other.hlc, other.tips)

    def take(self, event: Mapping[str, Any]) -> None:
        """Account for one more event."""
        agent, seq = event["agent"], event["seq"]
        if seq > self.frontier.get(agent, 0):
            self.frontier[agent] = seq
        tip = self.tips.get(agent)
        if tip is None or seq > tip[0]:
            self.tips[agent] = (seq, event["id"])
        for other, counter in event["clock"].items():
            if counter > self.frontier.get(other, 0):
                self.frontier[other] = counter
        if self.hlc is None or hlc_key(event["hlc"]) > hlc_key(self.hlc):
            self.hlc = event["hlc"]

    def next_event(self, agent: str, ops: list[Op], wall: int, *, key: bytes | None = None) -> dict[str, Any]:
        """The event `agent` writes next, at wall-clock time `wall` (microseconds): seq one past
        its last, the clock of everything in the log, an hlc later than every event's, chained
        to the agent's last event (unchained only when that event is not in the log: a
        checkpoint written before chains covers it), signed with `key` when given."""
        seq = self.frontier.get(agent, 0) + 1
        clock = vv_merge(self.frontier, {agent: seq})
        stamp = hlc_send(Hlc.parse(self.hlc) if self.hlc else None, wall)
        tip = self.tips.get(agent)
        prev = tip[1] if tip is not None and tip[0] == seq - 1 else None
        chained = seq == 1 or prev is not None
        return new_event(agent, seq, clock, stamp, ops, prev=prev, chained=chained, key=key)


def log_head(lines: list[tuple[int, bytes]], *, source: str) -> LogHead:
    """Scan a log's lines (ParseError for a bad one) for what its next writer needs."""
    head = LogHead({})
    for index, (number, raw) in enumerate(lines):
        value = parse_line(raw, source=source, line=number)
        mark = checkpoint_of(value)
        if isinstance(mark, Checkpoint) and index == 0:
            heads = mark.heads or {}
            tips = {agent: (mark.frontier.get(agent, 0), head) for agent, head in heads.items()}
            head = LogHead(dict(mark.frontier), mark.hlc, tips)
            continue
        head.take(as_event(value, source=source, line=number))
    return head


def next_line(
    data: bytes, agent: str, ops: list[Op], wall: int, *, source: str, key: bytes | None = None
) -> bytes:
    """The line `agent` appends to a log holding `data`, at wall-clock time `wall` (µs)."""
    head = log_head(split_lines(data), source=source)
    return event_line(head.next_event(agent, ops, wall, key=key))
