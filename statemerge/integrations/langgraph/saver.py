"""`StatemergeSaver`: a LangGraph checkpointer over statemerge stores (files or etcd).

Each thread is one store document (`FOLDER/THREAD.json`, or the key `PREFIX/THREAD` of etcd):

    {"ns": {NAMESPACE: {"checkpoints": {ID: {"checkpoint": [TYPE, B64], "metadata": [TYPE, B64],
                                              "parent": ID | null}},
                        "blobs": {CHANNEL: {VERSION: [TYPE, B64]}},
                        "writes": {ID: {"TASK/IDX": [TASK, CHANNEL, [TYPE, B64], PATH, IDX]}}}}}

Every write is a compare-and-set `update` of that document, so concurrent workers never lose
one another's checkpoints or writes. Beyond LangGraph's contract, a thread's chain never forks
silently: a checkpoint whose parent already has another child (a second worker that ran from the
same parent) is merged onto the thread's head where its channels merge cleanly, and otherwise
raises `CheckpointForked` (forks.py); `forks="allow"` branches on purpose (time travel).
"""

from __future__ import annotations

import asyncio
import base64
import os
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any
from urllib.parse import quote, unquote

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    WRITES_IDX_MAP,
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    get_checkpoint_id,
    get_checkpoint_metadata,
)
from langgraph.checkpoint.serde.base import SerializerProtocol

from statemerge.errors import UsageError
from statemerge.integrations.langgraph.forks import merge_onto_head, siblings
from statemerge.store import Store, open_store


def _typed(pair: tuple[str, bytes]) -> list[str]:
    return [pair[0], base64.b64encode(pair[1]).decode("ascii")]


def _untyped(stored: list[str]) -> tuple[str, bytes]:
    return stored[0], base64.b64decode(stored[1])


class ThreadStores:
    """Where the threads live: a folder of JSON files, or a key prefix of etcd."""

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.etcd = url.startswith("etcd://")
        if not self.etcd:
            os.makedirs(self.url, exist_ok=True)

    def open(self, thread_id: str) -> Store:
        name = quote(str(thread_id), safe="")
        return open_store(f"{self.url}/{name}" if self.etcd else os.path.join(self.url, name + ".json"),
                          timeout=self.timeout)

    def thread_ids(self) -> list[str]:
        """Every thread written so far."""
        if not self.etcd:
            return sorted(unquote(n[:-5]) for n in os.listdir(self.url)
                          if n.endswith(".json") and not n.startswith("."))
        from statemerge.store.etcd import EtcdStore, _prefix_end
        from statemerge.store.etcdhttp import b64, unb64

        with self.open("x") as probe:
            assert isinstance(probe, EtcdStore)
            prefix = probe.key[: -len("x")].encode()
            query = {"key": b64(prefix), "range_end": b64(_prefix_end(prefix)), "keys_only": True}
            kvs = probe.client.call("/v3/kv/range", query, deadline=probe.deadline(None)).get("kvs") or []
        names = (unb64(kv["key"])[len(prefix):].decode() for kv in kvs)
        return sorted(unquote(name) for name in names if "/" not in name)


