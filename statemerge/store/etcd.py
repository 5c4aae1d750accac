"""The etcd backend: `etcd://HOST:PORT[,HOST:PORT...]/KEY`, for state shared between machines.

etcd keeps the value consistent with Raft; this module only uses its API (the v3 JSON gateway):

- the document is one key holding compact JSON; its etag is the key's `mod_revision` (0: absent);
- compare-and-set is one transaction comparing `mod_revision`, which also writes a per-call nonce
  to `KEY/.statemerge/commit`, so that a write whose answer was lost (a member died) can be found
  in the history instead of being applied twice;
- the lock is etcd's lock service on a lease that a thread keeps alive while it is held and that
  is revoked after (a holder that dies loses it when the lease expires). Writers respect it: a
  transaction by anyone else requires that no lock key exist; the holder's (and its children's)
  require that its own lock key still exist, so a holder whose lease ran out cannot write.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from statemerge.documents import parse_value
from statemerge.errors import (
    ChangedSinceRead,
    LockTimeout,
    PreconditionFailed,
    StatemergeError,
    StoreError,
    UsageError,
)
from statemerge.store.base import (
    DEFAULT_TIMEOUT,
    Holder,
    LockState,
    Store,
    StoredValue,
    held_locks_env,
    inherited_lock_token,
)
from statemerge.store.etcdhttp import (
    AmbiguousWrite,
    DeadlineReached,
    EtcdClient,
    EtcdRequestError,
    b64,
    unb64,
)
from statemerge.store.metrics import CallStats

_ENDPOINT = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):([0-9]{1,5})")
_HISTORY_LIMIT = 200  # writes since our base that a lost answer's search walks back through


@dataclass(frozen=True)
class EtcdAddress:
    """Where an etcd store lives: its endpoints and its key."""

    endpoints: tuple[tuple[str, int], ...]
    key: str


def parse_etcd_url(url: str) -> EtcdAddress:
    """Read `etcd://HOST:PORT[,HOST:PORT...]/KEY`; a malformed one is a UsageError."""
    expected = "expected etcd://HOST:PORT[,HOST:PORT...]/KEY"
    if not url.startswith("etcd://"):
        raise UsageError(f"Store {url!r} is not an etcd URL; {expected}.")
    hosts, slash, key = url[len("etcd://") :].partition("/")
    if not slash or not key:
        raise UsageError(f"Store {url!r} names no KEY; {expected}.")
    endpoints = []
    for part in hosts.split(","):
        found = _ENDPOINT.fullmatch(part)
        if found is None or not 0 < int(found.group(2)) < 65536:
            raise UsageError(f"Store {url!r}: {part!r} is not HOST:PORT; {expected}.")
        endpoints.append((found.group(1).strip("[]"), int(found.group(2))))
    return EtcdAddress(tuple(endpoints), key)


def _prefix_end(prefix: bytes) -> bytes:
    """The first key after every key that starts with `prefix` (its last byte plus one)."""
    return prefix[:-1] + bytes([prefix[-1] + 1])


class EtcdStore(Store):
    """One key of an etcd cluster."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT, lease_ttl: int = 10) -> None:
        super().__init__(url, timeout=timeout)
        address = parse_etcd_url(url)
        self.key = address.key
        self.lease_ttl = lease_ttl
        self.client = EtcdClient(list(address.endpoints), name=url, request_cap=max(1.0, timeout / 3))
        self._key = b64(self.key)
        self._lock_name = self.key + "/.statemerge/lock"
        lock_prefix = (self._lock_name + "/").encode()
        self._lock_range = {"key": b64(lock_prefix), "range_end": b64(_prefix_end(lock_prefix))}
        self._holder_key = b64(self.key + "/.statemerge/holder")
        self._commit_key = b64(self.key + "/.statemerge/commit")
        self._held: tuple[str, Holder] | None = None  # our lock key (base64) and record
        self._keeper: _LeaseKeeper | None = None
        self._waited_since: float | None = None  # when a write began waiting for others' lock

    @property
    def identity(self) -> str:
        return "etcd:" + self.key

    def close(self) -> None:
        self.client.close()

    def read(self) -> StoredValue:
        return self.stored(self.client.call("/v3/kv/range", self.read_request, deadline=self.deadline(None)))

    @property
    def read_request(self) -> dict[str, Any]:
        """The range request that reads the document."""
        return {"key": self._key}

    def stored(self, answer: dict[str, Any]) -> StoredValue:
        """The document in the answer to `read_request`."""
        kvs = answer.get("kvs") or []
        if not kvs:
            return StoredValue(None, "0", False)
        value = parse_value(unb64(kvs[0].get("value", "")), self.url, "json")
        return StoredValue(value, str(kvs[0]["mod_revision"]), True)

    def read_at(self, etag: str) -> StoredValue | None:
        """The value at revision `etag` (None once etcd compacted that history away)."""
        self.check_etag(etag)
        query = {"key": self._key, "revision": etag}
        try:
            answer = self.client.call("/v3/kv/range", query, deadline=self.deadline(None))
        except EtcdRequestError:  # compacted, or a revision from the future
            return None
        kvs = answer.get("kvs") or []
        if not kvs or kvs[0]["mod_revision"] != etag:
            return None  # `etag` is not a version of this key
        return StoredValue(parse_value(unb64(kvs[0].get("value", "")), self.url, "json"), etag, True)

    def check_etag(self, etag: str) -> None:
        if not etag.isdigit():
            raise UsageError(f"{self.url}: {etag!r} is not an etag of an etcd store (a revision).")

    def compare_and_set(
        self, value: Any, etag: str, *, deadline: float, stats: CallStats | None = None
    ) -> str:
        txn, nonce, own_lock = self.cas_request(value, etag, self._held[0] if self._held else None)
        self._waited_since = None
        try:
            return self._transact(txn, nonce, etag, own_lock, deadline)
        finally:
            if stats is not None and self._waited_since is not None:
                stats.lock_wait += time.monotonic() - self._waited_since

    def cas_request(
        self, value: Any, etag: str, held: str | None
    ) -> tuple[dict[str, Any], str, str | None]:
        """The compare-and-set transaction for `value` at `etag`, its nonce, and the lock key it
        writes under (`held`: the lock key this writer holds; else an ancestor's, if any)."""
        self.check_etag(etag)
        import json

        from statemerge.jsonvalue import escape_surrogates

        data = escape_surrogates(json.dumps(value, ensure_ascii=False, separators=(",", ":"))).encode()
        nonce = uuid.uuid4().hex
        own_lock = held or inherited_lock_token(self.identity)
        if own_lock is None:  # nobody may hold the lock
            guard = {
                **self._lock_range,
                "target": "CREATE",
                "result": "EQUAL",
                "create_revision": "0",
            }
            lock_probe = {**self._lock_range, "count_only": True}
        else:  # we (or the process we run under) hold it, still
            guard = {
                "key": own_lock,
                "target": "CREATE",
                "result": "GREATER",
                "create_revision": "0",
            }
            lock_probe = {"key": own_lock, "count_only": True}
        txn = {
            "compare": [
                {"key": self._key, "target": "MOD", "result": "EQUAL", "mod_revision": etag},
                guard,
            ],
            "success": [
                {"request_put": {"key": self._key, "value": b64(data)}},
                {"request_put": {"key": self._commit_key, "value": b64(nonce)}},
            ],
            "failure": [
                {"request_range": {"key": self._key, "keys_only": True}},
                {"request_range": lock_probe},
            ],
        }
        return txn, nonce, own_lock

    def cas_refusal(self, answer: dict[str, Any], etag: str, own_lock: str | None) -> StatemergeError | None:
        """Why a compare-and-set transaction did not succeed: the error to raise, or None when
        someone else holds the lock (wait for it, then try again)."""
        ranges = [r.get("response_range", {}) for r in answer.get("responses", [])]
        kvs = ranges[0].get("kvs") or [] if ranges else []
        current = str(kvs[0]["mod_revision"]) if kvs else "0"
        if current != etag:
            return ChangedSinceRead(
                f"{self.url}: changed since you read it (etag {etag}, now {current}); "
                "nothing was written."
            )
        if own_lock is not None:
            return PreconditionFailed(
                f"{self.url}: the lock this write ran under is gone (its lease expired); "
                "nothing was written."
            )
        return None

    def _transact(
        self, txn: dict[str, Any], nonce: str, etag: str, own_lock: str | None, deadline: float
    ) -> str:
        """Run the compare-and-set transaction until it lands, loses, or the deadline passes."""
        ambiguous = False
        pause = 0.002
        while True:
            try:
                answer = self.client.call("/v3/kv/txn", txn, deadline=deadline, idempotent=False)
            except AmbiguousWrite:
                ambiguous = True
                landed = self._landed(nonce, etag, deadline)
                if landed is not None:
                    return landed
                continue  # it did not land (and cannot land later than our resend would)
            if answer.get("succeeded"):
                return str(answer["header"]["revision"])
            if ambiguous:
                landed = self._landed(nonce, etag, deadline)
                if landed is not None:
                    return landed
            refusal = self.cas_refusal(answer, etag, own_lock)
            if refusal is not None:
                raise refusal
            # someone else holds the lock: wait for it, as a file writer waits for the flock
            now = time.monotonic()
            if self._waited_since is None:
                self._waited_since = now
            if now + pause >= deadline:
                raise LockTimeout(f"{self.url}: {self._busy_message(now - self._waited_since)}")
            time.sleep(min(pause, deadline - now))
            pause = min(pause * 2, 0.05)

    @contextmanager
    def acquire(self, agent: str, *, deadline: float, stats: CallStats | None = None) -> Iterator[Holder]:
        if self._held is not None:
            raise UsageError(f"{self.url}: this store already holds its lock.")
        inherited = inherited_lock_token(self.identity)
        if inherited is not None:  # `statemerge lock` runs us: its lock is ours, if still held
            probe = {"key": inherited, "count_only": True}
            if not int(self.client.call("/v3/kv/range", probe, deadline=deadline).get("count", 0)):
                raise PreconditionFailed(
                    f"{self.url}: the lock of the command this runs under is gone; nothing was done."
                )
            self._held = (inherited, self.lock_status().holder or Holder.now(agent))
            try:
                yield self._held[1]
            finally:
                self._held = None
            return
        grant = self.client.call("/v3/lease/grant", {"TTL": self.lease_ttl}, deadline=deadline)
        lease = str(grant["ID"])
        keeper = self._keeper = _LeaseKeeper(self, lease)
        keeper.start()
        try:
            started = time.monotonic()
            try:
                answer = self.client.call(
                    "/v3/lock/lock",
                    {"name": b64(self._lock_name), "lease": lease},
                    deadline=deadline,
                    uncapped=True,
                )
            except DeadlineReached as error:
                if stats is not None:
                    stats.lock_wait += time.monotonic() - started
                if not error.waiting:
                    raise
                raise LockTimeout(f"{self.url}: {self._busy_message(time.monotonic() - started)}") from None
            if stats is not None:
                stats.lock_wait += time.monotonic() - started
            holder = Holder.now(agent)
            put = {"key": self._holder_key, "value": b64(holder.to_json()), "lease": lease}
            self.client.call("/v3/kv/put", put, deadline=max(deadline, time.monotonic() + 2.0))
            self._held = (str(answer["key"]), holder)
            try:
                yield holder
            finally:
                self._held = None
        finally:
            keeper.stop()
            self._keeper = None
            # Revoking the lease deletes our lock key and holder record at once; if etcd cannot be
            # reached now, the lease expires by itself within its TTL.
            with contextlib.suppress(StoreError):
                self.client.call("/v3/lease/revoke", {"ID": lease}, deadline=time.monotonic() + 2.0)

    @property
    def lock_lost(self) -> bool:
        """Whether the lease of the lock held now could not be kept alive."""
        return self._keeper is not None and self._keeper.lost

    def lock_status(self) -> LockState:
        deadline = self.deadline(None)
        first = {**self._lock_range, "sort_order": "ASCEND", "sort_target": "CREATE", "limit": 1}
        answer = self.client.call("/v3/kv/range", first, deadline=deadline)
        kvs = answer.get("kvs") or []
        if not kvs:
            return LockState(held=False)
        record = self.client.call("/v3/kv/range", {"key": self._holder_key}, deadline=deadline)
        holders = record.get("kvs") or []
        if holders and holders[0].get("lease") == kvs[0].get("lease"):
            return LockState(held=True, holder=Holder.from_json(unb64(holders[0]["value"]).decode()))
        return LockState(held=True)

    def lock_env(self) -> dict[str, str]:
        if self._held is None:
            raise UsageError(f"{self.url}: the lock is not held, so there is nothing to pass on.")
        return held_locks_env(self.identity, self._held[0])

    # -- inside ---------------------------------------------------------------------------------

    def _busy_message(self, waited: float) -> str:
        try:
            holder = self.lock_status().holder
        except StoreError:
            holder = None
        from statemerge.store.files import describe_holder

        by = f": held by {describe_holder(holder)}" if holder else ""
        return f"lock not acquired within {waited:.1f} s{by}; nothing was done."

    def _landed(self, nonce: str, base: str, deadline: float) -> str | None:
        """`_find_commit`, saying that a write's outcome is unknown when etcd cannot tell."""
        try:
            return self._find_commit(nonce, base, deadline)
        except DeadlineReached as error:
            raise StoreError(
                f"{error.message.removesuffix('.')}; a write was sent but whether it landed is "
                "unknown: read the store to see."
            ) from None

    def _find_commit(self, nonce: str, base: str, deadline: float) -> str | None:
        """The revision at which our write (tagged `nonce`) landed after `base`, or None.

        Walks back through the versions of the commit key, newest first, to `base`.
        """
        revision: str | None = None
        for _ in range(_HISTORY_LIMIT):
            query: dict[str, Any] = {"key": self._commit_key}
            if revision is not None:
                query["revision"] = revision
            kvs = self.client.call("/v3/kv/range", query, deadline=deadline).get("kvs") or []
            if not kvs or int(kvs[0]["mod_revision"]) <= int(base):
                return None
            if unb64(kvs[0].get("value", "")).decode() == nonce:
                return str(kvs[0]["mod_revision"])
            revision = str(int(kvs[0]["mod_revision"]) - 1)
        raise StoreError(
            f"{self.url}: a write got no answer and too much changed since to tell "
            "whether it landed; read the store before writing again."
        )


class _LeaseKeeper:
    """A thread that keeps a lock's lease alive (every third of its TTL) until stopped."""

    def __init__(self, store: EtcdStore, lease: str) -> None:
        self.store = store
        self.lease = lease
        self.client = EtcdClient(store.client.endpoints, name=store.url, request_cap=store.client.request_cap)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="statemerge-lease", daemon=True)
        self.lost = False

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.client.close()

    def _run(self) -> None:
        period = max(0.2, self.store.lease_ttl / 3)
        expires = time.monotonic() + self.store.lease_ttl
        while not self.stopped.wait(period):
            try:
                answer = self.client.call(
                    "/v3/lease/keepalive", {"ID": self.lease}, deadline=time.monotonic() + period
                )
            except StoreError:
                if time.monotonic() > expires:
                    self.lost = True
                continue
            ttl = int(answer.get("result", {}).get("TTL", 0))
            if ttl <= 0:
                self.lost = True
                return
            expires = time.monotonic() + ttl
