"""The git driver's cost per file, which is what users feel on big merges.

1. A small clean merge through the driver, as a whole process, against `python -c pass` (the
   floor: the target is <= 4x) and against `git merge-file` on the same files (the peer).
2. `git merge` of a repository whose N state files changed on both branches, for two N: the time
   per file (CPU time of git and the drivers, steadier than wall time on a busy machine) should
   not grow with N (linear in the file count). Git's own line merge (no driver) is the peer.

Runs with bytecode caching on (as an installed package has), whatever PYTHONDONTWRITEBYTECODE says.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "driver"
RUNS = 15
SIZES = (25, 200)
MERGE_RUNS = 1


def environment() -> dict[str, str]:
    """No user git config, a fixed identity, bytecode caching on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k != "STATEMERGE"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        HOME=str(DATA / "home"),
        XDG_CONFIG_HOME=str(DATA / "home" / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@example.com",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@example.com",
    )
    return env


ENV = environment()


def run(command: list[str], cwd: Path = DATA, check: bool = True) -> None:
    done = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, check=False)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.decode()}")


def measure(action: Callable[[], None], prepare: Callable[[], None], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (of the child processes) of `action`, in seconds,
    `prepare` run untimed before each. CPU time suffers less from a busy machine."""
    walls, cpus = [], []
    for _ in range(runs):
        prepare()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        action()
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def state(n: int, version: str = "1.0.0") -> dict[str, object]:
    return {
        "schema": 1,
        "apps": [{"id": f"app-{i}", "version": version, "replicas": 1} for i in range(n)],
    }


def write_json(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2) + "\n")


def single_file() -> None:
    """Part 1: one small clean merge, whole process."""
    folder = DATA / "single"
    base = state(20)
    ours = json.loads(json.dumps(base))
    ours["apps"][0]["version"] = "1.1.0"
    theirs = json.loads(json.dumps(base))
    theirs["apps"][19]["replicas"] = 3
    for name, value in (("base", base), ("ours", ours), ("theirs", theirs)):
        write_json(folder / f"{name}.json", value)
    ours_copy = folder / "result.json"

    def fresh() -> None:
        shutil.copyfile(folder / "ours.json", ours_copy)

    python = [sys.executable]
    driver = [*python, "-m", "statemerge", "git", "merge-driver"]
    driver += ["base.json", "result.json", "theirs.json", "7", "state.json", "%S", "%X", "%Y"]
    script = [str(Path(sys.executable).parent / "statemerge"), *driver[3:]]
    peer = ["git", "merge-file", "result.json", "base.json", "theirs.json"]
    for command in (driver, script):  # warm the bytecode cache
        fresh()
        run(command, folder)

    floor, floor_cpu = measure(lambda: run([*python, "-c", "pass"], folder), lambda: None, RUNS)
    timed = {
        "git merge-file (peer)": measure(lambda: run(peer, folder), fresh, RUNS),
        "python -m statemerge git merge-driver": measure(lambda: run(driver, folder), fresh, RUNS),
        "statemerge git merge-driver (script)": measure(lambda: run(script, folder), fresh, RUNS),
    }
    print(f"driver: one small clean merge, whole process, median of {RUNS} (wall; CPU)")
    print(f"  {'python -c pass (floor)':40} {floor * 1000:7.1f} ms {1:5.2f}x;  CPU {1:4.2f}x")
    for name, (wall, cpu) in timed.items():
        print(f"  {name:40} {wall * 1000:7.1f} ms {wall / floor:5.2f}x;  CPU {cpu / floor_cpu:4.2f}x")
    ratio = timed["python -m statemerge git merge-driver"][0] / floor
    print(f"  driver / floor = {ratio:.2f}x (target <= 4x: {'met' if ratio <= 4 else 'MISSED'})")


def make_repository(count: int) -> Path:
    """A repository whose `count` state files changed on both `main` and `feature`."""
    root = DATA / f"repo-{count}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    run(["git", "init", "-q", "-b", "main"], root)
    for side in ("base", "theirs", "ours"):
        if side == "theirs":
            run(["git", "checkout", "-q", "-b", "feature"], root)
        if side == "ours":
            run(["git", "checkout", "-q", "main"], root)
        for n in range(count):
            document = state(10)
            if side == "ours":
                document["apps"][0]["version"] = "2.0.0"  # type: ignore[index]
            if side == "theirs":
                document["apps"][9]["version"] = "3.0.0"  # type: ignore[index]
            write_json(root / "state" / f"agent-{n:03}.json", document)
        run(["git", "add", "-A"], root)
        run(["git", "commit", "-q", "-m", side], root)
    return root


def many_files() -> None:
    """Part 2: `git merge` time per file for two repository sizes."""
    print(f"git merge of N state files changed on both branches, median of {MERGE_RUNS} run(s)")
    per_file: dict[int, float] = {}
    for count in SIZES:
        root = make_repository(count)
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, env=ENV, capture_output=True, text=True
        ).stdout.strip()

        def reset(root: Path = root, head: str = head) -> None:
            run(["git", "reset", "-q", "--hard", head], root)

        def merge(root: Path = root) -> None:
            run(["git", "merge", "-q", "--no-edit", "feature"], root)

        builtin, _ = measure(merge, reset, MERGE_RUNS)
        run([sys.executable, "-m", "statemerge", "git", "install"], root)
        wall, cpu = measure(merge, reset, MERGE_RUNS)
        per_file[count] = cpu / count
        print(
            f"  N={count:4}: with the driver {wall:6.2f} s wall, {cpu * 1000 / count:5.1f} ms CPU"
            f" a file; git's line merge {builtin:5.2f} s wall, driver / git {wall / builtin:.0f}x"
        )
    small, large = SIZES
    growth = per_file[large] / per_file[small]
    print(f"  CPU time a file at N={large} / at N={small} = {growth:.2f}x (linear: about 1.0)")


def main() -> None:
    """Run both parts; data goes under bench/data/driver/."""
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "home").mkdir(exist_ok=True)
    single_file()
    many_files()


if __name__ == "__main__":
    main()
