"""Timing whole processes: median wall time and peak memory (max RSS) of each, in one run.

Each command runs under a small launcher process that forks it and reads its rusage: a process
forked straight from a large benchmark process would count that parent's pages in its peak RSS.
"""

from __future__ import annotations

import compileall
import importlib.util
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

LAUNCHER = """
import os, sys, time
report, command = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(command[0], command)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
with open(report, "w") as handle:
    handle.write(f"{elapsed} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_once(command: Sequence[str], stdout: Path | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in KiB, and exit status of one process."""
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as report:
        with open(stdout, "wb") if stdout else open("/dev/null", "wb") as sink:
            subprocess.run([sys.executable, "-c", LAUNCHER, report.name, *command],
                           stdout=sink, stderr=subprocess.DEVNULL, check=False)
        elapsed, rss, status = report.read().split()
    return float(elapsed), int(rss), int(status)


def measure(commands: Mapping[str, Sequence[str]], repeat: int,
            stdout: dict[str, Path] | None = None) -> dict[str, tuple[float, int]]:
    """Median seconds and max peak RSS per named command, runs interleaved to share the noise."""
    times, memory = timed_runs(commands, repeat, stdout)
    return {name: (statistics.median(times[name]), memory[name]) for name in commands}


def timed_runs(commands: Mapping[str, Sequence[str]], repeat: int,
               stdout: dict[str, Path] | None = None
               ) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Every run's seconds and the max peak RSS per named command, runs interleaved."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    memory: dict[str, int] = dict.fromkeys(commands, 0)
    for _ in range(repeat):
        for name, command in commands.items():
            elapsed, rss, _ = run_once(command, (stdout or {}).get(name))
            times[name].append(elapsed)
            memory[name] = max(memory[name], rss)
    return times, memory


def byte_compile_package() -> None:
    """Compile statemerge's sources as `pip install` does for an installed package: with
    PYTHONDONTWRITEBYTECODE set and no `.pyc` files, every run would time compiling them."""
    package = importlib.util.find_spec("statemerge")
    if package is not None and package.submodule_search_locations:
        for folder in package.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)
