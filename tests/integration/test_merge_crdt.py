"""Rule 4: CRDT nodes inside ordinary state files join in `statemerge merge` and through the
git driver, whatever base was, and never conflict."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from gitrepo import GitRepo

from statemerge import crdt


def counter(**increments: int) -> dict[str, Any]:
    node = crdt.new("g-counter")
    for number, (replica, amount) in enumerate(increments.items()):
        node = crdt.apply(node, "inc", [amount], replica=replica, now_micros=number)
    return node


def or_set(replica: str, *elements: str, node: dict[str, Any] | None = None) -> dict[str, Any]:
    node = node if node is not None else crdt.new("or-set")
    for number, element in enumerate(elements):
        node = crdt.apply(node, "add", [element], replica=replica, now_micros=number)
    return node


def state(hits: dict[str, Any], tags: dict[str, Any], status: str) -> dict[str, Any]:
    return {"status": status, "metrics": {"hits": hits, "tags": tags}}


def merge_files(tmp_path: Path, base: Any, ours: Any, theirs: Any) -> subprocess.CompletedProcess[bytes]:
    names = []
    for name, value in (("base", base), ("ours", ours), ("theirs", theirs)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(value, indent=2) + "\n")
        names.append(str(path))
    return subprocess.run([sys.executable, "-m", "statemerge", "merge", *names, "-q"],
                          capture_output=True, check=False)


def test_embedded_nodes_join_in_statemerge_merge(tmp_path: Path) -> None:
    tags = or_set("a", "x")
    base = state(counter(a=1), tags, "idle")
    ours = state(counter(a=3), or_set("a", "y", node=tags), "busy")
    theirs = state(counter(a=1, b=5), or_set("b", "z", node=tags), "idle")
    done = merge_files(tmp_path, base, ours, theirs)
    assert done.returncode == 0, done.stderr
    merged = json.loads(done.stdout)
    assert crdt.value_of(merged) == {"status": "busy", "metrics": {"hits": 8,
                                                                   "tags": ["x", "y", "z"]}}


def test_a_node_against_a_plain_value_is_a_crdt_plain_conflict(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    base = {"hits": counter(a=1)}
    names = []
    for name, value in (("base", base), ("ours", {"hits": counter(a=2)}), ("theirs", {"hits": 7})):
        (tmp_path / f"{name}.json").write_text(json.dumps(value))
        names.append(str(tmp_path / f"{name}.json"))
    done = subprocess.run([sys.executable, "-m", "statemerge", "merge", *names, "-q",
                           "--report-json", str(report)], capture_output=True, check=False)
    assert done.returncode == 1
    assert [(c["path"], c["kind"]) for c in json.loads(report.read_text())["conflicts"]] == [
        ("/hits", "crdt/plain")]


def test_a_malformed_node_is_bad_input_naming_file_and_pointer(tmp_path: Path) -> None:
    bad = {"metrics": {"hits": {"$crdt": "g-counter", "inc": {"a": -4}}}}
    done = merge_files(tmp_path, {"metrics": {}}, {"metrics": {"hits": counter(a=1)}}, bad)
    assert done.returncode == 2
    stderr = done.stderr.decode()
    assert "theirs.json" in stderr and "/metrics/hits" in stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr


def test_embedded_nodes_join_through_a_real_git_merge(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path)
    repo.install_driver()
    tags = or_set("main", "x")
    base = state(counter(main=1), tags, "idle")
    ours = state(counter(main=4), or_set("main", "y", node=tags), "idle")
    theirs = state(counter(main=1, feature=2), or_set("feature", "z", node=tags), "busy")
    repo.branches({"state.json": base}, {"state.json": ours}, {"state.json": theirs})
    done = repo.git("merge", "feature", check=False)
    assert done.returncode == 0, done.stderr
    assert crdt.value_of(repo.read_json("state.json")) == {
        "status": "busy", "metrics": {"hits": 6, "tags": ["x", "y", "z"]}}
