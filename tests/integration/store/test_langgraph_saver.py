"""StatemergeSaver: LangGraph's checkpointer conformance suite at its highest level (every base and
extended capability), and a thread's chain that never forks silently, on files and on etcd."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any, TypedDict

import pytest

pytest.importorskip("langgraph.checkpoint.conformance")

from langgraph.checkpoint.base import empty_checkpoint
from langgraph.checkpoint.conformance import checkpointer_test, validate
from langgraph.checkpoint.conformance.capabilities import ALL_CAPABILITIES
from langgraph.graph import END, START, StateGraph

from statemerge.integrations.langgraph import CheckpointForked, StatemergeSaver


def test_the_conformance_suite_passes_every_capability(backend_url: str) -> None:
    @checkpointer_test(name="StatemergeSaver")
    async def saver() -> AsyncIterator[StatemergeSaver]:
        yield StatemergeSaver(backend_url, timeout=10)

    report = asyncio.run(validate(saver))
    failures = {name: result.failures for name, result in report.results.items() if not result.passed}
    assert not failures
    assert report.passed_all()
    assert {str(name) for name in report.results} == {c.value for c in ALL_CAPABILITIES}
    assert all(result.detected and result.tests_skipped == 0 for result in report.results.values())


def config(thread: str, parent: str | None = None) -> dict[str, Any]:
    configurable: dict[str, Any] = {"thread_id": thread, "checkpoint_ns": ""}
    if parent:
        configurable["checkpoint_id"] = parent
    return {"configurable": configurable}


def checkpoint(n: int) -> Any:
    made = empty_checkpoint()
    made["channel_values"] = {"n": n}
    made["channel_versions"] = {"n": n}
    return made


def test_two_workers_from_one_parent_do_not_fork_the_chain(backend_url: str) -> None:
    saver = StatemergeSaver(backend_url, timeout=10)
    root = saver.put(config("t"), checkpoint(1), {"step": 0}, {"n": 1})
    parent = root["configurable"]["checkpoint_id"]
    outcomes: list[str] = []

    def worker(n: int) -> None:
        try:
            saver_n = StatemergeSaver(backend_url, timeout=10)  # a worker of its own
            saver_n.put(config("t", parent), checkpoint(n), {"step": 1}, {"n": n})
            outcomes.append("written")
        except CheckpointForked as error:
            assert "already has the child" in error.message
            outcomes.append("refused")

    workers = [threading.Thread(target=worker, args=(n,)) for n in (2, 3, 4, 5)]
    for each in workers:
        each.start()
    for each in workers:
        each.join()
    assert sorted(outcomes) == ["refused", "refused", "refused", "written"]
    children = [t for t in saver.list(config("t")) if t.parent_config is not None]
    assert len(children) == 1  # one chain: root -> the one written


def made(values: dict[str, Any], versions: dict[str, str]) -> Any:
    made = empty_checkpoint()
    made["channel_values"] = values
    made["channel_versions"] = versions
    return made


def test_a_second_worker_whose_channels_merge_lands_on_the_head(backend_url: str) -> None:
    saver = StatemergeSaver(backend_url, timeout=10)
    v1 = saver.get_next_version(None, None)
    v2 = saver.get_next_version(v1, None)
    root = made({"notes": {"a": 1}, "n": 1}, {"notes": v1, "n": v1})
    stored = saver.put(config("t"), root, {"step": 0}, {"notes": v1, "n": v1})
    parent = stored["configurable"]["checkpoint_id"]
    first = made({"notes": {"a": 1, "b": 2}, "n": 1}, {"notes": v2, "n": v1})  # one worker adds a note
    second = made({"notes": {"a": 1}, "n": 5}, {"notes": v1, "n": v2})  # the other, from the same parent
    a = saver.put(config("t", parent), first, {"step": 1}, {"notes": v2})
    b = saver.put(config("t", parent), second, {"step": 1}, {"n": v2})
    assert b["configurable"]["checkpoint_id"] not in (second["id"], a["configurable"]["checkpoint_id"])
    head = saver.get_tuple(config("t"))
    assert head is not None and head.config == b
    assert head.checkpoint["channel_values"] == {"notes": {"a": 1, "b": 2}, "n": 5}
    assert head.parent_config == a
    assert head.metadata["merged"] == {"from": second["id"], "onto": a["configurable"]["checkpoint_id"]}
    parents = [t.parent_config["configurable"]["checkpoint_id"] for t in saver.list(config("t"))
               if t.parent_config]
    assert len(parents) == len(set(parents)) == 2  # one chain: root -> first -> merged


def test_four_workers_from_one_parent_with_disjoint_channels_all_land_in_one_chain(backend_url: str) -> None:
    saver = StatemergeSaver(backend_url, timeout=20)
    v1 = saver.get_next_version(None, None)
    v2 = saver.get_next_version(v1, None)
    start = {f"c{k}": 0 for k in range(4)}
    stored = saver.put(config("t"), made(start, dict.fromkeys(start, v1)), {}, dict.fromkeys(start, v1))
    parent = stored["configurable"]["checkpoint_id"]

    def worker(k: int) -> None:
        values = {**start, f"c{k}": k + 1}
        versions = {**dict.fromkeys(start, v1), f"c{k}": v2}
        own = StatemergeSaver(backend_url, timeout=20)
        own.put(config("t", parent), made(values, versions), {}, {f"c{k}": v2})

    workers = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for each in workers:
        each.start()
    for each in workers:
        each.join()
    head = saver.get_tuple(config("t"))
    assert head is not None and head.checkpoint["channel_values"] == {"c0": 1, "c1": 2, "c2": 3, "c3": 4}
    parents = [t.parent_config["configurable"]["checkpoint_id"] for t in saver.list(config("t"))
               if t.parent_config]
    assert len(parents) == len(set(parents)) == 4  # a chain of 5, no fork


def test_a_second_worker_whose_channels_conflict_is_refused(backend_url: str) -> None:
    saver = StatemergeSaver(backend_url, timeout=10)
    v1 = saver.get_next_version(None, None)
    v2 = saver.get_next_version(v1, None)
    parent = saver.put(config("t"), made({"n": 1}, {"n": v1}), {}, {"n": v1})["configurable"]["checkpoint_id"]
    saver.put(config("t", parent), made({"n": 2}, {"n": v2}), {}, {"n": v2})
    with pytest.raises(CheckpointForked, match=r"both changed /n"):
        saver.put(config("t", parent), made({"n": 3}, {"n": v2}), {}, {"n": v2})
    assert len(list(saver.list(config("t")))) == 2


def test_forks_allow_branches_on_purpose(backend_url: str) -> None:
    saver = StatemergeSaver(backend_url, forks="allow", timeout=10)
    root = saver.put(config("t"), checkpoint(1), {"step": 0}, {"n": 1})
    parent = root["configurable"]["checkpoint_id"]
    saver.put(config("t", parent), checkpoint(2), {"step": 1}, {"n": 2})
    saver.put(config("t", parent), checkpoint(3), {"step": 1}, {"n": 3})
    assert len(list(saver.list(config("t")))) == 3


class Counter(TypedDict):
    n: int


def test_a_graph_runs_and_resumes_on_the_saver(backend_url: str) -> None:
    graph = StateGraph(Counter)
    graph.add_node("inc", lambda state: {"n": state["n"] + 1})
    graph.add_edge(START, "inc")
    graph.add_edge("inc", END)
    app = graph.compile(checkpointer=StatemergeSaver(backend_url, timeout=10))
    run = {"configurable": {"thread_id": "run-1"}}
    assert app.invoke({"n": 1}, run) == {"n": 2}
    assert app.get_state(run).values == {"n": 2}
    again = graph.compile(checkpointer=StatemergeSaver(backend_url, timeout=10))
    assert again.get_state(run).values == {"n": 2}  # read back by another saver
    assert asyncio.run(again.ainvoke({"n": 10}, {"configurable": {"thread_id": "run-2"}})) == {"n": 11}
