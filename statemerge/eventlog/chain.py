"""Hash chains, signatures and heads: what makes a log tamper-evident.

- Each event names its agent's previous event (`prev`, null at seq 1), so no event of an agent
  can be removed, reordered or edited without breaking that agent's chain or rewriting every
  later event of it.
- With keys, `sig` (an HMAC with the agent's key) must hold: an edit cannot be re-signed.
- A head (each agent's last seq and id, recorded elsewhere) catches the one thing a chain cannot:
  a log cut short at its end.

Events written before chains (no `prev`) are "unchained": counted, and accepted until the first
chained event of their agent; after that, a missing `prev` breaks the chain. After a checkpoint,
an agent's first event chains to the checkpoint's `heads` (taken on trust when the checkpoint,
written before chains, has none).
"""

from __future__ import annotations

from typing import Any

from statemerge.errors import NodeError
from statemerge.eventlog.events import ID_PREFIX, Checkpoint, signature
from statemerge.pointer import format_pointer

Head = dict[str, tuple[int, str]]  # agent: (seq, id) of its last event
Tip = tuple[int, str, int]  # an agent's last event so far: (seq, id, line); a tuple, for speed


class Chains:
    """Feed it every well-formed event of a log in order (`check`); it says what breaks a
    chain, counts unchained events and knows the log's head."""

    def __init__(self) -> None:
        self.tips: dict[str, Tip] = {}
        self.unchained = 0
        self._chained: dict[str, int] = {}  # agent: line of its first chained event
        self._siblings: dict[str, tuple[int, set[str]]] = {}  # forks at an agent's tip seq
        self._base: dict[str, int] = {}  # what a checkpoint covers
        self._base_heads: dict[str, str] | None = None
        self._watched: Head = {}
        self._matched: set[str] = set()

    def start_at(self, mark: Checkpoint, line: int) -> None:
        """The log starts at a checkpoint: its heads are the tips."""
        self._base = dict(mark.frontier)
        self._base_heads = mark.heads
        for agent, head in (mark.heads or {}).items():
            seq = mark.frontier.get(agent, 0)
            self.tips[agent] = (seq, head, line)
            self._note(agent, seq, head)

    def watch(self, head: Head) -> None:
        """Remember whether the events a recorded head names go by (see `head_problems`)."""
        self._watched = head

    def check(self, event: dict[str, Any], line: int) -> str | None:
        """Account for one event (its id already checked); why it breaks its chain, or None."""
        agent: str = event["agent"]
        seq: int = event["seq"]
        ident: str = event["id"]
        tip = self.tips.get(agent)
        problem = None
        if "prev" not in event:
            self.unchained += 1
            if agent in self._chained:
                problem = (
                    f"the event has no 'prev', but the events of {agent!r} are chained since "
                    f"line {self._chained[agent]}: the chain is broken."
                )
        else:
            if agent not in self._chained:
                self._chained[agent] = line
            prev = event["prev"]
            if tip is None or prev != tip[1] or seq != tip[0] + 1:  # else: the usual, sound link
                problem = self._link(agent, seq, prev, tip)
        if tip is None or seq > tip[0]:
            self.tips[agent] = (seq, ident, line)
        elif seq == tip[0] and ident != tip[1]:  # a fork: its successor may name either
            siblings = self._siblings.get(agent)
            if siblings is None or siblings[0] != seq:
                self._siblings[agent] = siblings = (seq, set())
            siblings[1].add(ident)
        if self._watched:
            self._note(agent, seq, ident)
        return problem

    def _link(self, agent: str, seq: int, prev: str | None, tip: Tip | None) -> str | None:
        if seq == 1:
            return None  # prev is null: the shape check saw to it
        if tip is None or seq > tip[0] + 1:
            if tip is None and self._base.get(agent, 0) >= seq - 1 and self._base_heads is None:
                return None  # after a checkpoint written before chains: taken on trust
            return f"'prev' names seq {seq - 1} of {agent!r}, which is not in the log: the chain is broken."
        if seq <= tip[0]:
            return None  # a repeated or forked event: the seq check reports it
        siblings = self._siblings.get(agent)
        if prev == tip[1] or (siblings is not None and siblings[0] == tip[0] and prev in siblings[1]):
            return None
        return f"'prev' does not name the previous event of {agent!r} (line {tip[2]}): the chain is broken."

    def _note(self, agent: str, seq: int, ident: str) -> None:
        watched = self._watched.get(agent)
        if watched is not None and watched == (seq, ident):
            self._matched.add(agent)

    def head(self) -> Head:
        """Each agent's last seq and its id."""
        return {agent: (tip[0], tip[1]) for agent, tip in sorted(self.tips.items())}

    def head_problems(self) -> list[str]:
        """How the log differs from the watched head: an agent's events missing at the end, or
        a different event where the head recorded one."""
        problems = []
        for agent, (seq, ident) in sorted(self._watched.items()):
            if agent in self._matched:
                continue
            tip = self.tips.get(agent)
            if tip is None or tip[0] < seq:
                last = f"ends at seq {tip[0]}" if tip else "has no event"
                problems.append(
                    f"{agent!r} {last}, but the head records seq {seq}: "
                    "events were removed from the end of the log."
                )
            elif self._base.get(agent, 0) < seq:
                problems.append(
                    f"the event at seq {seq} of {agent!r} is not the one the head records "
                    f"({ident}): the log was rewritten."
                )
        return problems