class StatemergeSaver(BaseCheckpointSaver[str]):
    """A checkpointer over a folder of JSON files or an etcd prefix (`etcd://HOST:PORT/PREFIX`)."""

    def __init__(
        self,
        url: str,
        *,
        serde: SerializerProtocol | None = None,
        forks: str = "error",
        rules: Any = None,
        timeout: float = 30.0,
    ) -> None:
        super().__init__(serde=serde)
        if forks not in ("error", "allow"):
            raise UsageError(f"forks must be 'error' or 'allow', not {forks!r}.")
        self.forks = forks
        self.rules = rules  # merging a fork's channel values (a rules document, as .statemerge.yaml)
        self.threads = ThreadStores(url, timeout)

    # -- reading --------------------------------------------------------------------------------

    def _document(self, thread_id: str) -> dict[str, Any]:
        with self.threads.open(thread_id) as store:
            snapshot = store.read()
        value = snapshot.value if snapshot.exists else None
        return value if isinstance(value, dict) else {}

    def _tuple(self, thread_id: str, ns: str, cid: str, space: dict[str, Any]) -> CheckpointTuple:
        saved = space["checkpoints"][cid]
        checkpoint: Checkpoint = self.serde.loads_typed(_untyped(saved["checkpoint"]))
        blobs = space.get("blobs", {})
        values = {}
        for channel, version in checkpoint["channel_versions"].items():
            blob = blobs.get(channel, {}).get(str(version))
            if blob is not None and blob[0] != "empty":
                values[channel] = self.serde.loads_typed(_untyped(blob))
        writes = sorted(space.get("writes", {}).get(cid, {}).values(), key=lambda w: (w[0], w[4]))
        parent = saved.get("parent")
        return CheckpointTuple(
            config=_config(thread_id, ns, cid),
            checkpoint={**checkpoint, "channel_values": values},
            metadata=self.serde.loads_typed(_untyped(saved["metadata"])),
            parent_config=_config(thread_id, ns, parent) if parent else None,
            pending_writes=[(w[0], w[1], self.serde.loads_typed(_untyped(w[2]))) for w in writes],
        )

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        thread_id = str(config["configurable"]["thread_id"])
        ns = config["configurable"].get("checkpoint_ns", "")
        space = self._document(thread_id).get("ns", {}).get(ns)
        if not space or not space.get("checkpoints"):
            return None
        cid = get_checkpoint_id(config) or max(space["checkpoints"])
        if cid not in space["checkpoints"]:
            return None
        return self._tuple(thread_id, ns, cid, space)

    def list(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        thread_ids = [str(config["configurable"]["thread_id"])] if config else self.threads.thread_ids()
        wanted_ns = config["configurable"].get("checkpoint_ns") if config else None
        wanted_id = get_checkpoint_id(config) if config else None
        before_id = get_checkpoint_id(before) if before else None
        for thread_id in thread_ids:
            for ns, space in self._document(thread_id).get("ns", {}).items():
                if wanted_ns is not None and ns != wanted_ns:
                    continue
                for cid in sorted(space.get("checkpoints", {}), reverse=True):
                    if (wanted_id and cid != wanted_id) or (before_id and cid >= before_id):
                        continue
                    found = self._tuple(thread_id, ns, cid, space)
                    if filter and not all(found.metadata.get(k) == v for k, v in filter.items()):
                        continue
                    if limit is not None and limit <= 0:
                        return
                    if limit is not None:
                        limit -= 1
                    yield found

    # -- writing --------------------------------------------------------------------------------

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        thread_id = str(config["configurable"]["thread_id"])
        ns = config["configurable"].get("checkpoint_ns", "")
        parent = config["configurable"].get("checkpoint_id")
        meta = dict(get_checkpoint_metadata(config, metadata))
        written: list[str] = []

        def change(document: dict[str, Any]) -> None:
            space = _space(document, ns)
            cp, md, up, versions = checkpoint, meta, parent, new_versions
            if parent and self.forks == "error" and siblings(space, parent, checkpoint["id"]):
                cp, md, up = merge_onto_head(self, (thread_id, ns, parent), checkpoint, meta, space)
                head = space["checkpoints"][up]["checkpoint"]
                old = self.serde.loads_typed(_untyped(head))["channel_versions"]
                versions = {ch: v for ch, v in cp["channel_versions"].items() if old.get(ch) != v}
            self._write(space, cp, md, up, versions)
            written.append(cp["id"])

        self._update(thread_id, change)
        return _config(thread_id, ns, written[-1])

    def _write(
        self, space: dict[str, Any], checkpoint: Checkpoint, metadata: dict[str, Any],
        parent: str | None, new_versions: ChannelVersions,
    ) -> None:
        """Put a checkpoint and the blobs of its new channel versions into a namespace."""
        saved = {k: v for k, v in checkpoint.items() if k != "channel_values"}
        values = checkpoint["channel_values"]
        space["checkpoints"][checkpoint["id"]] = {
            "checkpoint": _typed(self.serde.dumps_typed(saved)),
            "metadata": _typed(self.serde.dumps_typed(metadata)),
            "parent": parent,
        }
        for channel, version in new_versions.items():
            blob = _typed(self.serde.dumps_typed(values[channel])) if channel in values else ["empty", ""]
            space["blobs"].setdefault(channel, {})[str(version)] = blob

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        thread_id = str(config["configurable"]["thread_id"])
        ns = config["configurable"].get("checkpoint_ns", "")
        cid = config["configurable"]["checkpoint_id"]
        entries = []
        for idx, (channel, value) in enumerate(writes):
            index = WRITES_IDX_MAP.get(channel, idx)
            entry = [task_id, channel, _typed(self.serde.dumps_typed(value)), task_path, index]
            entries.append((f"{task_id}/{index}", index, entry))

        def change(document: dict[str, Any]) -> None:
            stored = _space(document, ns)["writes"].setdefault(cid, {})
            for key, index, entry in entries:
                if index >= 0 and key in stored:
                    continue  # a write once stored stays (a retried task writes the same)
                stored[key] = entry

        self._update(thread_id, change)

    def delete_thread(self, thread_id: str) -> None:
        self._update(str(thread_id), lambda document: {})

    def delete_for_runs(self, run_ids: Sequence[str]) -> None:
        runs = set(run_ids)
        if not runs:
            return
        for thread_id in self.threads.thread_ids():

            def change(document: dict[str, Any]) -> None:
                for space in document.get("ns", {}).values():
                    for cid, saved in list(space.get("checkpoints", {}).items()):
                        if self.serde.loads_typed(_untyped(saved["metadata"])).get("run_id") in runs:
                            del space["checkpoints"][cid]
                            space.get("writes", {}).pop(cid, None)

            self._update(thread_id, change)

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        source = self._document(str(source_thread_id))

        def change(document: dict[str, Any]) -> None:
            for ns, space in source.get("ns", {}).items():
                target = _space(document, ns)
                for part in ("checkpoints", "writes"):
                    target[part].update(space.get(part, {}))
                for channel, versions in space.get("blobs", {}).items():
                    target["blobs"].setdefault(channel, {}).update(versions)

        if source.get("ns"):
            self._update(str(target_thread_id), change)

    def prune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        if strategy not in ("keep_latest", "delete"):
            raise UsageError(f"prune strategy must be 'keep_latest' or 'delete', not {strategy!r}.")
        for thread_id in thread_ids:
            if strategy == "delete":
                self.delete_thread(thread_id)
                continue

            def change(document: dict[str, Any]) -> None:
                for space in document.get("ns", {}).values():
                    checkpoints = space.get("checkpoints", {})
                    if not checkpoints:
                        continue
                    latest = max(checkpoints)
                    space["checkpoints"] = {latest: checkpoints[latest]}
                    space["writes"] = {k: v for k, v in space.get("writes", {}).items() if k == latest}

            self._update(str(thread_id), change)

    def _update(self, thread_id: str, change: Any) -> None:
        with self.threads.open(thread_id) as store:
            store.update(change)

    def get_next_version(self, current: str | None, channel: None) -> str:
        number = 0 if current is None else int(str(current).split(".")[0])
        return f"{number + 1:032}.{os.urandom(8).hex()}"

    # -- asyncio: the same calls in a worker thread, so the loop never waits on a file or etcd ---

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return await asyncio.to_thread(self.get_tuple, config)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        found = await asyncio.to_thread(
            lambda: list(self.list(config, filter=filter, before=before, limit=limit))
        )
        for item in found:
            yield item

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        return await asyncio.to_thread(self.put, config, checkpoint, metadata, new_versions)

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        await asyncio.to_thread(self.put_writes, config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        await asyncio.to_thread(self.delete_thread, thread_id)

    async def adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        await asyncio.to_thread(self.delete_for_runs, run_ids)

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        await asyncio.to_thread(self.copy_thread, source_thread_id, target_thread_id)

    async def aprune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        await asyncio.to_thread(self.prune, thread_ids, strategy=strategy)


def _space(document: dict[str, Any], ns: str) -> dict[str, Any]:
    space: dict[str, Any] = document.setdefault("ns", {}).setdefault(ns, {})
    for part in ("checkpoints", "blobs", "writes"):
        space.setdefault(part, {})
    return space


def _config(thread_id: str, ns: str, cid: str) -> RunnableConfig:
    return {"configurable": {"thread_id": thread_id, "checkpoint_ns": ns, "checkpoint_id": cid}}
