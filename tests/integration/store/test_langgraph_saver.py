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
