"""The store protocol: read with an etag, compare-and-set, an exclusive lock; and on top of these
three, the operations agents use: `get`, `set`, `update` (optimistic, with retries) and
`update` under the lock (pessimistic).

A backend implements `read`, `compare_and_set`, `acquire` and `lock_status`; everything else is
written once here, so that a file and etcd behave the same (and pass the same contract tests).
"""

from __future__ import annotations

import json
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from statemerge.errors import (
    ChangedSinceRead,
    InputError,
    MergeConflict,
    PatchError,
    PreconditionFailed,
    RetriesExhausted,
    StatemergeError,
)
from statemerge.records import Record
from statemerge.store.metrics import CallStats
from statemerge.store.retry import RetryPolicy, retry_delay

DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 20

#: Locks held by an ancestor process (`statemerge lock STORE -- COMMAND`): a JSON object mapping a
#: store's identity to the holder's token, so that COMMAND may write the store it runs under.
HELD_LOCKS_ENV = "STATEMERGE_HELD_LOCKS"


class StoredValue(Record):
    """The value of a store and its etag; `exists` is False for a store never written."""

    value: Any
    etag: str
    exists: bool


class Holder(Record):
    """Who holds a lock: recorded by the holder, shown by `lock --status`."""

    agent: str
    pid: int
    host: str
    since: str  # ISO 8601, UTC

    @staticmethod
    def now(agent: str) -> Holder:
        """A holder record for this process, since now."""
        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        import socket

        return Holder(agent=agent, pid=os.getpid(), host=socket.gethostname(), since=since)

    def to_json(self) -> str:
        """The record as one line of JSON."""
        return json.dumps(self._asdict(), ensure_ascii=False)

    @staticmethod
    def from_json(text: str) -> Holder | None:
        """Read a record written by `to_json`; None for anything else (empty, torn, foreign)."""
        try:
            data = json.loads(text)
            return Holder(str(data["agent"]), int(data["pid"]), str(data["host"]), str(data["since"]))
        except (ValueError, TypeError, KeyError):
            return None


class LockState(Record):
    """What `lock --status` reports: whether the lock is held, and by whom when known."""

    held: bool
    holder: Holder | None = None


def default_agent() -> str:
    """The agent name when none is given: $STATEMERGE_AGENT, else the user name."""
    agent = os.environ.get("STATEMERGE_AGENT")
    if agent:
        return agent
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"pid-{os.getpid()}"


def inherited_lock_token(identity: str) -> str | None:
    """The token of a lock on `identity` held by an ancestor process, if any."""
    text = os.environ.get(HELD_LOCKS_ENV)
    if not text:
        return None
    try:
        held = json.loads(text)
    except ValueError:
        return None
    token = held.get(identity) if isinstance(held, dict) else None
    return token if isinstance(token, str) else None


def held_locks_env(identity: str, token: str) -> dict[str, str]:
    """The environment entry that lets a child process write under this process's lock."""
    try:
        held = json.loads(os.environ.get(HELD_LOCKS_ENV) or "{}")
    except ValueError:
        held = {}
    if not isinstance(held, dict):
        held = {}
    held[identity] = token
    return {HELD_LOCKS_ENV: json.dumps(held, sort_keys=True)}


Change = Callable[[Any], Any]


