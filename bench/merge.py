"""Merge benchmark (issue 2): a generated agent state of 1, 10 and 50 MB with disjoint ~1% edits
and appends on both sides. Whole processes, in one run: statemerge merge; the floor (a process
that only loads the three files with orjson and dumps one); git merge-file on the same files.
Also start-up: a small clean merge against `python -c pass` on the same interpreter."""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench._timing import DATA, measure

FLOOR = (
    "import orjson,sys\n"
    "b,o,t=(orjson.loads(open(p,'rb').read()) for p in sys.argv[1:4])\n"
    "open(sys.argv[4],'wb').write(orjson.dumps(o,option=orjson.OPT_INDENT_2)+b'\\n')\n"
)


def agent_state(megabytes: float, seed: int = 1) -> dict[str, Any]:
    """Agents with keyed task lists, counters and logs, about `megabytes` as indented JSON."""
    rng = random.Random(seed)
    agents: dict[str, Any] = {}
    count = max(4, int(megabytes * 1000 / 16))  # about 16 KB of JSON per agent
    for number in range(count):
        agents[f"agent-{number:05d}"] = {
            "status": rng.choice(["idle", "busy", "waiting"]),
            "counters": {"runs": rng.randint(0, 999), "errors": rng.randint(0, 9)},
            "tasks": [
                {"id": f"task-{number}-{task}", "title": f"Task {task} of agent {number}",
                 "status": rng.choice(["todo", "doing", "done"]), "attempts": rng.randint(0, 5),
                 "labels": rng.sample(["infra", "ui", "api", "data", "docs"], 2)}
                for task in range(60)
            ],
            "log": [f"{task:04d} step {rng.randint(0, 10**6)}" for task in range(90)],
        }
    return {"version": 1, "agents": agents}


