"""The asyncio store protocol: a backend awaits `read`, `compare_and_set` and `acquire`; get,
update, apply, commit, edit and lock are written once here, as `statemerge.store.base` writes them
for threads (sharing its retry and merge steps)."""

from __future__ import annotations

import asyncio
import copy
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from statemerge.errors import (
    ChangedSinceRead,
    InputError,
    LockTimeout,
    PatchError,
    StatemergeError,
)
from statemerge.store.base import (
    DEFAULT_RETRIES,
    Holder,
    Store,
    StoredValue,
    default_agent,
    finish_call,
)
from statemerge.store.metrics import CallStats
from statemerge.store.retry import RetryPolicy, retry_delay

Change = Callable[[Any], Any]


class AsyncStore(ABC):
    """One shared document, for coroutines; `sync` is the thread-side store of the same URL."""

    def __init__(self, sync: Store) -> None:
        self.sync = sync
        self.url = sync.url
        self.timeout = sync.timeout
        self._local: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    @abstractmethod
    async def read(self) -> StoredValue:
        """The current value and its etag."""

    @abstractmethod
    async def compare_and_set(
        self, value: Any, etag: str, *, deadline: float, stats: CallStats | None = None
    ) -> str:
        """Write `value` if the store is still at `etag` (ChangedSinceRead otherwise)."""

    @abstractmethod
    def acquire(
        self, agent: str, *, deadline: float, stats: CallStats | None = None
    ) -> AbstractAsyncContextManager[Holder]:
        """Hold the exclusive lock for the `async with` block; this task's writes go through."""

    @asynccontextmanager
    async def _acquire(self, agent: str, deadline: float, stats: CallStats | None) -> AsyncIterator[Holder]:
        """`acquire`, after the other tasks of this store that wait for the lock: they queue on
        the loop, so only one of them at a time waits on the backend (etcd serves a bounded number
        of waiting requests; a queue of 200 would starve the leases' keep-alives)."""
        loop = asyncio.get_running_loop()
        if self._local is None or self._local[0] is not loop:
            self._local = (loop, asyncio.Lock())
        local = self._local[1]
        started = time.monotonic()
        try:
            await asyncio.wait_for(local.acquire(), max(0.0, deadline - started))
        except TimeoutError:
            if stats is not None:
                stats.lock_wait += time.monotonic() - started
            raise LockTimeout(
                f"{self.url}: lock not acquired within {time.monotonic() - started:.1f} s "
                "(held by another task of this process); nothing was done."
            ) from None
        if stats is not None:
            stats.lock_wait += time.monotonic() - started
        try:
            async with self.acquire(agent, deadline=deadline, stats=stats) as holder:
                yield holder
        finally:
            local.release()

    async def aclose(self) -> None:
        """Release connections."""
        await asyncio.to_thread(self.sync.close)

    async def __aenter__(self) -> AsyncStore:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- what agents await ----------------------------------------------------------------------

    async def get(self, pointer: str = "") -> tuple[Any, str]:
        """The value at `pointer` and the store's etag."""
        from statemerge.pointer import resolve

        snapshot = await self.read()
        if not snapshot.exists:
            raise InputError(f"{self.url}: the store does not exist yet (create it with set or update).")
        return resolve(snapshot.value, pointer), snapshot.etag

    @asynccontextmanager
    async def lock(
        self, *, agent: str | None = None, timeout: float | None = None, stats: CallStats | None = None
    ) -> AsyncIterator[Holder]:
        """`async with store.lock(agent="planner"):` hold the exclusive lock."""
        started = time.monotonic()
        try:
            async with self._acquire(agent or default_agent(), self.sync.deadline(timeout), stats) as holder:
                yield holder
        except StatemergeError as error:
            finish_call(stats, started, error)
            raise
        finish_call(stats, started, None)

    async def update(
        self,
        change: Change | Callable[[Any], Awaitable[Any]],
        *,
        retries: int = DEFAULT_RETRIES,
        timeout: float | None = None,
        lock: bool = False,
        agent: str | None = None,
        stats: CallStats | None = None,
        policy: RetryPolicy | None = None,
    ) -> str:
        """Apply `change` (a function or coroutine function: old document -> new, or None after
        changing its private copy) without losing anyone's update; as `Store.update`."""
        agent = agent or default_agent()
        stats = stats or CallStats(kind="update-lock" if lock else "update", store=self.url, agent=agent)
        policy = policy or RetryPolicy()
        started = time.monotonic()
        deadline = self.sync.deadline(timeout)
        try:
            if lock:
                async with self._acquire(agent, deadline, stats):
                    etag = await self._attempt(change, deadline, stats)
            else:
                while True:
                    try:
                        etag = await self._attempt(change, deadline, stats)
                        break
                    except ChangedSinceRead:
                        stats.conflicts += 1
                    await asyncio.sleep(retry_delay(self.url, stats, retries, deadline, policy))
        except StatemergeError as error:
            finish_call(stats, started, error)
            raise
        finish_call(stats, started, None)
        return etag

    async def apply(self, ops: list[dict[str, Any]], **options: Any) -> str:
        """Apply operations (JSON Patch plus `inc`) all or none, as `update` does."""
        from statemerge.patch import apply_ops

        def change(document: Any) -> Any:
            try:
                return apply_ops(document, ops)
            except PatchError as error:
                raise PatchError(f"{self.url}: {error.message}") from None

        return await self.update(change, **options)

    async def set(self, pointer: str, value: Any, **options: Any) -> str:
        """Write one value at `pointer` (`""`: the whole document)."""
        from statemerge.patch import parse_op_words

        op = parse_op_words(["set", pointer, "null"])[0]
        return await self.apply([{**op, "value": value}], **options)

    async def commit(self, new: Any, *, base: tuple[Any, str | None], **options: Any) -> str:
        """Merge on write, as `Store.commit`: write `new`, merging whatever landed since `base`
        (the same steps, `mergewrite.Commit.plan`, awaited)."""
        from statemerge.store.mergewrite import READ, RULES, Commit, Wait, Write, store_rules

        call = Commit(self.sync, base, options)
        plan = call.plan(new)
        answer: Any = None
        try:
            while True:
                try:
                    step = plan.send(answer)
                except StopIteration as done:
                    written: str = done.value
                    break
                if step == READ:
                    answer = await self.read()
                elif step == RULES:
                    answer = await asyncio.to_thread(store_rules, self.sync, call.rules)
                elif isinstance(step, Write):
                    try:
                        answer = await self.compare_and_set(
                            step.value, step.etag, deadline=call.deadline, stats=call.stats
                        )
                    except ChangedSinceRead as lost:
                        answer = lost
                elif isinstance(step, Wait):
                    await asyncio.sleep(step.seconds)
                    answer = None
        except StatemergeError as error:
            finish_call(call.stats, call.started, error)
            raise
        finish_call(call.stats, call.started, None)
        return written

    @asynccontextmanager
    async def edit(self, **options: Any) -> AsyncIterator[Any]:
        """`async with store.edit() as doc:` a private copy, committed (merged) on leaving."""
        snapshot = await self.read()
        base = snapshot.value if snapshot.exists else {}
        document = copy.deepcopy(base)
        yield document
        if snapshot.exists and document == base:
            return
        await self.commit(document, base=(base, snapshot.etag), **options)

    async def _attempt(self, change: Any, deadline: float, stats: CallStats) -> str:
        stats.attempts += 1
        snapshot = await self.read()
        old = snapshot.value if snapshot.exists else {}
        private = copy.deepcopy(old)
        new = change(private)
        if asyncio.iscoroutine(new):
            new = await new
        if new is None:
            new = private
        if snapshot.exists and new == old:
            return snapshot.etag
        return await self.compare_and_set(new, snapshot.etag, deadline=deadline, stats=stats)
