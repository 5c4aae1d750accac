"""StatemergeStore: LangGraph store puts that merge concurrent writes, on files and on etcd."""

from __future__ import annotations

import asyncio
import threading

import pytest

pytest.importorskip("langgraph.store.base")

from statemerge.errors import MergeConflict
from statemerge.integrations.langgraph import StatemergeStore

NS = ("users", "ada")


def test_concurrent_puts_of_one_item_keep_both_changes(backend_url: str) -> None:
    first, second = StatemergeStore(backend_url, timeout=10), StatemergeStore(backend_url, timeout=10)
    first.put(NS, "prefs", {"theme": "dark", "lang": "en"})
    a, b = first.get(NS, "prefs"), second.get(NS, "prefs")
    assert a is not None and b is not None
    first.put(NS, "prefs", {**a.value, "theme": "light"})
    second.put(NS, "prefs", {**b.value, "lang": "fr"})  # last-write-wins would lose "light"
    item = first.get(NS, "prefs")
    assert item is not None and item.value == {"theme": "light", "lang": "fr"}


def test_the_same_field_changed_twice_is_a_conflict_and_nothing_is_written(backend_url: str) -> None:
    first, second = StatemergeStore(backend_url, timeout=10), StatemergeStore(backend_url, timeout=10)
    first.put(NS, "prefs", {"theme": "dark"})
    second.get(NS, "prefs")
    first.put(NS, "prefs", {"theme": "light"})
    with pytest.raises(MergeConflict) as raised:
        second.put(NS, "prefs", {"theme": "blue"})
    assert [c["path"] for c in raised.value.conflicts] == ["/items/prefs/value/theme"]
    item = first.get(NS, "prefs")
    assert item is not None and item.value == {"theme": "light"}


def test_rules_per_namespace_resolve_what_concurrent_puts_change_twice(backend_url: str) -> None:
    """Four workers raise a best score at once: `max` resolves each conflict, so the best lands.
    (Counters are `update` with `inc`, or a CRDT counter: two identical changes merge as one.)"""
    rules = {("users",): {"rules": [{"path": "/best", "strategy": "max"}]}}
    StatemergeStore(backend_url).put(NS, "stats", {"best": 0})
    outcomes: list[str] = []

    def worker(k: int) -> None:
        store = StatemergeStore(backend_url, rules=rules, timeout=20)
        for i in range(10):
            item = store.get(NS, "stats")
            assert item is not None
            store.put(NS, "stats", {"best": max(item.value["best"], 7 * i + k)})
        outcomes.append("done")

    workers = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for each in workers:
        each.start()
    for each in workers:
        each.join()
    assert outcomes == ["done"] * 4
    item = StatemergeStore(backend_url).get(NS, "stats")
    assert item is not None and item.value == {"best": 7 * 9 + 3}


def test_get_search_list_delete_and_async(backend_url: str) -> None:
    store = StatemergeStore(backend_url, timeout=10)
    store.put(("docs", "a"), "1", {"kind": "note"})
    store.put(("docs", "b"), "2", {"kind": "todo"})
    assert [i.key for i in store.search(("docs",), filter={"kind": "todo"})] == ["2"]
    assert store.list_namespaces(prefix=("docs",)) == [("docs", "a"), ("docs", "b")]
    store.delete(("docs", "a"), "1")
    assert store.get(("docs", "a"), "1") is None
    item = asyncio.run(store.aget(("docs", "b"), "2"))
    assert item is not None and item.value == {"kind": "todo"}