def sides(base: dict[str, Any], seed: int = 2) -> tuple[Any, Any, Any]:
    """Ours and theirs with disjoint ~1% edits and appends, and the expected merge."""
    rng = random.Random(seed)
    ours, theirs, expected = (copy.deepcopy(base) for _ in range(3))
    names = list(base["agents"])
    for index, name in enumerate(names):
        if rng.random() > 0.1:
            continue
        side = ours if index % 2 == 0 else theirs
        task = rng.randrange(60)
        for document in (side, expected):
            agent = document["agents"][name]
            agent["tasks"][task]["status"] = "done"
            agent["counters"]["runs"] += 1
    for name in rng.sample(names, max(2, len(names) // 20)):  # both sides append to one list
        for label, side in (("ours", ours), ("theirs", theirs)):
            side["agents"][name]["log"].append(f"{label} appended")
            side["agents"][name]["tasks"].append({"id": f"{name}-{label}-new", "title": "new",
                                                   "status": "todo", "attempts": 0,
                                                   "labels": []})
        for label in ("ours", "theirs"):
            expected["agents"][name]["log"].append(f"{label} appended")
        for label in ("ours", "theirs"):
            expected["agents"][name]["tasks"].append({"id": f"{name}-{label}-new",
                                                      "title": "new", "status": "todo",
                                                      "attempts": 0, "labels": []})
    return ours, theirs, expected


def write(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def with_counter_nodes(document: Any, base: Any, replica: str) -> Any:
    """The document with every agent counter as a g-counter node: base's count under replica
    `seed`, this side's increments under its own replica (so both sides' bumps join)."""
    copy_ = copy.deepcopy(document)
    for name, agent in copy_["agents"].items():
        for counter, value in agent["counters"].items():
            start = base["agents"].get(name, {}).get("counters", {}).get(counter, value)
            increments = {"seed": start}
            if value != start:
                increments[replica] = value - start
            agent["counters"][counter] = {"$crdt": "g-counter", "inc": increments}
    return copy_


def generate_nodes(megabytes: float, folder: Path) -> None:
    """Base, ours, theirs with about 1,000 counter nodes, and the plain files they stand for."""
    base = agent_state(megabytes)
    ours, theirs, expected = sides(base)
    for name, value in (("base", base), ("ours", ours), ("theirs", theirs)):
        write(folder / f"plain-{name}.json", value)
    for name in base["agents"]:  # in the node files, where both sides appended, both also
        if ours["agents"][name]["log"][-1] == "ours appended":  # bump one counter: a join
            for side in (ours, theirs):
                side["agents"][name]["counters"]["runs"] += 1
            expected["agents"][name]["counters"]["runs"] += 2
    write(folder / "nodes-expected.json", expected)
    for name, value in (("base", with_counter_nodes(base, base, "seed")),
                        ("ours", with_counter_nodes(ours, base, "ours")),
                        ("theirs", with_counter_nodes(theirs, base, "theirs"))):
        write(folder / f"nodes-{name}.json", value)


def counter_nodes(python: str) -> None:
    """Merge of a 10 MB state holding about 1,000 counter nodes vs the same merge without them.
    In the node files both sides also bump some of the same counters, which the merge joins."""
    folder = DATA / "merge-nodes"
    folder.mkdir(exist_ok=True)
    subprocess.run([python, "-c", f"from bench.merge import generate_nodes; from pathlib import "
                    f"Path; generate_nodes(10, Path({str(folder)!r}))"], check=True)
    commands = {
        kind: [python, "-m", "statemerge", "merge",
               *(str(folder / f"{kind}-{side}.json") for side in ("base", "ours", "theirs")), "-q"]
        for kind in ("nodes", "plain")
    }
    outputs = {kind: folder / f"{kind}-out.json" for kind in commands}
    results = measure(commands, 5, stdout=outputs)
    from statemerge import crdt

    merged = crdt.value_of(json.loads(outputs["nodes"].read_text()))
    expected = json.loads((folder / "nodes-expected.json").read_text())
    status = "ok" if merged == expected else "WRONG RESULT"
    count = outputs["nodes"].read_text().count('"$crdt"')
    ratio = results["nodes"][0] / results["plain"][0]
    print(f"{count} counter nodes in a {(folder / 'nodes-ours.json').stat().st_size / 1e6:.1f} MB "
          f"state: merge {results['nodes'][0]:.3f}s vs {results['plain'][0]:.3f}s without nodes "
          f"= {ratio:.2f}x (goal <= 2x)  {status}")


def generate(megabytes: float, folder: Path) -> None:
    """Write base, ours, theirs and the expected merge into `folder`."""
    base = agent_state(megabytes)
    ours, theirs, expected = sides(base)
    for name, value in (("base", base), ("ours", ours), ("theirs", theirs),
                        ("expected", expected)):
        write(folder / f"{name}.json", value)


def main() -> None:
    """Print the ratios (statemerge / floor, statemerge / git merge-file, memory, start-up)."""
    DATA.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    print("size    statemerge  floor   git-merge-file  /floor  /git   mem/floor  s per MB")
    for megabytes in (1, 10, 50):
        folder = DATA / f"merge-{megabytes}mb"
        folder.mkdir(exist_ok=True)
        # Generated in another process: a child forked from a large parent would count the
        # parent's pages in its peak memory.
        subprocess.run([python, "-c", f"from bench.merge import generate; from pathlib import Path; "
                        f"generate({megabytes}, Path({str(folder)!r}))"], check=True)
        files = [str(folder / f"{name}.json") for name in ("base", "ours", "theirs")]
        out = folder / "out.json"
        commands = {
            "statemerge": [python, "-m", "statemerge", "merge", *files, "-q"],  # stdout, as git -p
            "floor": [python, "-c", FLOOR, *files, str(folder / "floor.json")],
            "git": ["git", "merge-file", "-p", files[1], files[0], files[2]],
        }
        repeat = 5 if megabytes < 50 else 3
        results = measure(commands, repeat, stdout={"git": folder / "git.json", "statemerge": out})
        expected = json.loads((folder / "expected.json").read_text())
        status = "ok" if json.loads(out.read_text()) == expected else "WRONG RESULT"
        del expected
        size = (folder / "ours.json").stat().st_size / 1e6
        sm, floor, git = (results[name][0] for name in ("statemerge", "floor", "git"))
        memory = results["statemerge"][1] / results["floor"][1]
        print(f"{size:5.1f}MB  {sm:8.3f}s  {floor:6.3f}s  {git:8.3f}s      "
              f"{sm / floor:5.2f}x  {sm / git:5.2f}x  {memory:5.2f}x     {sm / size:.4f}  {status}",
              flush=True)
    counter_nodes(python)
    small = DATA / "small"
    small.mkdir(exist_ok=True)
    for name, value in (("base", {"a": 1}), ("ours", {"a": 1, "b": 2}), ("theirs", {"a": 3})):
        write(small / f"{name}.json", value)
    files = [str(small / f"{name}.json") for name in ("base", "ours", "theirs")]
    startup = measure({"statemerge": [python, "-m", "statemerge", "merge", *files, "-q"],
                       "python -c pass": [python, "-c", "pass"]}, repeat=20)
    ratio = startup["statemerge"][0] / startup["python -c pass"][0]
    print(f"start-up: small clean merge {startup['statemerge'][0] * 1000:.0f} ms = {ratio:.2f}x "
          f"`python -c pass` ({startup['python -c pass'][0] * 1000:.0f} ms); goal <= 4x")
