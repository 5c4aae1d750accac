"""Event logs: replay against parsing, memory against log size, merge and verify linearity.

Data (generated once under bench/data/eventlog/): small chained events (one or two ops each, ~330
bytes, each naming its agent's previous one) from four agents that each saw every earlier event
(as `log append` to a shared log writes them), touching a bounded state: counters, task statuses,
a capped list, a map of notes. For merge, two logs of one agent each that diverged from a common
prefix (their hlcs interleave).

Ratios printed, all measured in this one run (the machine is noisy; absolute times mean little):
- replay floor: replaying 1M events over only parsing the same lines with orjson (target <= 3x);
- replay memory: peak RSS replaying 1M events over 100k (target ~1x: the state and the window
  of recent lines bound it, not the log);
- merge: time per event of two 500k logs over two 50k logs (linear: ~1x), and over parsing;
- verify: time per event of 1M over 100k (linear: ~1x), and over parsing.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from bench._timing import run_once
from statemerge.clocks import Hlc
from statemerge.eventlog import merge_logs, verify_log
from statemerge.eventlog.events import event_line, new_event
from statemerge.eventlog.replayer import Replayer
from statemerge.logfile import numbered_lines

DATA = Path(__file__).resolve().parent / "data" / "eventlog"
FORMAT = 2  # bump when the generated data changes (2: events chained)
T0 = 1_800_000_000_000_000
AGENTS = ("planner", "coder", "tester", "reviewer")
RUNS = 3


def _ops(step: int) -> list[dict[str, Any]]:
    kind = step % 5
    if kind == 0:
        return [{"op": "inc", "path": f"/counters/c{step % 97}", "value": 1}]
    if kind == 1:
        status = ("todo", "doing", "done")[step % 3]
        return [{"op": "replace", "path": f"/tasks/{step % 50}/status", "value": status}]
    if kind == 2:
        return [{"op": "add", "path": "/recent/-", "value": step}, {"op": "remove", "path": "/recent/0"}]
    if kind == 3:
        return [{"op": "add", "path": f"/notes/n{step % 200}", "value": f"note {step}"}]
    return [{"op": "inc", "path": "/total", "value": step % 7}]


def _start() -> list[dict[str, Any]]:
    return [
        {"op": "add", "path": "/counters", "value": {}},
        {"op": "add", "path": "/tasks", "value": [{"status": "todo"} for _ in range(50)]},
        {"op": "add", "path": "/recent", "value": list(range(20))},
        {"op": "add", "path": "/notes", "value": {}},
    ]


def shared_log(count: int) -> Iterator[bytes]:
    """Lines of one log that four agents appended to in turn."""
    seqs = dict.fromkeys(AGENTS, 0)
    tips: dict[str, str | None] = dict.fromkeys(AGENTS)
    for step in range(count):
        agent = AGENTS[step % len(AGENTS)]
        seqs[agent] += 1
        clock = {name: seq for name, seq in seqs.items() if seq}
        ops = _start() if step == 0 else _ops(step)
        event = new_event(
            agent, seqs[agent], clock, Hlc(T0 + step), ops, prev=tips[agent], chained=True
        )
        tips[agent] = event["id"]
        yield event_line(event)


def diverged(count: int) -> tuple[list[bytes], list[bytes]]:
    """Two logs of `count` events: a common prefix of 1000, then one agent each."""
    prefix = list(shared_log(1000))
    frontier = {agent: 250 for agent in AGENTS}
    logs: tuple[list[bytes], list[bytes]] = (list(prefix), list(prefix))
    for side, agent in enumerate(("left", "right")):
        prev = None
        for seq in range(1, count - len(prefix) + 1):
            clock = {**frontier, agent: seq}
            stamp = Hlc(T0 + 10_000 + 2 * seq + side)
            event = new_event(agent, seq, clock, stamp, _ops(seq), prev=prev, chained=True)
            prev = event["id"]
            logs[side].append(event_line(event))
    return logs


def _write(path: Path, lines: Iterator[bytes] | list[bytes]) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("wb") as handle:
        handle.writelines(lines)
    temporary.replace(path)


def _data() -> tuple[Path, Path, dict[str, tuple[Path, Path]]]:
    """The logs, generated once: 1M shared (and its first 100k), two diverged 500k logs (and
    their first 50k). Smaller logs are prefixes of larger ones: the same events."""
    big, small = DATA / f"shared-1m.v{FORMAT}.jsonl", DATA / f"shared-100k.v{FORMAT}.jsonl"
    if not big.exists():
        _write(big, shared_log(1_000_000))
    if not small.exists():
        _write(small, _head(big, 100_000))
    pairs = {
        label: (DATA / f"left-{label}.v{FORMAT}.jsonl", DATA / f"right-{label}.v{FORMAT}.jsonl")
        for label in ("500k", "50k")
    }
    if not all(path.exists() for path in pairs["500k"]):
        for path, lines in zip(pairs["500k"], diverged(500_000), strict=True):
            _write(path, lines)
    for large, path in zip(pairs["500k"], pairs["50k"], strict=True):
        if not path.exists():
            _write(path, _head(large, 50_000))
    return big, small, pairs


def _head(path: Path, count: int) -> list[bytes]:
    with path.open("rb") as handle:
        return [line for _, line in zip(range(count), handle, strict=False)]


def _best(action: Callable[[], object], runs: int = RUNS) -> float:
    """The shortest CPU time of a few runs (CPU time: other processes' noise stays out)."""
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.process_time()
        action()
        times.append(time.process_time() - start)
    return min(times)


def parse_only(path: Path) -> None:
    """The floor: parse every line of the log with orjson, nothing more."""
    with path.open("rb") as handle:
        for raw in handle:
            orjson.loads(raw)


def _parse_each(*paths: Path) -> None:
    for path in paths:
        parse_only(path)


def replay_file(path: Path) -> Replayer:
    """Replay as `statemerge log replay` does (`cli/log.py`): numbered non-blank lines, fed one
    by one (no progress bar: stderr is not a terminal here)."""
    replayer = Replayer(source=str(path))
    with path.open("rb") as handle:
        for number, raw in numbered_lines(handle):
            replayer.feed(number, raw)
    return replayer


def _peak_rss(path: Path | None) -> int:
    """Peak RSS (KiB) of a fresh process replaying `path` (or only importing, for None)."""
    code = "import sys; from bench.eventlog import replay_file; from pathlib import Path\n"
    if path is not None:
        code += f"replay_file(Path({str(path)!r}))\n"
    root = str(Path(__file__).resolve().parent.parent)
    command = [sys.executable, "-c", f"import sys; sys.path.insert(0, {root!r})\n" + code]
    return run_once(command)[1]


def main() -> None:
    """Generate (once), time, print ratios."""
    big, small, pairs = _data()

    parse_big = _best(lambda: parse_only(big), runs=2)
    replay_big = _best(lambda: replay_file(big), runs=2)
    print(
        f"replay 1M events: {replay_big:.2f}s; parse only: {parse_big:.2f}s; "
        f"ratio {replay_big / parse_big:.2f}x (target <= 3x)"
    )

    idle, peak_small, peak_big = _peak_rss(None), _peak_rss(small), _peak_rss(big)
    print(
        f"replay peak memory (RSS): 100k events {peak_small / 1024:.1f} MiB, 1M events "
        f"{peak_big / 1024:.1f} MiB (an idle interpreter with the code loaded: "
        f"{idle / 1024:.1f} MiB); ratio {peak_big / peak_small:.2f}x (target ~1x)"
    )

    per_event: dict[str, float] = {}
    for label, count in (("50k", 50_000), ("500k", 500_000)):
        left, right = pairs[label]
        inputs = [left.read_bytes(), right.read_bytes()]
        took = _best(lambda: merge_logs(inputs, sources=["left", "right"]), runs=2)  # noqa: B023
        parse = _best(lambda: _parse_each(left, right), runs=2)  # noqa: B023
        per_event[label] = took / (2 * count)
        print(f"merge 2 x {label} events: {took:.2f}s, {took / parse:.2f}x parsing them")
    print(
        "merge linearity: time per event, 2 x 500k over 2 x 50k: "
        f"{per_event['500k'] / per_event['50k']:.2f}x (target ~1x)"
    )

    per_line: dict[str, float] = {}
    for label, path, count in (("100k", small, 100_000), ("1M", big, 1_000_000)):
        data = path.read_bytes()
        took = _best(lambda: verify_log(data, source="bench"), runs=2)  # noqa: B023
        parse = parse_big if path is big else _best(lambda: parse_only(small), runs=2)
        per_line[label] = took / count
        print(f"verify {label} events: {took:.2f}s, {took / parse:.2f}x parsing them")
    print(
        "verify linearity: time per event, 1M over 100k: "
        f"{per_line['1M'] / per_line['100k']:.2f}x (target ~1x)"
    )
