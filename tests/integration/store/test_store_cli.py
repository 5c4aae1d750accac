"""The store commands as a user types them: output, exit codes, stats, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from statemerge.cli.app import app


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def state(tmp_path: Path) -> Path:
    path = tmp_path / "state.json"
    path.write_text('{\n  "n": 1,\n  "tasks": ["a"]\n}\n')
    return path


def test_get_prints_the_value_as_json(state: Path) -> None:
    done = run("get", str(state))
    assert (done.exit_code, json.loads(done.stdout)) == (0, {"n": 1, "tasks": ["a"]})
    assert run("get", str(state), "/tasks/0").stdout == '"a"\n'


def test_get_etag_adds_a_last_line_with_the_tag(state: Path) -> None:
    lines = run("get", str(state), "/n", "--etag").stdout.splitlines()
    assert lines[0] == "1" and lines[1].startswith("etag: sha256:") and len(lines) == 2


def test_set_if_match_with_the_tag_from_get_writes(state: Path) -> None:
    tag = run("get", str(state), "--etag").stdout.splitlines()[-1].removeprefix("etag: ")
    assert run("set", str(state), "/n", "2", "--if-match", tag).exit_code == 0
    assert run("get", str(state), "/n").stdout == "2\n"


def test_set_if_match_with_an_old_tag_exits_1_and_writes_nothing(state: Path) -> None:
    tag = run("get", str(state), "--etag").stdout.splitlines()[-1].removeprefix("etag: ")
    run("update", str(state), "inc", "/n", "1")
    before = state.read_bytes()
    done = run("set", str(state), "/n", "9", "--if-match", tag)
    assert done.exit_code == 1
    assert "changed since you read it" in done.stderr
    assert state.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["set", "{state}", "/n", "nope"], "is not JSON"),
        (["set", "{state}", "/missing/n", "1"], "does not exist"),
        (["update", "{state}", "inc", "/tasks", "1"], "/tasks"),
        (["update", "{state}", "frobnicate", "/n"], "Unknown operation"),
        (["get", "{state}", "/nowhere"], "does not exist"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    state: Path, args: list[str], message: str
) -> None:
    before = state.read_bytes()
    done = run(*(arg.replace("{state}", str(state)) for arg in args))
    assert done.exit_code == 2
    assert done.stderr.startswith("statemerge: ") and done.stderr.count("\n") == 1
    assert message in done.stderr
    assert state.read_bytes() == before


@pytest.mark.parametrize(
    ("store", "message"),
    [
        ("etcd://127.0.0.1:2379", "names no KEY"),
        ("etcd:///key", "is not HOST:PORT"),
        ("etcd://localhost/key", "is not HOST:PORT"),
        ("etcd://127.0.0.1:99999/key", "is not HOST:PORT"),
        ("etcd://127.0.0.1:2379,/key", "is not HOST:PORT"),
        ("http://127.0.0.1:2379/key", "unknown scheme"),
    ],
)
def test_a_malformed_store_url_exits_2(store: str, message: str) -> None:
    done = run("get", store)
    assert done.exit_code == 2
    assert message in done.stderr and done.stderr.count("\n") == 1


def test_get_of_a_store_never_written_exits_2(tmp_path: Path) -> None:
    done = run("get", str(tmp_path / "new.json"))
    assert done.exit_code == 2 and "does not exist yet" in done.stderr


def test_update_takes_shorthand_negative_numbers_and_json_patch(state: Path) -> None:
    patch = json.dumps({"op": "add", "path": "/tasks/-", "value": "b"})
    assert run("update", str(state), "inc", "/n", "-3", patch, "delete", "/tasks/0").exit_code == 0
    assert json.loads(state.read_text()) == {"n": -2, "tasks": ["b"]}


def test_update_creates_a_store_never_written(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    assert run("update", str(path), "set", "/n", "1").exit_code == 0
    assert json.loads(path.read_text()) == {"n": 1}


def test_stats_prints_one_line_of_contention_on_stderr(state: Path) -> None:
    done = run("update", str(state), "inc", "/n", "1", "--stats")
    assert done.stdout == ""
    assert done.stderr.startswith(f"statemerge: update {state}: ok, 1 attempt (0 retries, ")


def test_report_json_writes_the_calls_stats(state: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    run(
        "update",
        str(state),
        "inc",
        "/n",
        "1",
        "--lock",
        "--agent",
        "a",
        "--report-json",
        str(report),
    )
    record = json.loads(report.read_text())
    assert record["kind"] == "update-lock" and record["agent"] == "a"
    assert (record["attempts"], record["retries"], record["conflicts"]) == (1, 0, 0)
    assert record["outcome"] == "ok" and record["lock_wait"] >= 0


def test_metrics_appends_a_line_per_call_also_when_it_fails(state: Path, tmp_path: Path) -> None:
    metrics = tmp_path / "metrics.jsonl"
    run("update", str(state), "inc", "/n", "1", "--metrics", str(metrics), "--agent", "a")
    run("set", str(state), "/n", "0", "--if-match", "absent", "--metrics", str(metrics))
    first, second = (json.loads(line) for line in metrics.read_text().splitlines())
    assert (first["kind"], first["outcome"]) == ("update", "ok")
    assert (second["kind"], second["outcome"], second["conflicts"]) == ("set", "changed", 1)


def test_stats_sums_a_metrics_file_by_kind_and_agent(state: Path, tmp_path: Path) -> None:
    metrics = tmp_path / "metrics.jsonl"
    for agent in ("a", "a", "b"):
        run("update", str(state), "inc", "/n", "1", "--metrics", str(metrics), "--agent", agent)
    run("update", str(state), "inc", "/n", "1", "--lock", "--metrics", str(metrics), "--agent", "a")
    summary = json.loads(run("stats", str(metrics), "--json").stdout)
    rows = {(g["kind"], g["agent"]): g["calls"] for g in summary["groups"]}
    assert rows == {("update", "a"): 2, ("update", "b"): 1, ("update-lock", "a"): 1}
    assert summary["total"]["calls"] == 4 and summary["total"]["failed"] == 0
    table = run("stats", str(metrics)).stdout
    assert "update-lock" in table and "total" in table


def test_stats_of_a_line_that_is_not_a_record_names_the_line(tmp_path: Path) -> None:
    metrics = tmp_path / "metrics.jsonl"
    metrics.write_text('{"kind": "update", "agent": "a"}\n')
    done = run("stats", str(metrics))
    assert done.exit_code == 2
    assert f"{metrics}:1: 'attempts' is missing" in done.stderr


def test_lock_status_says_who_holds_the_lock(state: Path) -> None:
    assert run("lock", "--status", str(state)).stdout == "not locked\n"
    from statemerge.store import open_store

    with open_store(str(state)).lock(agent="planner"):
        assert run("lock", "--status", str(state)).stdout.startswith(
            "locked by agent planner (pid "
        )


def test_lock_without_a_command_is_bad_usage(state: Path) -> None:
    done = run("lock", str(state))
    assert done.exit_code == 2 and "needs a COMMAND" in done.stderr


def test_lock_of_a_command_that_does_not_exist_exits_2(state: Path) -> None:
    done = run("lock", str(state), "--", "/nonexistent/command")
    assert done.exit_code == 2 and "cannot run '/nonexistent/command'" in done.stderr
