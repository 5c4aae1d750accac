"""LangGraph on statemerge (`pip install 'statemerge[langgraph]'`).

- `StatemergeSaver(url)`: a checkpointer over a folder of JSON files or an etcd prefix; a thread's
  chain never forks silently: a second worker's checkpoint from the same parent is merged onto
  the head where its channels merge cleanly, else `CheckpointForked`.
- `StatemergeStore(url)`: a `BaseStore` whose `put` on an existing item merges concurrent writes
  (merge on write, rules per namespace) instead of the last write winning.
"""

from __future__ import annotations

from statemerge.integrations.langgraph.forks import CheckpointForked
from statemerge.integrations.langgraph.saver import StatemergeSaver
from statemerge.integrations.langgraph.store import StatemergeStore

__all__ = ["CheckpointForked", "StatemergeSaver", "StatemergeStore"]
