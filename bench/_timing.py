"""Timing whole processes: median wall time and peak memory (max RSS) of each, in one run."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def run_once(command: Sequence[str], stdout: Path | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in KiB, and exit status of one process."""
    sink = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    try:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), stdout=sink, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    finally:
        if stdout:
            sink.close()  # type: ignore[union-attr]
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, process.returncode


def measure(commands: Mapping[str, Sequence[str]], repeat: int,
            stdout: dict[str, Path] | None = None) -> dict[str, tuple[float, int]]:
    """Median seconds and max peak RSS per named command, runs interleaved to share the noise."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    memory: dict[str, int] = dict.fromkeys(commands, 0)
    for _ in range(repeat):
        for name, command in commands.items():
            elapsed, rss, _ = run_once(command, (stdout or {}).get(name))
            times[name].append(elapsed)
            memory[name] = max(memory[name], rss)
    return {name: (statistics.median(times[name]), memory[name]) for name in commands}
