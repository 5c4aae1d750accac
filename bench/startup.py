"""Start-up of every command, as whole processes, against `python -c pass` in the same run.

Targets: every command within 3x the floor (`python -c pass` with the same interpreter), and TAB
completion (which loads Typer) under 0.3 s. Each command does real, small work on tiny files, so
this is start-up plus the least a call can do. Runs are interleaved, and the fastest of RUNS is
shown for each (the floor too): on a shared machine other work only ever adds time, so the
fastest run is the truest measure of what start-up itself costs; the median is printed beside it.
The package is byte-compiled first, as an installed one is (`pip install` compiles it): with
PYTHONDONTWRITEBYTECODE set and no `.pyc` files, every run would time compiling the sources.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from pathlib import Path

from bench._timing import DATA, byte_compile_package, timed_runs

RUNS = 21
TARGET = 3.0
COMPLETION_TARGET = 0.3
FOLDER = DATA / "startup"


def prepare() -> dict[str, list[str]]:
    """Tiny input files, and the commands to time (name: argv)."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    byte_compile_package()
    state = FOLDER / "state.json"
    state.write_text(json.dumps({"n": 1, "tasks": [{"id": 1, "status": "todo"}]}) + "\n")
    log = FOLDER / "events.jsonl"
    log.unlink(missing_ok=True)
    counter = FOLDER / "counter.json"
    counter.write_text('{"$crdt": "g-counter", "inc": {"a": 1}}\n')
    sm = statemerge()
    os.environ["STATEMERGE_AGENT"] = "bench"
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "--version": [*sm, "--version"],
        "--help": [*sm, "--help"],
        "get --help": [*sm, "get", "--help"],
        "merge": [*sm, "merge", str(state), str(state), str(state)],
        "get": [*sm, "get", str(state), "/n"],
        "set": [*sm, "set", str(state), "/n", "2"],
        "update": [*sm, "update", str(state), "inc", "/n", "1"],
        "check": [*sm, "check", str(state)],
        "diff": [*sm, "diff", str(state), str(state)],
        "log append": [*sm, "log", "append", str(log), "set", "/x", "1"],
        "log replay": [*sm, "log", "replay", str(log)],
        "crdt value": [*sm, "crdt", "value", str(counter)],
    }
    return commands


def statemerge() -> list[str]:
    """The installed `statemerge` script next to this interpreter (else `python -m`)."""
    script = Path(sys.executable).parent / "statemerge"
    return [str(script)] if script.exists() else [sys.executable, "-m", "statemerge"]


def completion() -> list[str]:
    """Bash asking for the commands that start with `l`, as the committed script does."""
    return ["env", "_STATEMERGE_COMPLETE=complete_bash", "COMP_WORDS=statemerge l", "COMP_CWORD=1",
            *statemerge()]


def main() -> None:
    """Print each command's fastest and median start-up and their ratios to the floor's."""
    commands = {**prepare(), "TAB completion": completion()}
    times, _ = timed_runs(commands, RUNS)
    floor, floor_median = min(times["python -c pass"]), statistics.median(times["python -c pass"])
    print(f"{'command':<16} {'best s':>7} {'x floor':>8} {'median s':>9} {'x floor':>8}  target")
    for name, runs in times.items():
        seconds, median = min(runs), statistics.median(runs)
        if name == "TAB completion":
            verdict = "ok" if median < COMPLETION_TARGET else "SLOW"
            target = f"< {COMPLETION_TARGET} s"
        else:
            verdict = "ok" if seconds <= TARGET * floor else "SLOW"
            target = f"<= {TARGET:g}x"
        print(f"{name:<16} {seconds:7.3f} {seconds / floor:8.1f} {median:9.3f} "
              f"{median / floor_median:8.1f}  {target} {verdict}")


if __name__ == "__main__":
    main()
