"""`statemerge check`: clean, conflicted, broken and schema-invalid files, each output format."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from statemerge.check import FileCheck, Problem
from statemerge.cli.app import app
from statemerge.report.check import with_progress

CONFLICTED = '{\n<<<<<<< ours\n  "a": 1\n=======\n  "a": 2\n>>>>>>> theirs\n}\n'
SCHEMA = {
    "type": "object",
    "properties": {"version": {"type": "string"}, "replicas": {"type": "integer", "minimum": 1}},
    "required": ["version"],
}


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: str, content: str | bytes) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content.encode() if isinstance(content, str) else content)


def check(*args: str) -> tuple[int, list[str], str]:
    """Run `statemerge check ARGS`: exit code, stdout lines (right-stripped), stderr."""
    result = CliRunner().invoke(app, ["check", *args], env={"COLUMNS": "200"})
    return result.exit_code, [line.rstrip() for line in result.stdout.splitlines()], result.stderr


def test_clean_files_pass() -> None:
    write("a.json", '{"a": [1, 2]}\n')
    write("b.yaml", "a: 1\n")

    assert check("a.json", "b.yaml") == (0, ["Checked 2 files: all good."], "")


def test_a_conflicted_file_is_reported_at_its_marker() -> None:
    write("state.json", CONFLICTED)

    code, lines, _ = check("state.json")

    assert code == 1
    assert lines == [
        "File        Line  Kind     Problem",
        "state.json     2  markers  conflict marker <<<<<<< left by a merge.",
        "Checked 1 file: 1 problem in 1 file.",
    ]


def test_broken_json_is_reported_with_line_and_column() -> None:
    write("broken.json", '{\n  "a": 1,\n  "b": \n}\n')

    code, lines, _ = check("broken.json")

    assert code == 1
    assert lines[1].split(None, 3) == [
        "broken.json",
        "4:1",
        "parse",
        "invalid JSON: expecting value.",
    ]


@pytest.mark.parametrize(
    ("name", "content", "position"),
    [("dup.json", '{"a": 1,\n "a": 2}\n', "2:2"), ("dup.yaml", "a: 1\na: 2\n", "2:1")],
)
def test_duplicate_keys_are_a_problem(name: str, content: str, position: str) -> None:
    write(name, content)

    code, lines, _ = check(name)

    assert code == 1
    assert lines[1].split(None, 3) == [
        name,
        position,
        "duplicate-key",
        "duplicate key 'a' in one object.",
    ]


def test_a_file_that_is_not_utf8_is_a_problem() -> None:
    write("latin.json", '{\n"name": "caf\xe9"}\n'.encode("latin-1"))

    code, lines, _ = check("latin.json")

    assert code == 1
    assert lines[1].split(None, 3) == ["latin.json", "2", "encoding", "not UTF-8: byte 0xe9."]


def test_schema_violations_are_reported_at_their_pointer() -> None:
    write("schema.json", json.dumps(SCHEMA))
    write("good.json", '{"version": "1.0", "replicas": 2}')
    write("bad.json", '{"replicas": 0}')

    code, lines, _ = check("good.json", "bad.json", "--schema", "schema.json")

    assert code == 1
    problems = [line.split(None, 3) for line in lines[1:-1]]
    assert problems == [
        ["bad.json", "1", "schema", "at the root: 'version' is a required property"],
        ["bad.json", "1", "schema", "at '/replicas': 0 is less than the minimum of 1"],
    ]


def test_an_invalid_schema_is_bad_input() -> None:
    write("schema.json", '{"type": "no-such-type"}')
    write("a.json", "{}")

    code, lines, err = check("a.json", "--schema", "schema.json")

    assert (code, lines) == (2, [])
    assert err.startswith("statemerge: schema.json: not a valid JSON Schema: ")


def test_a_malformed_crdt_node_is_a_problem() -> None:
    write("counters.json", '{"runs": {"$crdt": "g-counter", "counts": {}}}')

    code, lines, _ = check("counters.json")

    assert code == 1
    assert lines[1].split(None, 2) == [
        "counters.json",
        "crdt",
        "at '/runs/counts': a g-counter node has no field 'counts' (its fields: inc).",
    ]


def test_an_event_log_line_that_does_not_parse_is_a_problem() -> None:
    logged = CliRunner().invoke(
        app, ["log", "append", "events.jsonl", "--agent", "a", "set", "/x", "1"]
    )
    assert logged.exit_code == 0, logged.stderr
    write("events.jsonl", Path("events.jsonl").read_text() + '{"id": \n')

    code, lines, _ = check("events.jsonl")

    assert code == 1
    name, position = lines[1].split()[:2]
    assert (name, position.split(":")[0]) == ("events.jsonl", "2")  # line 2, maybe a column


def test_a_missing_file_is_exit_2() -> None:
    write("a.json", "{}")

    code, lines, _ = check("a.json", "missing.json")

    assert code == 2
    assert lines[1].split(None, 2) == ["missing.json", "unreadable", "missing.json: no such file."]


def test_folders_are_searched_for_state_files_with_include_and_exclude() -> None:
    for name in ("state/a.json", "state/sub/b.yaml", "state/sub/c.jsonl", "node_modules/x.json"):
        write(name, CONFLICTED)
    write("state/notes.txt", CONFLICTED)
    write(".git/config.json", CONFLICTED)

    _, everything, _ = check(".")
    _, chosen, _ = check(".", "--exclude", "node_modules", "--exclude", "*.jsonl")
    _, yaml_only, _ = check("state", "--include", "*.yaml")
    _, below_root, _ = check(str(Path("state").resolve()), "--exclude", "sub/*")

    assert [line.split()[0] for line in everything[1:-1]] == [
        "node_modules/x.json",
        "state/a.json",
        "state/sub/b.yaml",
        "state/sub/c.jsonl",
    ]
    assert [line.split()[0] for line in chosen[1:-1]] == ["state/a.json", "state/sub/b.yaml"]
    assert [line.split()[0] for line in yaml_only[1:-1]] == ["state/sub/b.yaml"]
    assert [Path(line.split()[0]).name for line in below_root[1:-1]] == ["a.json"]


def test_json_format() -> None:
    write("ok.json", "{}")
    write("state.json", CONFLICTED)

    result = CliRunner().invoke(app, ["check", "ok.json", "state.json", "--format", "json"])

    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "ok": False,
        "checked": 2,
        "problems": 1,
        "files": [
            {"path": "ok.json", "ok": True, "problems": []},
            {
                "path": "state.json",
                "ok": False,
                "problems": [
                    {
                        "kind": "markers",
                        "message": "conflict marker <<<<<<< left by a merge.",
                        "line": 2,
                    }
                ],
            },
        ],
    }


def test_github_format_writes_error_annotations() -> None:
    write("dir,1/state.json", CONFLICTED)
    write("broken.json", '{"a": }')

    result = CliRunner().invoke(
        app, ["check", "broken.json", "dir,1/state.json", "--format", "github"]
    )

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=broken.json,line=1,col=7,title=statemerge check%3A parse::"
        "invalid JSON: expecting value.",
        "::error file=dir%2C1/state.json,line=2,title=statemerge check%3A markers::"
        "conflict marker <<<<<<< left by a merge.",
    ]


def test_no_paths_and_no_staged_is_a_usage_error() -> None:
    code, _, err = check()

    assert code == 2
    assert err == "statemerge: Give files or folders to check, or --staged (not both).\n"


def test_staged_checks_what_is_staged_not_the_working_tree(in_tmp: Path) -> None:
    env = {"GIT_CONFIG_NOSYSTEM": "1", "HOME": str(in_tmp)}
    subprocess.run(["git", "init", "-q"], check=True, env=env)
    write("staged-broken.json", '{"a": }')
    write("staged-fine.json", "{}")
    write("notes.txt", "not state")
    subprocess.run(["git", "add", "."], check=True, env=env)
    write("staged-broken.json", "{}")  # fixed, but not staged
    write("staged-fine.json", "{,}")  # broken, but not staged
    write("unstaged.json", "{,}")

    code, lines, _ = check("--staged")

    assert code == 1
    assert [line.split()[0] for line in lines[1:]] == ["staged-broken.json", "Checked"]
    assert lines[-1] == "Checked 2 files: 1 problem in 1 file."


def test_progress_passes_every_check_through() -> None:
    checks = [FileCheck(f"{n}.json", [Problem("parse", "x")] if n % 2 else []) for n in range(30)]

    assert list(with_progress(iter(checks), len(checks), io.StringIO())) == checks


def test_check_runs_as_a_real_process() -> None:
    write("state/a.json", "{}")

    done = subprocess.run(
        [sys.executable, "-m", "statemerge", "check", "state"], capture_output=True, text=True
    )

    assert (done.returncode, done.stdout, done.stderr) == (0, "Checked 1 file: all good.\n", "")


def test_many_files_on_a_terminal_show_a_progress_bar() -> None:
    import os
    import pty

    for n in range(25):
        write(f"state/{n:02}.json", "{}")
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "statemerge", "check", "state"],
            stdout=subprocess.PIPE,
            stderr=terminal,
            text=True,
        )
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal side is closed: all read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)

    assert (done.returncode, done.stdout) == (0, "Checked 25 files: all good.\n")
    assert b"checking" in shown


def test_plain_json_lines_are_checked_line_by_line() -> None:
    write("records.jsonl", '{"a": 1}\n[1, 2]\n"text"\n\n{oops\n3\n')

    code, lines, _ = check("records.jsonl")

    assert code == 1
    assert lines[1].split(None, 3) == [
        "records.jsonl", "5:2", "parse",
        "invalid JSON: expecting property name enclosed in double quotes.",
    ]
    assert lines[-1] == "Checked 1 file: 1 problem in 1 file."


def test_valid_plain_json_lines_pass() -> None:
    write("records.jsonl", '{"user": "a", "n": 1}\n{"user": "b", "n": 2}\n')

    assert check("records.jsonl") == (0, ["Checked 1 file: all good."], "")


def test_a_jsonl_file_of_events_is_verified_as_an_event_log() -> None:
    logged = CliRunner().invoke(
        app, ["log", "append", "events.jsonl", "--agent", "a", "set", "/x", "1"]
    )
    assert logged.exit_code == 0, logged.stderr
    event = json.loads(Path("events.jsonl").read_text())
    event["seq"] = 5  # no longer matches its id
    write("events.jsonl", json.dumps(event) + "\n")

    code, lines, _ = check("events.jsonl")

    assert code == 1
    assert lines[1].split(None, 2)[:2] == ["events.jsonl", "1"]
    assert "event-log" in lines[1]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.json", '{\n  "replicas": 0,\n  "items": [\n    "a",\n    3\n  ]\n}\n'),
        ("bad.yaml", "# replicas\nitems:\n  - a\n  - 3\nreplicas: 0\n"),
    ],
)
def test_schema_violations_carry_their_line(name: str, content: str) -> None:
    schema = {**SCHEMA, "properties": {**SCHEMA["properties"],  # type: ignore[dict-item]
                                       "items": {"type": "array", "items": {"type": "string"}}}}
    write("schema.json", json.dumps(schema))
    write(name, content)

    code, lines, _ = check(name, "--schema", "schema.json", "--format", "json")

    assert code == 1
    problems = json.loads("\n".join(lines))["files"][0]["problems"]
    where = {problem["pointer"]: problem["line"] for problem in problems}
    expected = {"": 1, "/replicas": 2, "/items/1": 5} if name.endswith("json") else {
        "": 2, "/items/1": 4, "/replicas": 5}
    assert where == expected


def test_problems_print_verbatim_without_rich_markup() -> None:
    write("[bot].json", '{"[/]": 1, "[/]": 2}\n')

    code, lines, _ = check("[bot].json")

    assert code == 1
    assert lines[1].split(None, 3) == [
        "[bot].json", "1:12", "duplicate-key", "duplicate key '[/]' in one object."
    ]