class Store(ABC):
    """One shared document, read and written by many agents at once."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url = url
        self.timeout = timeout

    # -- what a backend implements ------------------------------------------------------------

    @property
    @abstractmethod
    def identity(self) -> str:
        """A name of the store that is the same for every process that opens it."""

    @abstractmethod
    def read(self) -> StoredValue:
        """The current value and its etag."""

    @abstractmethod
    def compare_and_set(
        self, value: Any, etag: str, *, deadline: float, stats: CallStats | None = None
    ) -> str:
        """Write `value` if the store is still at `etag`; return the new etag.

        Raises ChangedSinceRead (nothing written) when another writer came first, LockTimeout when
        someone else's lock was not released before `deadline`.
        """

    @abstractmethod
    def acquire(
        self, agent: str, *, deadline: float, stats: CallStats | None = None
    ) -> AbstractContextManager[Holder]:
        """Hold the exclusive lock (raising LockTimeout after `deadline`) for the `with` block.

        While it is held, this store's own writes go through; others wait for it.
        """

    @abstractmethod
    def lock_status(self) -> LockState:
        """Whether the lock is held now, and by whom."""

    @abstractmethod
    def lock_env(self) -> dict[str, str]:
        """Environment entries for a child process run under the lock this store holds now."""

    def lock_fds(self) -> tuple[int, ...]:
        """Descriptors a child process run under the lock inherits, so that the lock lives as
        long as the child does even if this process dies (the file backend's flock)."""
        return ()

    def check_etag(self, etag: str) -> None:  # noqa: B027 - any text may be an etag by default
        """Raise UsageError for text that cannot be an etag of this backend."""

    @property
    def lock_lost(self) -> bool:
        """Whether the lock held now was lost while held (an etcd lease that expired)."""
        return False

    def close(self) -> None:  # noqa: B027 - a backend without resources needs nothing here
        """Release connections; the store may not be used afterwards."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what agents call ---------------------------------------------------------------------

    def deadline(self, timeout: float | None) -> float:
        """The monotonic time by which a call with `timeout` (or the store's default) must end."""
        return time.monotonic() + (self.timeout if timeout is None else timeout)

    def get(self, pointer: str = "") -> tuple[Any, str]:
        """The value at `pointer` and the store's etag; an error if the store does not exist."""
        from statemerge.pointer import resolve

        snapshot = self.read()
        if not snapshot.exists:
            raise InputError(f"{self.url}: the store does not exist yet (create it with set or update).")
        return resolve(snapshot.value, pointer), snapshot.etag

    @contextmanager
    def lock(
        self,
        *,
        agent: str | None = None,
        timeout: float | None = None,
        stats: CallStats | None = None,
    ) -> Iterator[Holder]:
        """Hold the exclusive lock for a `with` block: `with store.lock(agent="planner"): ...`."""
        started = time.monotonic()
        try:
            with self.acquire(
                agent or default_agent(), deadline=self.deadline(timeout), stats=stats
            ) as holder:
                yield holder
        except StatemergeError as error:
            finish_call(stats, started, error)
            raise
        finish_call(stats, started, None)

    def update(
        self,
        change: Change,
        *,
        retries: int = DEFAULT_RETRIES,
        timeout: float | None = None,
        lock: bool = False,
        agent: str | None = None,
        stats: CallStats | None = None,
        policy: RetryPolicy | None = None,
        copies: bool = True,
    ) -> str:
        """Apply `change` (old document -> new document) without losing anyone's update.

        Optimistic by default: read, change, compare-and-set; a lost race backs off (exponential,
        with jitter) and starts again, at most `retries` more times and within `timeout`. With
        `lock`, hold the lock for the whole read-change-write instead. A missing store starts as
        `{}`. `change` gets a private copy: it returns the new document, or modifies the copy and
        returns None (`copies=False` skips the copy, for a change that never modifies its
        argument). Returns the new etag.
        """
        agent = agent or default_agent()
        stats = stats or CallStats(kind="update-lock" if lock else "update", store=self.url, agent=agent)
        started = time.monotonic()
        deadline = self.deadline(timeout)
        try:
            if lock:
                with self.acquire(agent, deadline=deadline, stats=stats):
                    etag = self._attempt(change, copies, deadline, stats)
            else:
                etag = self._optimistic(change, copies, retries, deadline, stats, policy or RetryPolicy())
        except StatemergeError as error:
            finish_call(stats, started, error)
            raise
        finish_call(stats, started, None)
        return etag

    def set(self, pointer: str, value: Any, **options: Any) -> str:
        """Write one value at `pointer`, as the `set` operation (creates or replaces a member,
        replaces at an array index, `""` replaces the whole document); options as `apply`."""
        from statemerge.patch import parse_op_words

        op = parse_op_words(["set", pointer, "null"])[0]  # the shorthand's rule picks the op
        return self.apply([{**op, "value": value}], **options)

    def apply(
        self,
        ops: list[dict[str, Any]],
        *,
        if_match: str | None = None,
        retries: int = DEFAULT_RETRIES,
        timeout: float | None = None,
        lock: bool = False,
        agent: str | None = None,
        stats: CallStats | None = None,
    ) -> str:
        """Apply operations (JSON Patch plus `inc`) all or none, as `update` does.

        With `if_match`, apply them only if the store is still at that etag: one attempt, no
        retry, ChangedSinceRead otherwise.
        """
        from statemerge.patch import apply_ops

        def change(document: Any) -> Any:
            try:
                return apply_ops(document, ops)  # copy-on-write: `document` is left alone
            except PatchError as error:
                raise PatchError(f"{self.url}: {error.message}") from None

        if if_match is None:
            return self.update(
                change,
                retries=retries,
                timeout=timeout,
                lock=lock,
                agent=agent,
                stats=stats,
                copies=False,
            )
        agent = agent or default_agent()
        stats = stats or CallStats(kind="set", store=self.url, agent=agent)
        started = time.monotonic()
        try:
            self.check_etag(if_match)
            snapshot = self.read()
            stats.attempts = 1
            if snapshot.etag != if_match:
                raise ChangedSinceRead(_changed_message(self.url, if_match, snapshot.etag))
            new_value = change(snapshot.value if snapshot.exists else {})
            deadline = self.deadline(timeout)
            etag = self.compare_and_set(new_value, if_match, deadline=deadline, stats=stats)
        except StatemergeError as error:
            if isinstance(error, ChangedSinceRead):
                stats.conflicts = 1
            finish_call(stats, started, error)
            raise
        finish_call(stats, started, None)
        return etag

    def commit(self, new: Any, *, base: tuple[Any, str | None], **options: Any) -> str:
        """Merge on write: write `new`, computed from `base` = (document, etag), three-way merging
        any write that landed since (store/mergewrite.py); MergeConflict when conflicts are left."""
        from statemerge.store.mergewrite import commit

        return commit(self, new, base=base, **options)

    def edit(self, **options: Any) -> AbstractContextManager[Any]:
        """`with store.edit() as doc:` change a private copy; on exit it is committed (merged)."""
        from statemerge.store.mergewrite import edit

        return edit(self, **options)

    def read_at(self, etag: str) -> StoredValue | None:
        """The value as it was at `etag`, where the backend keeps history (etcd); else None."""
        return None

    # -- the two paths of update --------------------------------------------------------------

    def _attempt(self, change: Change, copies: bool, deadline: float, stats: CallStats) -> str:
        """One read-change-compare-and-set; raises ChangedSinceRead when it loses."""
        stats.attempts += 1
        snapshot = self.read()
        old = snapshot.value if snapshot.exists else {}
        if copies:
            import copy

            private = copy.deepcopy(old)
        else:
            private = old
        new = change(private)
        if new is None and copies:  # changed in place: `def change(doc): doc["n"] += 1`
            new = private
        if snapshot.exists and new == old:
            return snapshot.etag  # nothing to write: the read was the linearization point
        return self.compare_and_set(new, snapshot.etag, deadline=deadline, stats=stats)

    def _optimistic(
        self,
        change: Change,
        copies: bool,
        retries: int,
        deadline: float,
        stats: CallStats,
        policy: RetryPolicy,
    ) -> str:
        while True:
            try:
                return self._attempt(change, copies, deadline, stats)
            except ChangedSinceRead:
                stats.conflicts += 1
            time.sleep(retry_delay(self.url, stats, retries, deadline, policy))


def _changed_message(url: str, expected: str, actual: str) -> str:
    return f"{url}: changed since you read it (etag {expected}, now {actual}); nothing was written."


def finish_call(stats: CallStats | None, started: float, error: StatemergeError | None) -> None:
    """Record how a call ended (a MergeConflict as `conflict`)."""
    if stats is None:
        return
    stats.elapsed = time.monotonic() - started
    if error is None:
        stats.outcome = "ok"
    elif isinstance(error, RetriesExhausted):
        stats.outcome = "exhausted"
    elif isinstance(error, MergeConflict):
        stats.outcome = "conflict"
    elif isinstance(error, ChangedSinceRead):
        stats.outcome = "changed"
    elif isinstance(error, PreconditionFailed):
        stats.outcome = "timeout"
    else:
        stats.outcome = "error"
