"""The driver under real `git merge`, `git rebase` and `git cherry-pick`: structural merges."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

from gitrepo import GitRepo


def registry(count: int) -> dict[str, Any]:
    """A registry of apps like the ones agents keep: thousands of entries in one keyed list."""
    apps = [
        {"id": f"app-{n:04}", "owner": f"team-{n % 7}", "version": "1.0.0", "replicas": 1 + n % 3}
        for n in range(count)
    ]
    return {"schema": 1, "apps": apps}


def edited(document: dict[str, Any], bumps: dict[int, str], added: list[str]) -> dict[str, Any]:
    """A copy of a registry with some versions bumped and some apps appended."""
    copy = json.loads(json.dumps(document))
    for index, version in bumps.items():
        copy["apps"][index]["version"] = version
    copy["apps"] += [
        {"id": name, "owner": "new", "version": "0.1.0", "replicas": 1} for name in added
    ]
    return copy


def as_file(value: Any) -> str:
    return json.dumps(value, indent=2) + "\n"


def git_version() -> tuple[int, ...]:
    text = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout
    found = re.search(r"(\d+)\.(\d+)", text)
    assert found is not None
    return tuple(int(part) for part in found.groups())


def test_disjoint_edits_to_a_large_registry_merge_clean(repo: GitRepo) -> None:
    base = registry(3000)
    ours = edited(base, {10: "1.1.0", 1500: "2.0.0"}, ["app-ours-1", "app-ours-2"])
    theirs = edited(base, {11: "1.0.1", 2999: "3.0.0"}, ["app-theirs-1"])
    repo.branches({"apps.json": base}, {"apps.json": ours}, {"apps.json": theirs})

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 0, done.stderr
    expected = edited(
        base,
        {10: "1.1.0", 11: "1.0.1", 1500: "2.0.0", 2999: "3.0.0"},
        ["app-ours-1", "app-ours-2", "app-theirs-1"],
    )
    assert repo.read("apps.json") == as_file(expected)
    assert repo.git("status", "--porcelain").stdout == ""


def test_without_the_driver_git_conflicts_on_the_same_registry(repo: GitRepo) -> None:
    base = registry(50)
    ours = edited(base, {}, ["app-ours-1"])
    theirs = edited(base, {}, ["app-theirs-1"])
    repo.statemerge("git", "uninstall")
    repo.branches({"apps.json": base}, {"apps.json": ours}, {"apps.json": theirs})

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 1  # what the driver saves people from
    assert repo.conflicted() == ["apps.json"]


def test_a_real_conflict_leaves_markers_and_git_marks_the_file_conflicted(repo: GitRepo) -> None:
    base = registry(20)
    repo.branches(
        {"apps.json": base},
        {"apps.json": edited(base, {5: "2.0.0", 6: "2.0.0"}, [])},
        {"apps.json": edited(base, {5: "3.0.0", 19: "3.0.0"}, [])},
    )

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 1
    assert repo.conflicted() == ["apps.json"]
    assert "statemerge: apps.json: 1 conflict(s) left at /apps/5/version." in done.stderr
    text = repo.read("apps.json")
    ours_label, theirs_label = (
        ("HEAD", "feature") if git_version() >= (2, 44) else ("ours", "theirs")
    )
    block = (
        f'<<<<<<< {ours_label}\n      "version": "2.0.0",\n=======\n'
        f'      "version": "3.0.0",\n>>>>>>> {theirs_label}\n'
    )
    assert block in text
    assert text.count("<<<<<<<") == 1  # the clean edits at /apps/6 and /apps/19 merged
    resolved = json.loads(text.replace(block, '      "version": "2.0.0",\n'))
    assert resolved == edited(base, {5: "2.0.0", 6: "2.0.0", 19: "3.0.0"}, [])


def test_markers_have_the_size_git_asks_for(repo: GitRepo) -> None:
    repo.write(".gitattributes", repo.read(".gitattributes") + "*.json conflict-marker-size=12\n")
    repo.branches({"s.json": {"a": 1}}, {"s.json": {"a": 2}}, {"s.json": {"a": 3}})

    repo.git("merge", "feature", check=False)

    lines = repo.read("s.json").splitlines()
    assert [line[:13] for line in lines if line[0] in "<=>"] == [
        "<" * 12 + " ",
        "=" * 12,
        ">" * 12 + " ",
    ]


def test_diff3_conflict_style_shows_the_base(repo: GitRepo) -> None:
    repo.git("config", "merge.conflictStyle", "diff3")
    repo.branches({"s.json": {"a": 1}}, {"s.json": {"a": 2}}, {"s.json": {"a": 3}})

    repo.git("merge", "feature", check=False)

    text = repo.read("s.json")
    assert "|||||||" in text
    assert '"a": 1' in text


def test_both_sides_add_the_same_file_with_disjoint_keys(repo: GitRepo) -> None:
    repo.branches(
        {"README": "x\n"},
        {"state/new.json": {"planner": {"status": "idle"}, "shared": {"x": 1}}},
        {"state/new.json": {"coder": {"status": "busy"}, "shared": {"y": 2}}},
    )

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 0, done.stderr
    assert repo.read_json("state/new.json") == {
        "planner": {"status": "idle"},
        "shared": {"x": 1, "y": 2},
        "coder": {"status": "busy"},
    }


def test_a_renamed_file_merges_with_an_edit_of_the_old_name(repo: GitRepo) -> None:
    base = registry(40)
    repo.branches(
        {"state/apps.json": base}, {}, {"state/apps.json": edited(base, {30: "9.0.0"}, [])}
    )
    repo.git("mv", "state/apps.json", "state/registry.json")
    repo.write("state/registry.json", as_file(edited(base, {31: "8.0.0"}, ["app-new"])))
    repo.commit("rename and edit")

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 0, done.stderr
    assert not (repo.root / "state/apps.json").exists()
    assert repo.read_json("state/registry.json") == edited(
        base, {30: "9.0.0", 31: "8.0.0"}, ["app-new"]
    )


YAML_BASE = """\
# Agent state: edited by agents and people alike.
agents:
  planner:
    status: idle  # set by the planner
