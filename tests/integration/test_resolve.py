"""`statemerge resolve` and remembered answers in real git repositories, run as processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gitrepo import GitRepo

from statemerge.merging.conflicts import conflict_id

BASE = {"port": 1, "host": "a", "tags": ["x"]}
OURS = {"port": 2, "host": "o", "tags": ["x"]}
THEIRS = {"port": 3, "host": "t", "tags": ["x"]}


def conflicted(repo: GitRepo) -> GitRepo:
    """A merge stopped on c.json with conflicts at /port and /host."""
    repo.branches({"c.json": BASE}, {"c.json": OURS}, {"c.json": THEIRS})
    assert repo.git("merge", "feature", check=False).returncode == 1
    assert repo.conflicted() == ["c.json"]
    return repo


def remembered(repo: GitRepo) -> list[dict[str, object]]:
    store = repo.root / ".git" / "statemerge" / "resolutions.jsonl"
    return [json.loads(line) for line in store.read_text().splitlines()]


def test_take_answers_conflicts_stages_the_file_and_remembers(repo: GitRepo) -> None:
    conflicted(repo)

    done = repo.statemerge("resolve", "c.json", "--take", "/port=theirs", "--take", "/host=ours")

    assert done.returncode == 0, done.stderr
    assert "c.json: 2 answered, clean; staged (git add)." in done.stdout
    assert repo.read_json("c.json") == {"port": 3, "host": "o", "tags": ["x"]}
    assert repo.conflicted() == []
    repo.git("commit", "-q", "--no-edit")
    entries = remembered(repo)
    assert [(e["path"], e["take"], e["value"]) for e in entries] == [
        ("/port", "theirs", 3), ("/host", "ours", "o")]
    assert entries[0]["id"] == conflict_id("/port", "modify/modify", 1, 2, 3)


def test_a_pointer_pattern_answers_every_conflict_under_it(repo: GitRepo) -> None:
    conflicted(repo)

    done = repo.statemerge("resolve", "c.json", "--take", "/**=theirs", "--no-add")

    assert done.returncode == 0, done.stderr
    assert repo.read_json("c.json") == THEIRS
    assert repo.conflicted() == ["c.json"]  # --no-add: git still lists it


def test_answering_some_conflicts_leaves_markers_for_the_rest(repo: GitRepo) -> None:
    conflicted(repo)

    done = repo.statemerge("resolve", "c.json", "--set", '/port=8080')

    assert done.returncode == 1
    text = repo.read("c.json")
    assert '"port": 8080' in text and "<<<<<<< ours" in text
    listed = repo.statemerge("resolve", "--list", "--json", "c.json")
    assert listed.returncode == 1
    [entry] = json.loads(listed.stdout)
    assert [c["path"] for c in entry["conflicts"]] == ["/host"]


def test_answers_built_from_the_report_json_resolve_the_merge(repo: GitRepo) -> None:
    """What an agent does: read the JSON report, write one answer per conflict id."""
    conflicted(repo)
    for stage, name in (("1", "base"), ("2", "ours"), ("3", "theirs")):
        repo.write(f"{name}.json", repo.git("show", f":{stage}:c.json").stdout)
    repo.statemerge("merge", "base.json", "ours.json", "theirs.json", "-q",
                    "--report-json", "report.json", "-o", "merged.json")
    report = repo.read_json("report.json")
    answers = [{"id": c["id"], "take": "theirs"} if c["path"] == "/port"
               else {"id": c["id"], "value": "both"} for c in report["conflicts"]]
    repo.write_json("answers.json", answers)

    done = repo.statemerge("resolve", "c.json", "--answers", "answers.json")

    assert done.returncode == 0, done.stderr
    assert repo.read_json("c.json") == {"port": 3, "host": "both", "tags": ["x"]}
    assert repo.conflicted() == []


@pytest.mark.parametrize(("args", "message"), [
    (["--take", "/nowhere=ours"], "--take /nowhere: matches no conflict left."),
    (["--take", "/port=mine"], "--take /port: take one of ours, theirs, base, not 'mine'."),
    (["--set", "/port={"], "--set /port: the value is not JSON"),
    (["--set", "/tags=[]"], "--set /tags: no conflict is at this path."),
])
def test_an_answer_that_matches_nothing_is_refused_and_nothing_written(
        repo: GitRepo, args: list[str], message: str) -> None:
    conflicted(repo)
    before = repo.read("c.json")

    done = repo.statemerge("resolve", "c.json", *args)

    assert done.returncode == 2
    assert done.stderr.startswith(f"statemerge: {message}")
    assert len(done.stderr.splitlines()) == 1
    assert repo.read("c.json") == before


def test_a_file_without_stages_is_refused(repo: GitRepo) -> None:
    repo.write_json("c.json", BASE)
    repo.commit("base")

    done = repo.statemerge("resolve", "c.json", "--all", "ours")

    assert done.returncode == 2
    assert "c.json: no conflict stages in git's index" in done.stderr


def test_a_rebase_of_five_commits_hitting_one_conflict_is_answered_once(repo: GitRepo) -> None:
    services = {f"svc{n}.json": {"image": "v1", "name": f"svc{n}"} for n in range(1, 6)}
    for path, value in services.items():
        repo.write_json(path, value)
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    for path, value in services.items():
        repo.write_json(path, {**value, "image": "v3"})
        repo.commit(f"{path}: v3")
    repo.git("checkout", "-q", "main")
    for path, value in services.items():
        repo.write_json(path, {**value, "image": "v2"})
    repo.commit("all v2")
    repo.git("checkout", "-q", "feature")

    assert repo.git("rebase", "main", check=False).returncode == 1
    assert repo.conflicted() == ["svc1.json"]
    assert repo.statemerge("resolve", "svc1.json", "--take", "/image=theirs").returncode == 0
    done = repo.git("rebase", "--continue", check=False)

    assert done.returncode == 0, done.stderr
    assert done.stderr.count("resolved by remembered answers") == 4
    assert [repo.read_json(path)["image"] for path in services] == ["v3"] * 5
    assert len(repo.git("log", "--oneline").stdout.splitlines()) == 7


def test_merge_applies_remembered_answers_from_a_file_and_reports_them(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path, tmp_path)  # only its environment: no repository here
    for name, value in (("base", BASE), ("ours", OURS), ("theirs", THEIRS)):
        repo.write_json(f"{name}.json", value)
    first = repo.statemerge("resolve", "out.json", "--base", "base.json", "--ours", "ours.json",
                            "--theirs", "theirs.json", "--all", "theirs",
                            "--resolutions", "answers.jsonl")
    assert first.returncode == 0, first.stderr
    assert repo.read_json("out.json") == THEIRS

    again = repo.statemerge("merge", "base.json", "ours.json", "theirs.json", "-q",
                            "--resolutions", "answers.jsonl", "--report-json", "r.json")
    off = repo.statemerge("merge", "base.json", "ours.json", "theirs.json", "-q",
                          "--resolutions", "answers.jsonl", "--no-remember")

    assert again.returncode == 0
    assert json.loads(again.stdout) == THEIRS
    report = repo.read_json("r.json")
    assert report["clean"] is True
    assert {(r["path"], r["resolved_by"], r["id"]) for r in report["resolved"]} == {
        ("/port", "remembered", conflict_id("/port", "modify/modify", 1, 2, 3)),
        ("/host", "remembered", conflict_id("/host", "modify/modify", "a", "o", "t"))}
    assert off.returncode == 1


def test_forget_removes_one_remembered_answer(repo: GitRepo) -> None:
    conflicted(repo)
    repo.statemerge("resolve", "c.json", "--all", "ours", "--share")
    shared = repo.root / ".statemerge" / "resolutions.jsonl"
    port = conflict_id("/port", "modify/modify", 1, 2, 3)
    assert len(shared.read_text().splitlines()) == 2

    done = repo.statemerge("resolve", "--forget", port)
    again = repo.statemerge("resolve", "--forget", port)

    assert done.returncode == 0
    assert f"Forgot {port} in .statemerge/resolutions.jsonl." in done.stdout
    assert [json.loads(line)["path"] for line in shared.read_text().splitlines()] == ["/host"]
    assert again.returncode == 2


def test_outside_git_a_yaml_file_is_resolved_in_its_own_layout(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path, tmp_path)
    repo.write("base.yaml", "# deploy\nreplicas: 1  # how many\nimage: v1\n")
    repo.write("ours.yaml", "# deploy\nreplicas: 2  # how many\nimage: v2\n")
    repo.write("theirs.yaml", "# deploy\nreplicas: 3  # how many\nimage: v1\n")

    done = repo.statemerge("resolve", "out.yaml", "--base", "base.yaml", "--ours", "ours.yaml",
                           "--theirs", "theirs.yaml", "--set", "/replicas=5", "--no-remember")

    assert done.returncode == 0, done.stderr
    assert done.stdout == "out.yaml: 1 answered, clean.\n"
    assert repo.read("out.yaml") == "# deploy\nreplicas: 5  # how many\nimage: v2\n"


def test_outside_git_without_the_three_files_says_what_to_give(tmp_path: Path) -> None:
    done = GitRepo(tmp_path, tmp_path).statemerge("resolve", "c.json", "--all", "ours")

    assert done.returncode == 2
    assert done.stderr == ("statemerge: c.json: not inside a git repository; outside git, give "
                           "--base, --ours and --theirs.\n")
