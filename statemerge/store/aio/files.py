"""The file backend for asyncio: the flock is taken on the loop without blocking (non-blocking
tries, `asyncio.sleep` between them: `FileStore.flock_pauses`), and only the file's reading and
replacing run in worker threads, so a task waiting for the lock never ties up a thread that the
holder needs."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from statemerge.errors import UsageError
from statemerge.store.aio.base import AsyncStore
from statemerge.store.base import Holder, StoredValue
from statemerge.store.files import FileStore
from statemerge.store.metrics import CallStats


class AsyncFileStore(AsyncStore):
    """A JSON/YAML file, for coroutines."""

    def __init__(self, sync: FileStore) -> None:
        super().__init__(sync)
        self.files = sync
        # the thread-side store whose flock this task (and the tasks it starts) holds
        self._held: ContextVar[FileStore | None] = ContextVar(f"held:{sync.identity}", default=None)

    async def read(self) -> StoredValue:
        return await asyncio.to_thread(self._store().read)

    async def compare_and_set(
        self, value: Any, etag: str, *, deadline: float, stats: CallStats | None = None
    ) -> str:
        held = self._held.get()
        if held is not None:
            return await asyncio.to_thread(held.compare_and_set, value, etag, deadline=deadline, stats=stats)
        async with self._flocked(deadline, stats, Holder.now("write")) as store:
            return await asyncio.to_thread(store.compare_and_set, value, etag, deadline=deadline, stats=stats)

    @asynccontextmanager
    async def acquire(
        self, agent: str, *, deadline: float, stats: CallStats | None = None
    ) -> AsyncIterator[Holder]:
        if self._held.get() is not None:
            raise UsageError(f"{self.url}: this task already holds the store's lock.")
        holder = Holder.now(agent)
        async with self._flocked(deadline, stats, holder, record=True) as store:
            token = self._held.set(store)
            try:
                yield holder
            finally:
                self._held.reset(token)

    def _store(self) -> FileStore:
        """A thread-side store of this file for one call (each parses for itself)."""
        return self._held.get() or FileStore(self.url, timeout=self.timeout, fmt=self.files.fmt)

    @asynccontextmanager
    async def _flocked(
        self, deadline: float, stats: CallStats | None, holder: Holder, *, record: bool = False
    ) -> AsyncIterator[FileStore]:
        """A thread-side store holding the flock (taken without blocking the loop)."""
        store = FileStore(self.url, timeout=self.timeout, fmt=self.files.fmt)
        fd = store._open_lock_file()
        try:
            for pause in store.flock_pauses(fd, deadline, stats):
                await asyncio.sleep(pause)
            if record:
                os.ftruncate(fd, 0)
                os.pwrite(fd, holder.to_json().encode(), 0)
            store._held = (fd, holder)  # its own writes now go through without taking the flock
            try:
                yield store
            finally:
                store._held = None
                if record:
                    os.ftruncate(fd, 0)
        finally:
            os.close(fd)
