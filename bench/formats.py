"""TOML and JSONC speed (issue 12): a 1 MB state in each, with comments (and trailing commas in
JSONC), in two scenarios: disjoint edits on both sides (`edits`: git's line merge is clean), and
both sides appending a record at the same place (`appends`: git conflicts, statemerge writes the
merge into ours' text). Whole processes, in one run: statemerge merge against the
floor, a process that loads the three files with the fastest maintained reader of the format
(rtoml; pyjson5) and dumps one; git merge-file on the same files. Goal: within 1.5x the floor.
The package is byte-compiled first, as an installed one is; runs are interleaved, and the verdict
is the printed ratio of medians."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from bench._timing import DATA, byte_compile_package, measure

RUNS = 15  # interleaved; the machine is noisy, the median of many is steady
GOAL = 1.5

FLOORS = {
    "toml": ("import rtoml,sys\n"
             "b,o,t=(rtoml.loads(open(p).read()) for p in sys.argv[1:4])\n"
             "open(sys.argv[4],'w').write(rtoml.dumps(o))\n"),
    "jsonc": ("import pyjson5,sys\n"
              "b,o,t=(pyjson5.loads(open(p).read()) for p in sys.argv[1:4])\n"
              "open(sys.argv[4],'w').write(pyjson5.dumps(o))\n"),
}


def toml_state(agents: int, rng: random.Random) -> str:
    """Agents as tables with arrays of tables of tasks, comments and dates: about 1.5 KB each."""
    out = ["# agent state\nversion = 1\n\n"]
    for agent in range(agents):
        out.append(f'[agents.agent-{agent:05d}]\nstatus = "{rng.choice(["idle", "busy"])}"  # now\n'
                   f"runs = {rng.randint(0, 999)}\nseen = 2024-05-{1 + agent % 28:02d}T07:32:00Z\n\n")
        for task in range(12):
            out.append(f'[[agents.agent-{agent:05d}.tasks]]\nid = "task-{agent}-{task}"\n'
                       f'title = "Task {task} of agent {agent}"\nstatus = "todo"\n'
                       'labels = ["infra", "ui"]\n\n')
    return "".join(out)


def jsonc_state(agents: int, rng: random.Random) -> str:
    """The same in JSON with comments and trailing commas."""
    out = ['{\n  // agent state\n  "version": 1,\n  "agents": {\n']
    for agent in range(agents):
        out.append(f'    "agent-{agent:05d}": {{\n      "status": "idle", // now\n'
                   f'      "runs": {rng.randint(0, 999)},\n      "tasks": [\n')
        for task in range(12):
            out.append(f'        {{"id": "task-{agent}-{task}", "title": "Task {task} of agent '
                       f'{agent}", "status": "todo", "labels": ["infra", "ui"],}},\n')
        out.append("      ],\n    },\n")
    out.append("  },\n}\n")
    return "".join(out)


APPENDED = {
    "toml": ('[agents.agent-ours]\nstatus = "idle"  # new\nruns = 1\n\n',
             '# added by theirs\n[agents.agent-theirs]\nstatus = "busy"\nruns = 2\n\n'),
    "jsonc": ('    "agent-ours": {"status": "idle", "runs": 1, "tasks": []}, // new\n',
              '    // added by theirs\n    "agent-theirs": {"status": "busy", "runs": 2, '
              '"tasks": [],},\n'),
}


def generate(kind: str, scenario: str, folder: Path) -> None:
    """Base, ours and theirs of about 1 MB: `edits`: every 40th task done, alternately on each
    side; `appends`: each side adds an agent after the last one."""
    rng = random.Random(1)
    base = toml_state(700, rng) if kind == "toml" else jsonc_state(750, rng)
    if scenario == "appends":
        end = len(base) if kind == "toml" else base.rindex("  },\n}")
        ours, theirs = (base[:end] + added + base[end:] for added in APPENDED[kind])
        for name, text in (("base", base), ("ours", ours), ("theirs", theirs)):
            (folder / f"{name}.{kind}").write_text(text)
        return
    lines = base.splitlines(keepends=True)
    ours, theirs = list(lines), list(lines)
    todo = [i for i, line in enumerate(lines) if "todo" in line]
    for count, index in enumerate(todo[::40]):
        side = ours if count % 2 else theirs
        side[index] = side[index].replace("todo", "done")
    for name, text in (("base", base), ("ours", "".join(ours)), ("theirs", "".join(theirs))):
        (folder / f"{name}.{kind}").write_text(text)


def main() -> None:
    """Print statemerge / floor and statemerge / git merge-file for each format; the verdict is
    the printed ratio of medians against GOAL."""
    byte_compile_package()
    python = sys.executable
    print(f"medians of {RUNS} interleaved runs; goal: statemerge / floor <= {GOAL}x")
    print("format  scenario  size    statemerge  floor   git-merge-file  /floor  /git    verdict  "
          "output")
    for kind, scenario in (("toml", "edits"), ("toml", "appends"), ("jsonc", "edits"),
                           ("jsonc", "appends")):
        folder = DATA / f"formats-{kind}-{scenario}"
        folder.mkdir(parents=True, exist_ok=True)
        generate(kind, scenario, folder)
        files = [str(folder / f"{name}.{kind}") for name in ("base", "ours", "theirs")]
        out = folder / f"out.{kind}"
        commands = {
            "statemerge": [python, "-m", "statemerge", "merge", *files, "-q"],
            "floor": [python, "-c", FLOORS[kind], *files, str(folder / f"floor.{kind}")],
            "git": ["git", "merge-file", "-p", files[1], files[0], files[2]],
        }
        results = measure(commands, RUNS, stdout={"git": folder / f"git.{kind}", "statemerge": out})
        size = Path(files[1]).stat().st_size / 1e6
        sm, floor, git = (results[name][0] for name in ("statemerge", "floor", "git"))
        ratio = sm / floor
        verdict = "ok" if ratio <= GOAL else "SLOW"
        print(f"{kind:6}  {scenario:8}  {size:4.1f}MB  {sm:8.3f}s  {floor:6.3f}s  {git:8.3f}s      "
              f"{ratio:5.2f}x  {sm / git:5.2f}x  {verdict:7}  "
              f"{_output(out, folder / f'git.{kind}')}", flush=True)


def _output(out: Path, git_out: Path) -> str:
    """How statemerge's output compares with git's: the same bytes, or clean where git conflicts."""
    ours, gits = out.read_bytes(), git_out.read_bytes()
    if ours == gits:
        return "as git merge-file"
    return "git conflicts" if b"<<<<<<<" in gits and b"<<<<<<<" not in ours else "DIFFERS FROM GIT"