def signature_problem(event: dict[str, Any], keys: dict[str, bytes], *, required: bool = False) -> str | None:
    """Why an event's signature does not hold with `keys` (agent: key), or None. An agent
    without a key goes unchecked unless `required`."""
    agent = event["agent"]
    key = keys.get(agent)
    sig = event.get("sig")
    if key is None:
        return f"no key for {agent!r} was given, so its event cannot be checked." if required else None
    if sig is None:
        return f"the event is not signed, but {agent!r} has a key: it was not written with it."
    from hmac import compare_digest  # signatures only: its import loads OpenSSL

    if not compare_digest(sig, signature(event, key)):
        return "the signature does not match: the event was changed, or signed with another key."
    return None


def head_to_json(head: Head) -> dict[str, Any]:
    """A head as `{"agent": {"id": "sha256:…", "seq": 12}, …}`."""
    return {agent: {"id": ident, "seq": seq} for agent, (seq, ident) in sorted(head.items())}


def head_from_json(value: Any, *, source: str) -> Head:
    """Read a recorded head; NodeError (exit 2) naming the bad entry."""
    if type(value) is not dict:
        raise NodeError(source, "", 'a head is an object: {"AGENT": {"id": "sha256:…", "seq": N}}.')
    head: Head = {}
    for agent, entry in value.items():
        ident = entry.get("id") if type(entry) is dict else None
        seq = entry.get("seq") if type(entry) is dict else None
        if (
            type(ident) is not str
            or not ident.startswith(ID_PREFIX)
            or len(ident) != 71
            or type(seq) is not int
            or seq < 1
        ):
            raise NodeError(
                source, format_pointer([agent]), "each agent's entry is {'id': 'sha256:…', 'seq': N}."
            )
        head[agent] = (seq, ident)
    return head


def keys_from_json(value: Any, *, source: str) -> dict[str, bytes]:
    """Read a keys file: `{"agent": "key text", …}` (each key used as its UTF-8 bytes)."""
    if type(value) is not dict:
        raise NodeError(source, "", 'a keys file is an object: {"AGENT": "KEY", ...}.')
    keys = {}
    for agent, key in value.items():
        if type(key) is not str or not key:
            raise NodeError(source, format_pointer([agent]), "each key is a non-empty string.")
        keys[agent] = key.encode()
    return keys
