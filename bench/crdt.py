"""The N-way join of OR-set replicas must be linear in replicas x elements.

For (R, N) in (10, 10k), (100, 10k), (10, 100k): R replica files of one OR-set of N elements that
diverged a little (each replica added 1% new elements and removed 1% of the shared ones). The
timed join reads each replica's JSON, validates and decodes it, folds it into the running join,
and encodes the result canonically (what `statemerge crdt merge` does, minus writing the output).

Ratios printed, all from this one run (the machine is noisy; absolute times mean little):
- linearity: time per replica-element of each size over that of the smallest (target <= 1.5x);
- floor: the join over just parsing the same JSON bytes (orjson), the least any join must do;
- peer: the OR-set join over a G-set join of the same elements (what dots and contexts cost).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from statemerge import crdt
from statemerge.crdt.base import paused_gc

DATA = Path(__file__).resolve().parent / "data" / "crdt"
SIZES = ((10, 10_000), (100, 10_000), (10, 100_000))
RUNS = 2
FORMAT = 1  # bump when the generated data changes


def replica_states(replicas: int, size: int) -> list[dict[str, Any]]:
    """R diverged copies of one OR-set of `size` elements (before their 1% edits, shared)."""
    names = [f"agent-{i:03d}" for i in range(replicas)]
    shared = [(f"task-{j:07d}", names[j % replicas], j // replicas + 1) for j in range(size)]
    context = {name: sum(1 for j in range(size) if j % replicas == i) for i, name in enumerate(names)}
    churn = max(1, size // 100)
    states = []
    for i, name in enumerate(names):
        removed = {(i * 7919 + k * 104_729) % size for k in range(churn)}
        entries = [
            {"dots": [[owner, n]], "value": value}
            for j, (value, owner, n) in enumerate(shared)
            if j not in removed
        ]
        own = context[name]
        entries += [{"dots": [[name, own + k + 1]], "value": f"{name}-new-{k:06d}"} for k in range(churn)]
        states.append({"$crdt": "or-set", "context": {**context, name: own + churn}, "entries": entries})
    return states


def replica_files(replicas: int, size: int) -> list[Path]:
    """The replica files of one size, generated once under bench/data/crdt/."""
    folder = DATA / f"or-set-v{FORMAT}-{replicas}x{size}"
    paths = [folder / f"replica-{i:03d}.json" for i in range(replicas)]
    if not all(path.exists() for path in paths):
        folder.mkdir(parents=True, exist_ok=True)
        for path, state in zip(paths, replica_states(replicas, size), strict=True):
            path.write_bytes(orjson.dumps(state))
    return paths


def as_g_set(blob: bytes) -> bytes:
    """The same elements as a G-set node."""
    state = orjson.loads(blob)
    return orjson.dumps({"$crdt": "g-set", "elements": [e["value"] for e in state["entries"]]})


def join_blobs(blobs: list[bytes]) -> dict[str, Any]:
    """Parse, validate and decode each replica in turn, fold the join, encode the result."""
    where = crdt.Where("bench")
    with paused_gc():
        kind, joined = crdt.decode_node(orjson.loads(blobs[0]), where)
        for blob in blobs[1:]:
            other_kind, state = crdt.decode_node(orjson.loads(blob), where)
            assert other_kind is kind
            joined = kind.join(joined, state)
        return crdt.encode_node(kind, joined)


def parse_only(blobs: list[bytes]) -> None:
    with paused_gc():
        for blob in blobs:
            orjson.loads(blob)


def timed(action: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    print(f"crdt: N-way join of OR-set replicas (R replicas x N elements), best of {RUNS} rounds")
    inputs = {}
    for replicas, size in SIZES:
        blobs = [path.read_bytes() for path in replica_files(replicas, size)]
        assert len(join_blobs(blobs)["entries"]) >= size * 99 // 100
        inputs[replicas, size] = blobs, [as_g_set(blob) for blob in blobs]
    best: dict[tuple[int, int, str], float] = {}
    for _ in range(RUNS):  # rounds over every size, so that a noisy moment hits all sizes alike
        for (replicas, size), (blobs, g_sets) in inputs.items():
            for label, action in (
                ("join", lambda blobs=blobs: join_blobs(blobs)),
                ("parse", lambda blobs=blobs: parse_only(blobs)),
                ("g-set", lambda g_sets=g_sets: join_blobs(g_sets)),
            ):
                seconds = timed(action)
                key = (replicas, size, label)
                best[key] = min(best.get(key, seconds), seconds)
    print(f"{'R x N':>12} {'join s':>8} {'us/elem':>8} {'vs first':>9} {'vs parse':>9} {'vs g-set':>9}")
    first: float | None = None
    for replicas, size in SIZES:
        seconds = best[replicas, size, "join"]
        per_element = seconds / (replicas * size)
        first = first or per_element
        print(
            f"{f'{replicas} x {size // 1000}k':>12} {seconds:8.2f} {per_element * 1e6:8.2f} "
            f"{per_element / first:8.2f}x {seconds / best[replicas, size, 'parse']:8.1f}x "
            f"{seconds / best[replicas, size, 'g-set']:8.1f}x"
        )
    print("target: 'vs first' <= 1.5x for every size (time per replica-element stays flat)")


if __name__ == "__main__":
    main()
