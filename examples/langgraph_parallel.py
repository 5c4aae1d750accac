"""Two parallel LangGraph nodes update one shared state, and neither loses the other's change.

    pip install 'statemerge[langgraph]'
    python examples/langgraph_parallel.py [FOLDER]

The graph fans out to `planner` and `researcher`, which run at once (LangGraph runs a superstep's
nodes in parallel threads). Both edit the same shared document with merge on write
(`store.edit()`): each changes its own copy, and whichever lands second is merged with the first
instead of overwriting it. The graph's checkpoints go to a StatemergeSaver in the same folder.
"""

from __future__ import annotations

import operator
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated, TypedDict

from langgraph.graph import END, START, StateGraph

from statemerge.integrations.langgraph import StatemergeSaver
from statemerge.store import open_store


class Run(TypedDict):
    topic: str
    done: Annotated[list[str], operator.add]


def main(folder: Path) -> dict[str, object]:
    shared = open_store(str(folder / "shared.json"))
    shared.set("", {"tasks": {}, "notes": {}, "visits": 0})

    def planner(run: Run) -> dict[str, list[str]]:
        with shared.edit() as doc:  # a private copy; merged on the way out
            doc["tasks"]["outline"] = {"topic": run["topic"], "owner": "planner"}
            time.sleep(0.2)  # the researcher writes meanwhile
        return {"done": ["planner"]}

    def researcher(run: Run) -> dict[str, list[str]]:
        with shared.edit() as doc:
            doc["notes"]["sources"] = [f"{run['topic']} survey", f"{run['topic']} benchmarks"]
        shared.apply([{"op": "inc", "path": "/visits", "value": 1}])  # a counter: update, not edit
        return {"done": ["researcher"]}

    graph = StateGraph(Run)
    graph.add_node("planner", planner)
    graph.add_node("researcher", researcher)
    graph.add_edge(START, "planner")
    graph.add_edge(START, "researcher")
    graph.add_edge("planner", END)
    graph.add_edge("researcher", END)
    app = graph.compile(checkpointer=StatemergeSaver(str(folder / "checkpoints")))
    result = app.invoke({"topic": "CRDTs", "done": []}, {"configurable": {"thread_id": "demo"}})
    state, _ = shared.get()
    return {"graph": result, "shared": state}


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="statemerge-"))
    folder.mkdir(parents=True, exist_ok=True)
    outcome = main(folder)
    print("graph: ", outcome["graph"])
    print("shared:", outcome["shared"])
