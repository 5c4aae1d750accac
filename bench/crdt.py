"""The N-way join of OR-set replicas must be linear in replicas x elements.

For (R, N) in (10, 10k), (100, 10k), (10, 100k): R replica files of one OR-set of N elements that
diverged a little: each replica added N/(10R) new elements and removed as many shared ones (others
than the other replicas removed), so every replica and the join hold N elements and each join step
does the same work whatever R is. The
timed join reads each replica's JSON, validates and decodes it, folds it into the running join,
and encodes the result canonically (what `statemerge crdt merge` does, minus writing the output).

Ratios printed, all from this one run (the machine is noisy; absolute times mean little):
- linearity: time per replica-element of each size over that of the smallest (target <= 1.5x);
- floor: the join over just parsing the same JSON bytes (orjson), the least any join must do;
- peer: the OR-set join over a G-set join of the same elements (what dots and contexts cost).
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from statemerge import crdt
from statemerge.gcpause import paused_gc

DATA = Path(__file__).resolve().parent / "data" / "crdt"
SIZES = ((10, 10_000), (100, 10_000), (10, 100_000))
RUNS = 3
FORMAT = 2  # bump when the generated data changes


def replica_states(replicas: int, size: int) -> list[dict[str, Any]]:
    """R diverged copies of one OR-set of `size` elements."""
    names = [f"agent-{i:03d}" for i in range(replicas)]
    shared = [(f"task-{j:07d}", names[j % replicas], j // replicas + 1) for j in range(size)]
    context = {name: sum(1 for j in range(size) if j % replicas == i) for i, name in enumerate(names)}
    churn = max(1, size // (10 * replicas))
    states = []
    for i, name in enumerate(names):
        removed = set(range(i * churn, (i + 1) * churn))
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


def join_blobs(blobs: list[bytes], steps: list[float] | None = None) -> dict[str, Any]:
    """Parse, validate and decode each replica in turn, fold the join, encode the result.

    With `steps`, the time of each fold step (one replica parsed, decoded and joined) is added.
    """
    where = crdt.Where("bench")
    with paused_gc():
        kind, joined = crdt.decode_node(orjson.loads(blobs[0]), where)
        for blob in blobs[1:]:
            start = time.perf_counter()
            other_kind, state = crdt.decode_node(orjson.loads(blob), where)
            assert other_kind is kind
            joined = kind.join(joined, state)
            if steps is not None:
                steps.append(time.perf_counter() - start)
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
    print(f"crdt: N-way join of OR-set replicas (R replicas x N elements), {RUNS} rounds")
    inputs = {}
    for replicas, size in SIZES:
        blobs = [path.read_bytes() for path in replica_files(replicas, size)]
        assert len(join_blobs(blobs)["entries"]) == size
        inputs[replicas, size] = blobs, [as_g_set(blob) for blob in blobs]
    best: dict[tuple[int, int, str], float] = {}
    steps: dict[tuple[int, int], list[float]] = {key: [] for key in inputs}
    for _ in range(RUNS):  # rounds over every size, so that a noisy moment hits all sizes alike
        for (replicas, size), (blobs, g_sets) in inputs.items():
            for label, action in (
                ("join", lambda b=blobs, s=steps[replicas, size]: join_blobs(b, s)),
                ("parse", lambda b=blobs: parse_only(b)),
                ("g-set", lambda g=g_sets: join_blobs(g)),
            ):
                seconds = timed(action)
                key = (replicas, size, label)
                best[key] = min(best.get(key, seconds), seconds)
    print(
        f"{'R x N':>12} {'join s':>8} {'us/elem':>8} {'vs first':>9} {'step us':>8} "
        f"{'vs first':>9} {'vs parse':>9} {'vs g-set':>9}"
    )
    first: tuple[float, float] | None = None
    for replicas, size in SIZES:
        seconds = best[replicas, size, "join"]
        per_element = seconds / (replicas * size)
        per_step = statistics.median(steps[replicas, size]) / size
        first = first or (per_element, per_step)
        print(
            f"{f'{replicas} x {size // 1000}k':>12} {seconds:8.2f} {per_element * 1e6:8.2f} "
            f"{per_element / first[0]:8.2f}x {per_step * 1e6:8.2f} {per_step / first[1]:8.2f}x "
            f"{seconds / best[replicas, size, 'parse']:8.1f}x "
            f"{seconds / best[replicas, size, 'g-set']:8.1f}x"
        )
    print(
        "us/elem: best whole join / (R x N); step us: median time of one fold step (one replica\n"
        "parsed, decoded, joined) / N, robust to noise. Target: both 'vs first' <= 1.5x."
    )


if __name__ == "__main__":
    main()
