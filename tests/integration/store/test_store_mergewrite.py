"""Merge on write (`store.edit()`, `store.commit`, `statemerge put`) on a file and on a real etcd."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_processes import statemerge, worker

from statemerge.errors import MergeConflict, RetriesExhausted
from statemerge.store import Store, open_store


@pytest.fixture(params=["file", "etcd"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "file":
        return str(tmp_path / "state.json")
    return str(request.getfixturevalue("etcd_url"))


def opened(url: str) -> Store:
    return open_store(url, timeout=10)


def test_edit_without_a_race_writes_the_copy(url: str) -> None:
    store = opened(url)
    store.set("", {"n": 1, "tasks": []})
    with store.edit() as doc:
        doc["n"] = 2
        doc["tasks"].append("a")
    assert store.get()[0] == {"n": 2, "tasks": ["a"]}


def test_edit_of_a_store_never_written_starts_from_an_empty_object(url: str) -> None:
    store = opened(url)
    with store.edit() as doc:
        doc["n"] = 1
    assert store.get()[0] == {"n": 1}


def test_edit_merges_a_write_that_landed_in_between(url: str) -> None:
    store, other = opened(url), opened(url)
    store.set("", {"n": 1, "a": 0, "b": 0})
    with store.edit() as doc:
        doc["a"] = 1
        other.set("/b", 2)  # another writer lands while we edit
    assert store.get()[0] == {"n": 1, "a": 1, "b": 2}


def test_a_conflict_raises_with_the_report_and_writes_nothing(url: str) -> None:
    store, other = opened(url), opened(url)
    store.set("", {"owner": "nobody", "n": 1})
    with pytest.raises(MergeConflict) as raised, store.edit() as doc:
        doc["owner"] = "planner"
        doc["n"] = 5
        etag = other.set("/owner", "coder")
    assert store.get() == ({"owner": "coder", "n": 1}, etag)
    [conflict] = raised.value.conflicts
    assert conflict["path"] == "/owner"
    assert conflict["kind"] == "modify/modify"
    assert (conflict["base"], conflict["ours"], conflict["theirs"]) == ("nobody", "planner", "coder")
    assert isinstance(conflict["id"], str) and conflict["id"]
    assert raised.value.exit_code == 1


@pytest.mark.parametrize(("side", "owner"), [("ours", "planner"), ("theirs", "coder")])
def test_on_conflict_takes_a_side_and_keeps_the_clean_changes(url: str, side: str, owner: str) -> None:
    store, other = opened(url), opened(url)
    store.set("", {"owner": "nobody", "n": 1})
    with store.edit(on_conflict=side) as doc:
        doc["owner"] = "planner"
        doc["n"] = 5
        other.set("/owner", "coder")
    assert store.get()[0] == {"owner": owner, "n": 5}


def test_rules_resolve_what_would_conflict(url: str) -> None:
    store, other = opened(url), opened(url)
    store.set("", {"tags": ["a"], "n": 1})
    rules = {"rules": [{"path": "/n", "strategy": "max"}]}
    with store.edit(rules=rules) as doc:
        doc["n"] = 3
        doc["tags"].append("b")
        other.apply([{"op": "replace", "path": "/n", "value": 7}])
    assert store.get()[0] == {"tags": ["a", "b"], "n": 7}


def test_commit_with_a_base_kept_by_the_caller(url: str) -> None:
    store = opened(url)
    etag = store.set("", {"a": 0, "b": 0})
    base = store.get()[0]
    store.set("/b", 1)
    new_etag = store.commit({"a": 1, "b": 0}, base=(base, etag))
    assert store.get() == ({"a": 1, "b": 1}, new_etag)


def test_commit_gives_up_within_its_retries(url: str) -> None:
    store, other = opened(url), opened(url)
    etag = store.set("", {"a": 0, "b": 0})
    original = store.compare_and_set

    def lose(value: object, tag: str, **options: object) -> str:
        other.apply([{"op": "inc", "path": "/b", "value": 1}])
        return original(value, tag, **options)  # type: ignore[arg-type]

    store.compare_and_set = lose  # type: ignore[method-assign]
    with pytest.raises(RetriesExhausted, match="gave up after 3 attempts"):
        store.commit({"a": 1, "b": 0}, base=({"a": 0, "b": 0}, etag), retries=2)
    assert store.read().value["a"] == 0


def run_editors(url: str, barrier: Path, *overlap: str) -> tuple[set[str], set[str]]:
    """4 processes x 15 edits, started together; the names of the edits that reported ok, and of
    those in conflict."""
    opened(url).set("", {"seen": {}, "winner": None})
    workers = [worker("edits", f"w{k}", url, "15", *overlap, BARRIER=f"{barrier}:4")
               for k in range(4)]
    outputs = [w.communicate(timeout=120) for w in workers]
    assert all(w.returncode == 0 for w in workers), [err for _, err in outputs]
    said: dict[str, set[str]] = {"ok": set(), "conflict": set()}
    for k, (out, _) in enumerate(outputs):
        for line in out.splitlines():
            i, outcome = line.split()
            said[outcome].add(f"w{k}-{i}")
    return said["ok"], said["conflict"]


def test_processes_editing_disjoint_parts_all_land(url: str, tmp_path: Path) -> None:
    oks, conflicted = run_editors(url, tmp_path)
    assert not conflicted and len(oks) == 60
    assert set(opened(url).get("/seen")[0]) == oks


def test_processes_editing_one_value_report_every_conflict(url: str, tmp_path: Path) -> None:
    oks, conflicted = run_editors(url, tmp_path, "overlap")
    assert len(oks) + len(conflicted) == 60 and oks and conflicted
    # every edit that reported success is there, whole; none that reported a conflict is
    assert set(opened(url).get("/seen")[0]) == oks
    assert opened(url).get("/winner")[0] in oks


def test_put_merges_a_file_computed_from_a_base(url: str, tmp_path: Path) -> None:
    store = opened(url)
    store.set("", {"a": 0, "b": 0})
    (tmp_path / "base.json").write_text(json.dumps({"a": 0, "b": 0}))
    (tmp_path / "new.json").write_text(json.dumps({"a": 1, "b": 0}))
    store.set("/b", 2)
    done = statemerge("put", url, str(tmp_path / "new.json"), "--base", str(tmp_path / "base.json"))
    assert done.returncode == 0, done.stderr
    assert store.get()[0] == {"a": 1, "b": 2}


def test_put_reports_a_conflict_and_exits_1(url: str, tmp_path: Path) -> None:
    store = opened(url)
    etag = store.set("", {"owner": "nobody"})
    (tmp_path / "base.json").write_text(json.dumps({"owner": "nobody"}))
    (tmp_path / "new.json").write_text(json.dumps({"owner": "planner"}))
    store.set("/owner", "coder")
    report = tmp_path / "report.json"
    done = statemerge(
        "put", url, str(tmp_path / "new.json"), "--base", str(tmp_path / "base.json"),
        "--if-match", etag, "--report-json", str(report),
    )
    assert done.returncode == 1
    assert "1 conflict(s)" in done.stderr and "/owner" in done.stderr
    assert "Traceback" not in done.stderr
    data = json.loads(report.read_text())
    assert data["written"] is False
    assert [c["path"] for c in data["conflicts"]] == ["/owner"]
    assert store.get()[0] == {"owner": "coder"}


def test_put_with_bad_input_exits_2_and_writes_nothing(url: str, tmp_path: Path) -> None:
    store = opened(url)
    store.set("", {"a": 0})
    (tmp_path / "new.json").write_text("{\"a\": ")
    (tmp_path / "base.json").write_text("{}")
    done = statemerge("put", url, str(tmp_path / "new.json"), "--base", str(tmp_path / "base.json"))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "new.json" in done.stderr
    assert store.get()[0] == {"a": 0}


def test_put_on_etcd_reads_the_base_by_revision(etcd_url: str, tmp_path: Path) -> None:
    store = opened(etcd_url)
    etag = store.set("", {"a": 0, "b": 0})
    store.set("/b", 5)
    (tmp_path / "new.json").write_text(json.dumps({"a": 1, "b": 0}))
    done = statemerge("put", etcd_url, str(tmp_path / "new.json"), "--if-match", etag)
    assert done.returncode == 0, done.stderr
    assert store.get()[0] == {"a": 1, "b": 5}