tasks:
  - id: t1
    title: write the plan
"""


def test_yaml_merges_and_keeps_its_comments(repo: GitRepo) -> None:
    ours = YAML_BASE.replace("idle", "busy") + "  - id: t2\n    title: ours  # added on main\n"
    theirs = YAML_BASE + "  - id: t3\n    title: theirs\n"
    repo.branches({"state.yaml": YAML_BASE}, {"state.yaml": ours}, {"state.yaml": theirs})

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 0, done.stderr
    assert repo.read("state.yaml") == ours + "  - id: t3\n    title: theirs\n"


COMPOSE_BASE = """\
x-logging: &default-logging
  driver: json-file
  options:
    max-size: 10m
services:
  web:
    image: nginx:1.25
    logging: *default-logging
"""


def test_a_compose_file_merges_with_its_aliases_kept_where_git_would_conflict(
        repo: GitRepo) -> None:
    ours = COMPOSE_BASE.replace("10m", "50m") + "  db:\n    image: postgres:16\n"
    theirs = COMPOSE_BASE + "  worker:\n    image: worker:1\n    logging: *default-logging\n"
    repo.branches({"docker-compose.yml": COMPOSE_BASE}, {"docker-compose.yml": ours},
                  {"docker-compose.yml": theirs})

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 0, done.stderr
    assert repo.read("docker-compose.yml") == (
        ours + "  worker:\n    image: worker:1\n    logging: *default-logging\n")


def test_a_multi_document_manifest_merges_document_by_document(repo: GitRepo) -> None:
    deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n"
    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  port: 80\n"
    base = deployment + "---\n" + service
    ours = deployment.replace("replicas: 1", "replicas: 2") + "---\n" + service
    theirs = deployment.replace("replicas: 1", "replicas: 1\n  paused: false") + "---\n" + (
        service.replace("port: 80", "port: 8080"))
    repo.branches({"k8s.yaml": base}, {"k8s.yaml": ours}, {"k8s.yaml": theirs})

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 0, done.stderr
    assert repo.read("k8s.yaml") == deployment.replace(
        "replicas: 1", "replicas: 2\n  paused: false") + "---\n" + service.replace("80", "8080")


def test_rules_file_at_the_repository_root_applies(repo: GitRepo) -> None:
    repo.write(".statemerge.yaml", "rules:\n  - path: /counters/*\n    strategy: sum\n")
    repo.branches(
        {"state/c.json": {"counters": {"runs": 1}}},
        {"state/c.json": {"counters": {"runs": 3}}},
        {"state/c.json": {"counters": {"runs": 5}}},
    )

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 0, done.stderr
    assert repo.read_json("state/c.json") == {"counters": {"runs": 7}}


def test_a_bad_rules_file_falls_back_to_a_line_merge(repo: GitRepo) -> None:
    repo.write(".statemerge.yaml", "rules:\n  - path: /x\n    strategy: whatever\n")
    repo.branches({"s.json": {"a": 1}}, {"s.json": {"a": 2}}, {"s.json": {"a": 3}})

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 1
    assert ".statemerge.yaml" in done.stderr
    assert "Merging s.json line by line instead." in done.stderr


def test_many_files_changed_on_both_branches_all_merge(repo: GitRepo) -> None:
    names = [f"state/agent-{n}.json" for n in range(12)]
    base = {name: registry(5) for name in names}
    repo.branches(
        base,
        {name: edited(base[name], {}, ["ours"]) for name in names},
        {name: edited(base[name], {}, ["theirs"]) for name in names},
    )

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 0, done.stderr
    for name in names:
        assert repo.read_json(name) == edited(base[name], {}, ["ours", "theirs"])


def test_the_driver_runs_when_statemerge_is_not_on_path(repo: GitRepo) -> None:
    base = registry(5)
    repo.branches(
        {"apps.json": base},
        {"apps.json": edited(base, {}, ["ours"])},
        {"apps.json": edited(base, {}, ["theirs"])},
    )

    done = repo.git("merge", "feature", check=False, PATH="/usr/bin:/bin")

    assert done.returncode == 0, done.stderr
    assert repo.read_json("apps.json") == edited(base, {}, ["ours", "theirs"])


def test_rebase_replays_disjoint_edits_cleanly(repo: GitRepo) -> None:
    base = registry(30)
    repo.branches(
        {"apps.json": base},
        {"apps.json": edited(base, {1: "1.1.0"}, ["on-main"])},
        {"apps.json": edited(base, {2: "1.2.0"}, ["on-feature"])},
    )
    repo.git("checkout", "-q", "feature")

    done = repo.git("rebase", "main", check=False)

    assert done.returncode == 0, done.stderr
    assert repo.read_json("apps.json") == edited(
        base, {1: "1.1.0", 2: "1.2.0"}, ["on-main", "on-feature"]
    )
    assert repo.git("rev-list", "--count", "main..feature").stdout.strip() == "1"


def test_rebase_stops_on_a_real_conflict(repo: GitRepo) -> None:
    repo.branches(
        {"s.json": {"a": 1, "b": 1}}, {"s.json": {"a": 2, "b": 1}}, {"s.json": {"a": 3, "b": 2}}
    )
    repo.git("checkout", "-q", "feature")

    done = repo.git("rebase", "main", check=False)

    assert done.returncode != 0
    assert repo.conflicted() == ["s.json"]
    text = repo.read("s.json")
    unlabelled = re.sub(r"(?m)^(<{7}|>{7}) .*$", r"\1", text)  # labels differ across git versions
    assert unlabelled == '{\n<<<<<<<\n  "a": 2,\n=======\n  "a": 3,\n>>>>>>>\n  "b": 2\n}\n'


def test_cherry_pick_applies_a_commit_structurally(repo: GitRepo) -> None:
    base = registry(30)
    repo.branches(
        {"apps.json": base},
        {"apps.json": edited(base, {}, ["on-main"])},
        {"apps.json": edited(base, {}, ["picked"])},
    )

    done = repo.git("cherry-pick", "feature", check=False)

    assert done.returncode == 0, done.stderr
    assert repo.read_json("apps.json") == edited(base, {}, ["on-main", "picked"])


def test_event_logs_merge_by_union(repo: GitRepo) -> None:
    repo.install_driver("*.jsonl")

    def append(agent: str, value: str) -> None:
        done = repo.statemerge(
            "log", "append", "events.jsonl", "--agent", agent, "set", "/x", value
        )
        assert done.returncode == 0, done.stderr

    append("planner", "1")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    append("coder", "2")
    repo.commit("theirs")
    repo.git("checkout", "-q", "main")
    append("planner", "3")
    repo.commit("ours")

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in repo.read("events.jsonl").splitlines()]
    assert sorted((event["agent"], event["seq"]) for event in events) == [
        ("coder", 1),
        ("planner", 1),
        ("planner", 2),
    ]
    assert repo.statemerge("log", "verify", "events.jsonl").returncode == 0
