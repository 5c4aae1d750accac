"""`statemerge log ...` in-process (CliRunner), and once as a real process."""

from __future__ import annotations

import io
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from statemerge.cli.app import app
from statemerge.report.log import PROGRESS_FROM, progress


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def log(*args: str) -> tuple[int, str, str]:
    """Run `statemerge log ARGS`: exit code, stdout, stderr."""
    result = CliRunner().invoke(app, ["log", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def lines(path: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


def test_append_writes_one_event_per_call_and_prints_its_id() -> None:
    code, out, _ = log("append", "t.jsonl", "--agent", "planner", "set", "/tasks", '["a", "b"]')
    assert code == 0
    code, out2, _ = log(
        "append", "t.jsonl", "--agent", "planner", "inc", "/n", "-2", "insert", "/tasks/0", '"z"'
    )
    assert code == 0
    events = lines("t.jsonl")
    assert [event["id"] for event in events] == [out.strip(), out2.strip()]
    assert [event["seq"] for event in events] == [1, 2]
    assert events[1]["ops"] == [
        {"op": "inc", "path": "/n", "value": -2},
        {"op": "add", "path": "/tasks/0", "value": "z"},
    ]


def test_append_takes_json_patch_json() -> None:
    op = '[{"op": "add", "path": "/a", "value": 1}, {"op": "test", "path": "/a", "value": 1}]'
    assert log("append", "t.jsonl", "--agent", "x", op)[0] == 0
    assert [o["op"] for o in lines("t.jsonl")[0]["ops"]] == ["add", "test"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["set", "/a"], "statemerge: The 'set' operation needs a path and a JSON value.\n"),
        (["jump", "/a"], "statemerge: Unknown operation 'jump'"),
        (["set", "/a", "word"], "is not JSON"),
    ],
)
def test_append_with_bad_ops_exits_2_and_writes_nothing(args: list[str], message: str) -> None:
    code, out, err = log("append", "t.jsonl", "--agent", "x", *args)
    assert (code, out) == (2, "")
    assert err.startswith(message) or message in err
    assert not Path("t.jsonl").exists()


def test_append_needs_an_agent() -> None:
    code, _, err = log("append", "t.jsonl", "set", "/a", "1")
    assert code == 2
    assert "needs --agent ID" in err


def test_append_to_a_log_with_a_broken_line_exits_2_and_appends_nothing() -> None:
    log("append", "t.jsonl", "--agent", "x", "set", "/a", "1")
    Path("t.jsonl").write_bytes(Path("t.jsonl").read_bytes() + b"{broken\n")
    before = Path("t.jsonl").read_bytes()
    code, _, err = log("append", "t.jsonl", "--agent", "x", "set", "/a", "2")
    assert code == 2
    assert err.startswith("statemerge: t.jsonl:2: not valid JSON")
    assert Path("t.jsonl").read_bytes() == before


def test_replay_prints_the_state_and_writes_out_and_a_report() -> None:
    log("append", "t.jsonl", "--agent", "x", "set", "/a", "1")
    log("append", "t.jsonl", "--agent", "x", '{"op": "test", "path": "/a", "value": 2}')
    code, out, err = log("replay", "t.jsonl", "-o", "state.json", "--report-json", "r.json")
    assert (code, out) == (0, "")
    assert json.loads(Path("state.json").read_text()) == {"a": 1}
    report = json.loads(Path("r.json").read_text())
    assert report["conflicts"] == []
    assert report["skipped"][0]["line"] == 2
    assert report["skipped"][0]["reason"] == "Test failed at /a: the value differs."
    assert "1 event applied, 1 skipped event" in err
    code, out, _ = log("replay", "t.jsonl")
    assert json.loads(out) == {"a": 1}


def test_replay_of_a_broken_log_exits_2_naming_the_line_and_writes_nothing() -> None:
    log("append", "t.jsonl", "--agent", "x", "set", "/a", "1")
    with Path("t.jsonl").open("ab") as handle:
        handle.write(b'["not", "an event"]\n')
    code, _, err = log("replay", "t.jsonl", "-o", "state.json", "--report-json", "r.json")
    assert code == 2
    assert err == "statemerge: t.jsonl:2: an event must be a JSON object, not an array.\n"
    assert not Path("state.json").exists() and not Path("r.json").exists()


def test_replay_until_gives_the_state_as_of_a_time() -> None:
    log("append", "t.jsonl", "--agent", "x", "set", "/a", "1")
    log("append", "t.jsonl", "--agent", "x", "set", "/b", "2")
    first_hlc = str(lines("t.jsonl")[0]["hlc"])
    assert json.loads(log("replay", "t.jsonl", "--until", first_hlc)[1]) == {"a": 1}
    assert log("replay", "t.jsonl", "--until", "soon")[0] == 2


def test_merge_writes_the_same_bytes_whatever_the_order() -> None:
    log("append", "a.jsonl", "--agent", "a", "inc", "/n", "1")
    log("append", "b.jsonl", "--agent", "b", "inc", "/n", "2")
    assert log("merge", "a.jsonl", "b.jsonl", "-o", "ab.jsonl")[0] == 0
    code, out, _ = log("merge", "b.jsonl", "a.jsonl", "a.jsonl")
    assert code == 0
    assert out.encode() == Path("ab.jsonl").read_bytes()
    assert json.loads(log("replay", "ab.jsonl")[1]) == {"n": 3}


def test_merge_of_a_broken_log_exits_2_and_writes_nothing() -> None:
    log("append", "a.jsonl", "--agent", "a", "inc", "/n", "1")
    Path("b.jsonl").write_text("{}\n")
    code, _, err = log("merge", "a.jsonl", "b.jsonl", "-o", "ab.jsonl")
    assert code == 2
    assert err.startswith("statemerge: b.jsonl:1: the event has no")
    assert not Path("ab.jsonl").exists()


def test_verify_exits_1_listing_each_problem_with_its_line() -> None:
    for value in ("1", "2", "3"):
        log("append", "t.jsonl", "--agent", "x", "set", "/a", value)
    assert log("verify", "t.jsonl") == (0, "t.jsonl: 3 events, all sound.\n", "")
    text = Path("t.jsonl").read_text().replace('"value":2', '"value":20')
    Path("t.jsonl").write_text(text)
    code, out, _ = log("verify", "t.jsonl")
    assert code == 1
    assert out.splitlines() == [
        "t.jsonl:2: The id does not match the content: the line was changed.",
        "t.jsonl: 1 problem.",
    ]


def test_history_lists_the_events_that_touched_a_path() -> None:
    log("append", "t.jsonl", "--agent", "planner", "set", "/tasks", '[{"s": "todo"}]')
    log("append", "t.jsonl", "--agent", "coder", "set", "/tasks/0/s", '"done"')
    log("append", "t.jsonl", "--agent", "coder", "set", "/other", "1")
    code, out, _ = log("history", "t.jsonl", "/tasks/0")
    assert code == 0
    assert "history of /tasks/0" in out
    assert "planner" in out and "coder" in out and "/other" not in out
    code, out, _ = log("history", "t.jsonl", "/tasks/0", "--json")
    assert [json.loads(line)["op"]["path"] for line in out.splitlines()] == ["/tasks", "/tasks/0/s"]


def test_compact_then_truncate_keeps_append_and_replay_working() -> None:
    log("append", "t.jsonl", "--agent", "x", "set", "/a", "1")
    log("append", "t.jsonl", "--agent", "x", "inc", "/n", "5")
    assert log("compact", "t.jsonl", "--snapshot", "s.json")[0] == 0
    assert len(lines("t.jsonl")) == 2
    assert log("compact", "t.jsonl", "--snapshot", "s.json", "--truncate")[0] == 0
    assert list(lines("t.jsonl")[0]) == ["checkpoint"]
    log("append", "t.jsonl", "--agent", "x", "inc", "/n", "1")
    assert lines("t.jsonl")[1]["seq"] == 3
    assert log("verify", "t.jsonl")[0] == 0
    code, _, err = log("replay", "t.jsonl")
    assert code == 2 and "replay it with --from" in err
    assert json.loads(log("replay", "t.jsonl", "--from", "s.json")[1]) == {"a": 1, "n": 6}


def test_the_log_commands_run_as_a_real_process(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "statemerge", "log", *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, check=False)

    assert run("append", "t.jsonl", "--agent", "a", "set", "/x", "1").returncode == 0
    replayed = run("replay", "t.jsonl")
    assert (replayed.returncode, json.loads(replayed.stdout)) == (0, {"x": 1})
    missing = run("verify", "nope.jsonl")
    assert (missing.returncode, missing.stderr) == (2, "statemerge: nope.jsonl: no such file.\n")


DOCS = Path(__file__).resolve().parents[2] / "docs" / "eventlog.md"


def test_the_documented_walkthrough_runs_as_shown(tmp_path: Path) -> None:
    text = DOCS.read_text()
    block = text.split("```console\n", 1)[1].split("```", 1)[0]
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    for command, shown in steps:
        words = shlex.split(command)
        if words[0] == "cp":
            shutil.copy(tmp_path / words[1], tmp_path / words[2])
            continue
        assert words[:2] == ["statemerge", "log"], command
        result = CliRunner().invoke(app, words[1:], env={"COLUMNS": "200"})
        assert result.exit_code == 0, (command, result.stderr)
        if shown:
            assert result.stdout.splitlines() == shown, command
    assert json.loads((tmp_path / "state.json").read_text())["commits"] == 4


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_is_drawn_only_for_large_logs_on_a_terminal() -> None:
    with progress(PROGRESS_FROM, "replay", io.StringIO()) as tick:
        assert tick is None  # not a terminal
    with progress(PROGRESS_FROM - 1, "replay", _Terminal()) as tick:
        assert tick is None  # too small to bother
    screen = _Terminal()
    with progress(PROGRESS_FROM, "replay", screen) as tick:
        assert tick is not None
        tick(PROGRESS_FROM // 2)
        tick(PROGRESS_FROM)
    assert "replay" in screen.getvalue()
