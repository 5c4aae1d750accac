"""`StatemergeStore`: a LangGraph `BaseStore` whose writes merge instead of the last one winning.

Each namespace is one store document (`FOLDER/NAMESPACE.json` or an etcd key under a prefix):
`{"items": {KEY: {"value": {...}, "created_at": ISO, "updated_at": ISO}}}`. A `put` is merge on
write: its base is the item as this store last read or wrote it (`get`, `search`, `put`), so what
other writers changed since (other items, other fields of the item) is kept, and a field both
changed differently is a conflict (`MergeConflict`, nothing written) unless a rule of the namespace
resolves it (`rules={("users",): {"rules": [{"path": "/visits", "strategy": "sum"}]}}`, paths
inside the item's value) or `on_conflict="ours"|"theirs"` was given. A put without a base (an
item never read here) writes its value over whatever is there, as LangGraph's own stores do.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

from langgraph.store.base import (
    BaseStore,
    GetOp,
    Item,
    ListNamespacesOp,
    Op,
    PutOp,
    Result,
    SearchItem,
    SearchOp,
)

from statemerge.errors import UsageError
from statemerge.integrations.langgraph.saver import ThreadStores

Namespace = tuple[str, ...]
_TIMESTAMP_RULE = {"path": "/items/*/updated_at", "strategy": "max"}


def _name(namespace: Namespace) -> str:
    return ".".join(quote(label, safe="").replace(".", "%2E") for label in namespace)


def _namespace(name: str) -> Namespace:
    return tuple(unquote(label) for label in name.split("."))


class StatemergeStore(BaseStore):
    """A LangGraph store over a folder of JSON files or an etcd prefix, merging concurrent puts."""

    def __init__(
        self,
        url: str,
        *,
        rules: dict[Namespace, Any] | None = None,
        on_conflict: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.documents = ThreadStores(url, timeout)
        self.rules = rules or {}
        self.on_conflict = on_conflict
        self._bases: dict[tuple[Namespace, str], tuple[dict[str, Any], str]] = {}  # item read, etag

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        return [self._run(op) for op in ops]

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        return await asyncio.to_thread(self.batch, list(ops))

    def _run(self, op: Op) -> Result:
        if isinstance(op, GetOp):
            return self._get(op.namespace, op.key)
        if isinstance(op, PutOp):
            if op.index not in (None, False):
                raise UsageError("StatemergeStore has no vector index: put with index=False or None.")
            self._put(op.namespace, op.key, op.value)
            return None
        if isinstance(op, SearchOp):
            if op.query:
                raise UsageError("StatemergeStore has no vector index: search without a query.")
            return self._search(op)
        if isinstance(op, ListNamespacesOp):
            return self._list_namespaces(op)
        raise UsageError(f"StatemergeStore cannot run {type(op).__name__}.")

    def _read(self, namespace: Namespace) -> tuple[dict[str, Any], str]:
        with self.documents.open(_name(namespace)) as store:
            snapshot = store.read()
        items = snapshot.value.get("items", {}) if isinstance(snapshot.value, dict) else {}
        return items, snapshot.etag

    def _item(self, namespace: Namespace, key: str, stored: dict[str, Any], etag: str) -> Item:
        self._bases[(namespace, key)] = (copy.deepcopy(stored), etag)
        return Item(
            value=stored["value"],
            key=key,
            namespace=namespace,
            created_at=datetime.fromisoformat(stored["created_at"]),
            updated_at=datetime.fromisoformat(stored["updated_at"]),
        )

    def _get(self, namespace: Namespace, key: str) -> Item | None:
        items, etag = self._read(namespace)
        stored = items.get(key)
        return None if stored is None else self._item(namespace, key, stored, etag)

    def _put(self, namespace: Namespace, key: str, value: Mapping[str, Any] | None) -> None:
        now = datetime.now(UTC).isoformat()
        base = self._bases.pop((namespace, key), None)
        with self.documents.open(_name(namespace)) as store:
            if base is None or value is None:  # a blind put or a delete: no base to merge from

                def change(document: Any) -> Any:
                    items = document.setdefault("items", {}) if isinstance(document, dict) else {}
                    if value is None:
                        items.pop(key, None)
                    else:
                        created = items.get(key, {}).get("created_at", now)
                        items[key] = {"value": dict(value), "created_at": created, "updated_at": now}
                    return {"items": items}

                store.update(change)
            else:
                before = base[0]  # the namespace's etag moves with every item: merge with what is there
                written = {**before, "value": dict(value), "updated_at": now}
                store.commit(
                    {"items": {key: written}},
                    base=({"items": {key: before}}, None),
                    rules=self._rules(namespace, key),
                    on_conflict=self.on_conflict,
                )
        if value is not None:  # the item as written (merged) is the base of this store's next put
            items, etag = self._read(namespace)
            if key in items:
                self._bases[(namespace, key)] = (copy.deepcopy(items[key]), etag)

    def _rules(self, namespace: Namespace, key: str) -> dict[str, Any]:
        """The rules of the longest namespace prefix that has some, moved under the item's value."""
        chosen: list[dict[str, Any]] = []
        for prefix in sorted(self.rules, key=len, reverse=True):
            if namespace[: len(prefix)] == prefix:
                chosen = list(self.rules[prefix].get("rules", []))
                break
        escaped = key.replace("~", "~0").replace("/", "~1")
        moved = [{**rule, "path": f"/items/{escaped}/value{rule['path']}"} for rule in chosen]
        return {"rules": [*moved, _TIMESTAMP_RULE]}

    def _search(self, op: SearchOp) -> list[SearchItem]:
        found: list[SearchItem] = []
        for name in self.documents.thread_ids():
            namespace = _namespace(name)
            if namespace[: len(op.namespace_prefix)] != op.namespace_prefix:
                continue
            items, etag = self._read(namespace)
            for key in sorted(items):
                stored = items[key]
                value = stored["value"]
                if op.filter and not all(value.get(k) == v for k, v in op.filter.items()):
                    continue
                item = self._item(namespace, key, stored, etag)
                found.append(SearchItem(item.namespace, item.key, item.value, item.created_at,
                                        item.updated_at))
        return found[op.offset : op.offset + op.limit]

    def _list_namespaces(self, op: ListNamespacesOp) -> list[Namespace]:
        from langgraph.store.base import MatchCondition

        def matches(namespace: Namespace, condition: MatchCondition) -> bool:
            path = tuple(condition.path)
            part = namespace[: len(path)] if condition.match_type == "prefix" else namespace[-len(path):]
            return len(namespace) >= len(path) and all(
                want == "*" or want == got for want, got in zip(path, part, strict=True)
            )

        names = set()
        for name in self.documents.thread_ids():
            namespace = _namespace(name)
            items, _ = self._read(namespace)
            if not items:
                continue
            if op.match_conditions and not all(matches(namespace, c) for c in op.match_conditions):
                continue
            names.add(namespace[: op.max_depth] if op.max_depth is not None else namespace)
        return sorted(names)[op.offset : op.offset + op.limit]

