"""Shared state under concurrency: one store protocol, a file backend and an etcd backend.

>>> from statemerge.store import open_store
>>> with open_store("state.json") as store:                      # doctest: +SKIP
...     value, etag = store.get("/tasks")
...     store.update(lambda doc: {**doc, "n": doc.get("n", 0) + 1})
...     with store.lock(agent="planner", timeout=5):
...         ...
...     with store.edit() as doc:                                # merge on write
...         doc["tasks"].append("review")

`statemerge.store.aio.open_store` is the same for asyncio. A STORE is a path (JSON, or YAML by its suffix) or `etcd://HOST:PORT[,HOST:PORT...]/KEY`.
"""

from __future__ import annotations

from statemerge.errors import MergeConflict
from statemerge.store.base import (
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    Holder,
    LockState,
    Store,
    StoredValue,
    default_agent,
)
from statemerge.store.metrics import CallStats
from statemerge.store.retry import RetryPolicy

__all__ = [
    "DEFAULT_RETRIES",
    "DEFAULT_TIMEOUT",
    "CallStats",
    "Holder",
    "LockState",
    "MergeConflict",
    "RetryPolicy",
    "Store",
    "StoredValue",
    "default_agent",
    "open_store",
]

_ETCD_SCHEME = "etcd://"


def open_store(
    url: str, *, timeout: float = DEFAULT_TIMEOUT, fmt: str | None = None, lease_ttl: int = 10
) -> Store:
    """Open the store a STORE argument names (nothing is read or contacted yet).

    `timeout` bounds every call; `fmt` overrides the format of a file; `lease_ttl` is how many
    seconds an etcd lock outlives a holder that died.
    """
    if url.startswith(_ETCD_SCHEME):
        from statemerge.store.etcd import EtcdStore

        return EtcdStore(url, timeout=timeout, lease_ttl=lease_ttl)
    if "://" in url:
        from statemerge.errors import UsageError

        scheme = url.split("://", 1)[0]
        raise UsageError(
            f"Store {url!r}: unknown scheme {scheme!r}; use a file path or "
            "etcd://HOST:PORT[,HOST:PORT...]/KEY."
        )
    from statemerge.store.files import FileStore

    return FileStore(url, timeout=timeout, fmt=fmt)
