"""The store for asyncio programs: the same operations, awaited, with no blocking call on the loop.

>>> from statemerge.store.aio import open_store
>>> async def plan() -> None:                                       # doctest: +SKIP
...     async with open_store("state.json") as store:
...         value, etag = await store.get("/tasks")
...         await store.apply([{"op": "inc", "path": "/n", "value": 1}])
...         async with store.edit() as doc:
...             doc["tasks"].append("review")
...         async with store.lock(agent="planner"):
...             ...

Lock waits poll on the loop (`asyncio.sleep` between tries); file reads and writes run in worker
threads; etcd is spoken to over httpx's async client.
"""

from __future__ import annotations

from statemerge.store.aio.base import AsyncStore
from statemerge.store.base import DEFAULT_TIMEOUT as _DEFAULT_TIMEOUT

__all__ = ["AsyncStore", "open_store"]


def open_store(
    url: str, *, timeout: float = _DEFAULT_TIMEOUT, fmt: str | None = None, lease_ttl: int = 10
) -> AsyncStore:
    """Open the store a STORE argument names, for asyncio (nothing is contacted yet)."""
    from statemerge.store import open_store as open_sync

    sync = open_sync(url, timeout=timeout, fmt=fmt, lease_ttl=lease_ttl)
    from statemerge.store.etcd import EtcdStore

    if isinstance(sync, EtcdStore):
        from statemerge.store.aio.etcd import AsyncEtcdStore

        return AsyncEtcdStore(sync)
    from statemerge.store.aio.files import AsyncFileStore
    from statemerge.store.files import FileStore

    assert isinstance(sync, FileStore)
    return AsyncFileStore(sync)
