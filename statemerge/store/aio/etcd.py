"""The etcd backend for asyncio, over httpx's async client: the requests and the reading of their
answers are the thread-side EtcdStore's (one definition of the protocol); only the transport and
the waits are awaited. A lock's lease is kept alive by a task."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from statemerge.errors import LockTimeout, StoreError, UsageError
from statemerge.store.aio.base import AsyncStore
from statemerge.store.base import Holder, StoredValue
from statemerge.store.etcd import EtcdStore
from statemerge.store.etcdhttp import (
    DOWN_AFTER,
    AmbiguousWrite,
    DeadlineReached,
    EtcdClient,
    _NoAnswer,
    b64,
)
from statemerge.store.metrics import CallStats


class AsyncEtcdClient:
    """POST JSON to the gateway of whichever endpoint answers (as EtcdClient, awaited)."""

    def __init__(self, sync: EtcdClient) -> None:
        import httpx

        self.sync = sync  # endpoints, name, request cap, and the decoding of answers
        self.current = 0
        # no cap on connections: a lock wait holds one for as long as it waits, and a lease's
        # keep-alive must never queue behind those waits
        self.http = httpx.AsyncClient(limits=httpx.Limits(max_connections=None))

    async def call(
        self, path: str, body: dict[str, Any], *, deadline: float, idempotent: bool = True,
        uncapped: bool = False,
    ) -> dict[str, Any]:
        """The decoded answer to one request, failing over between endpoints until `deadline`."""
        import httpx

        endpoints, name = self.sync.endpoints, self.sync.name
        last, slow, failures, reached = "no answer", False, 0, False
        started = time.monotonic()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 and failures:
                raise DeadlineReached(
                    f"{name}: no etcd endpoint answered within {max(deadline - started, 0.0):.1f} s "
                    f"(last: {last}).",
                    waiting=slow,
                )
            remaining = max(remaining, 0.2)
            index = self.current
            host, port = endpoints[index]
            where = f"{host}:{port}"
            timeout = remaining if uncapped else min(remaining, self.sync.request_cap)
            try:
                response = await self.http.post(f"http://{where}{path}", json=body, timeout=timeout)
                return self.sync._decode(where, response.status_code, response.content)
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                last, slow = f"{where}: {error or 'cannot connect'}", False
                if not reached and time.monotonic() - started >= DOWN_AFTER:
                    where_all = ", ".join(f"{h}:{p}" for h, p in endpoints)
                    raise StoreError(
                        f"{name}: etcd is not reachable at {where_all} (last: {last}); is it running?"
                    ) from None
            except (httpx.TransportError, _NoAnswer) as error:
                reached = True
                if not idempotent:
                    self.current = (index + 1) % len(endpoints)
                    raise AmbiguousWrite(
                        f"{name}: a write got no answer ({error}); it may have landed."
                    ) from None
                last = f"{where}: {error or type(error).__name__}"
                slow = isinstance(error, httpx.TimeoutException)
            self.current = (index + 1) % len(endpoints)
            failures += 1
            if failures % len(endpoints) == 0:
                await asyncio.sleep(max(0.0, min(0.05 * failures, deadline - time.monotonic(), 0.5)))

    async def aclose(self) -> None:
        await self.http.aclose()


class AsyncEtcdStore(AsyncStore):
    """One key of an etcd cluster, for coroutines."""

    def __init__(self, sync: EtcdStore) -> None:
        super().__init__(sync)
        self.etcd = sync
        self.client = AsyncEtcdClient(sync.client)
        self._held: ContextVar[str | None] = ContextVar(f"held:{sync.identity}", default=None)

    async def aclose(self) -> None:
        await self.client.aclose()
        await super().aclose()

    async def read(self) -> StoredValue:
        answer = await self.client.call(
            "/v3/kv/range", self.etcd.read_request, deadline=self.sync.deadline(None)
        )
        return self.etcd.stored(answer)

    async def compare_and_set(
        self, value: Any, etag: str, *, deadline: float, stats: CallStats | None = None
    ) -> str:
        txn, nonce, own_lock = self.etcd.cas_request(value, etag, self._held.get())
        waited_since: float | None = None
        pause = 0.002
        try:
            while True:
                try:
                    answer = await self.client.call("/v3/kv/txn", txn, deadline=deadline, idempotent=False)
                except AmbiguousWrite:  # find out in a thread, with the thread-side search
                    landed = await asyncio.to_thread(self.etcd._landed, nonce, etag, deadline)
                    if landed is not None:
                        return landed
                    continue
                if answer.get("succeeded"):
                    return str(answer["header"]["revision"])
                refusal = self.etcd.cas_refusal(answer, etag, own_lock)
                if refusal is not None:
                    raise refusal
                now = time.monotonic()  # someone else holds the lock: wait for it
                waited_since = waited_since or now
                if now + pause >= deadline:
                    message = await asyncio.to_thread(self.etcd._busy_message, now - waited_since)
                    raise LockTimeout(f"{self.url}: {message}")
                await asyncio.sleep(min(pause, deadline - now))
                pause = min(pause * 2, 0.05)
        finally:
            if stats is not None and waited_since is not None:
                stats.lock_wait += time.monotonic() - waited_since

    @asynccontextmanager
    async def acquire(
        self, agent: str, *, deadline: float, stats: CallStats | None = None
    ) -> AsyncIterator[Holder]:
        if self._held.get() is not None:
            raise UsageError(f"{self.url}: this task already holds the store's lock.")
        ttl = self.etcd.lease_ttl
        grant = await self.client.call("/v3/lease/grant", {"TTL": ttl}, deadline=deadline)
        lease = str(grant["ID"])
        keeper = asyncio.create_task(self._keep_alive(lease, ttl))
        try:
            started = time.monotonic()
            try:
                answer = await self.client.call(
                    "/v3/lock/lock",
                    {"name": b64(self.etcd._lock_name), "lease": lease},
                    deadline=deadline,
                    uncapped=True,
                )
            except DeadlineReached as error:
                if not error.waiting:
                    raise
                message = await asyncio.to_thread(self.etcd._busy_message, time.monotonic() - started)
                raise LockTimeout(f"{self.url}: {message}") from None
            finally:
                if stats is not None:
                    stats.lock_wait += time.monotonic() - started
            holder = Holder.now(agent)
            put = {"key": self.etcd._holder_key, "value": b64(holder.to_json()), "lease": lease}
            await self.client.call("/v3/kv/put", put, deadline=max(deadline, time.monotonic() + 2.0))
            token = self._held.set(str(answer["key"]))
            try:
                yield holder
            finally:
                self._held.reset(token)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            with contextlib.suppress(StoreError):
                await self.client.call("/v3/lease/revoke", {"ID": lease}, deadline=time.monotonic() + 2.0)

    async def _keep_alive(self, lease: str, ttl: int) -> None:
        period = max(0.2, ttl / 3)
        while True:
            await asyncio.sleep(period)
            with contextlib.suppress(StoreError):
                body = {"ID": lease}
                await self.client.call("/v3/lease/keepalive", body, deadline=time.monotonic() + period)
