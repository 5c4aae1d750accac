"""`statemerge merge` from the command line: in-process (Typer) and as a real process (the
fast path), exit codes, stderr, and that nothing is written on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from statemerge.cli.app import app
from statemerge.cli.dispatch import HELP, parse
from statemerge.cli.merge import merge
from statemerge.cli.params import parameters
from statemerge.merging.conflicts import conflict_id

ROOT = Path(__file__).resolve().parent.parent.parent
AGENTS = ROOT / "fixtures" / "merge" / "agents-conflict"
CLEAN = ROOT / "fixtures" / "merge" / "agents-clean"


def sides(folder: Path) -> list[str]:
    return [str(folder / f"{name}.json") for name in ("base", "ours", "theirs")]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "statemerge", *args], capture_output=True,
                          env={**os.environ, **(env or {})}, check=False)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_clean_merge_prints_the_merged_document_and_exits_0(runner: CliRunner) -> None:
    result = runner.invoke(app, ["merge", *sides(CLEAN)])
    assert result.exit_code == 0
    assert result.stdout.encode() == (CLEAN / "expected.json").read_bytes()


def test_conflicts_leave_markers_and_exit_1(runner: CliRunner) -> None:
    result = runner.invoke(app, ["merge", *sides(AGENTS), "-q"])
    assert result.exit_code == 1
    assert "<<<<<<< ours\n" in result.stdout and ">>>>>>> theirs\n" in result.stdout


def test_conflict_ours_resolves_and_exits_0(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = runner.invoke(app, ["merge", *sides(AGENTS), "--conflict", "ours", "-q",
                                 "--report-json", str(report)])
    assert result.exit_code == 0
    merged = json.loads(result.stdout)
    assert merged["tasks"][1]["status"] == "done"
    document = json.loads(report.read_text())
    assert document["clean"] is False
    assert {c["resolved_by"] for c in document["conflicts"]} == {"ours"}


def test_conflict_object_keeps_the_file_valid_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["merge", *sides(AGENTS), "--conflict", "object", "-q"])
    assert result.exit_code == 1
    merged = json.loads(result.stdout)
    assert merged["tasks"][1]["status"] == {
        "$conflict": {"base": "doing", "ours": "done", "theirs": "blocked"}}


def test_report_json_lists_conflicts_with_their_sides(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    runner.invoke(app, ["merge", *sides(AGENTS), "-q", "--report-json", str(report)])
    document = json.loads(report.read_text())
    assert document["clean"] is False
    assert document["conflicts"][0] == {"id": conflict_id("/tasks/1/status", "modify/modify",
                                                          "doing", "done", "blocked"),
                                        "path": "/tasks/1/status", "kind": "modify/modify",
                                        "base": "doing", "ours": "done", "theirs": "blocked",
                                        "resolved_by": None}


def test_rules_resolutions_are_reported(runner: CliRunner, tmp_path: Path) -> None:
    folder = ROOT / "fixtures" / "merge" / "rules-counters"
    report = tmp_path / "r.json"
    result = runner.invoke(app, ["merge", *sides(folder), "-q", "--report-json", str(report)])
    assert result.exit_code == 0
    resolved = {(r["path"], r["strategy"]) for r in json.loads(report.read_text())["resolved"]}
    assert ("/counters/runs", "sum") in resolved and ("/profile", "lww") in resolved


def test_human_report_shows_path_kind_and_values(runner: CliRunner) -> None:
    result = runner.invoke(app, ["merge", *sides(AGENTS)])
    assert "/tasks/1/status" in result.stderr and "modify/modify" in result.stderr
    assert "doing -> " in result.stderr or '"doing" -> "blocked"' in result.stderr


def test_quiet_prints_no_report(runner: CliRunner) -> None:
    result = runner.invoke(app, ["merge", *sides(AGENTS), "--quiet"])
    assert result.stderr == ""


def test_output_file_is_written(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "merged.json"
    result = runner.invoke(app, ["merge", *sides(CLEAN), "-o", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_bytes() == (CLEAN / "expected.json").read_bytes()


def test_labels_and_marker_size_and_diff3(runner: CliRunner) -> None:
    result = runner.invoke(app, ["merge", *sides(AGENTS), "-q", "--diff3", "--marker-size", "9",
                                 "-L", "mine", "-L", "common", "-L", "yours"])
    assert "<<<<<<<<< mine\n" in result.stdout
    assert "||||||||| common\n" in result.stdout
    assert ">>>>>>>>> yours\n" in result.stdout
    assert "=========\n" in result.stdout


def test_format_override_reads_yaml_from_any_name(runner: CliRunner, tmp_path: Path) -> None:
    for name, text in (("b.txt", "a: 1\n"), ("o.txt", "a: 1\nb: 2\n"), ("t.txt", "a: 3\n")):
        (tmp_path / name).write_text(text)
    result = runner.invoke(app, ["merge", *(str(tmp_path / n) for n in ("b.txt", "o.txt", "t.txt")),
                                 "--format", "yaml"])
    assert result.exit_code == 0 and result.stdout == "a: 3\nb: 2\n"


def test_empty_base_means_both_sides_added(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text("")
    (tmp_path / "o.json").write_text('{"a": 1}\n')
    (tmp_path / "t.json").write_text('{"b": 2}\n')
    result = runner.invoke(app, ["merge", *(str(tmp_path / n) for n in ("b.json", "o.json", "t.json"))])
    assert result.exit_code == 0 and json.loads(result.stdout) == {"a": 1, "b": 2}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"a": 1,,}', "theirs.json:1:9: invalid JSON"),
        (b'{"a": 1, "a": 2}', "theirs.json:1:10: duplicate key 'a'"),
        (b"\xff\xfe{}", "theirs.json:1: not valid UTF-8"),
        (b"\x00\x01binary", "binary content"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    tmp_path: Path, content: bytes, message: str
) -> None:
    base, ours = tmp_path / "base.json", tmp_path / "ours.json"
    base.write_text('{"a": 0}')
    ours.write_text('{"a": 1}')
    (tmp_path / "theirs.json").write_bytes(content)
    out = tmp_path / "out.json"
    out.write_text("keep me")
    result = run("merge", str(base), str(ours), str(tmp_path / "theirs.json"), "-o", str(out))
    stderr = result.stderr.decode()
    assert result.returncode == 2
    assert stderr.count("\n") == 1 and message in stderr and "Traceback" not in stderr
    assert out.read_text() == "keep me"


def test_missing_file_and_directory_are_exit_2(tmp_path: Path) -> None:
    (tmp_path / "o.json").write_text("{}")
    missing = run("merge", str(tmp_path / "nope.json"), str(tmp_path / "o.json"), str(tmp_path / "o.json"))
    assert missing.returncode == 2 and b"nope.json: no such file." in missing.stderr
    folder = run("merge", str(tmp_path), str(tmp_path / "o.json"), str(tmp_path / "o.json"))
    assert folder.returncode == 2 and b"is a directory" in folder.stderr


def test_invalid_rules_file_is_exit_2_naming_the_rule(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - path: /a\n    strategy: sometimes\n")
    (tmp_path / "x.json").write_text("{}")
    x = str(tmp_path / "x.json")
    result = run("merge", x, x, x, "--rules", str(rules))
    assert result.returncode == 2
    assert b"rule rules #1 (path '/a'): unknown strategy 'sometimes'" in result.stderr


def test_yaml_alias_bomb_merges_as_written_and_is_refused_where_expanded(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 12)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n")
    theirs = tmp_path / "theirs.yaml"
    theirs.write_text(bomb.read_text() + "extra: 1\n")
    merged = run("merge", str(bomb), str(bomb), str(theirs))  # aliases stay aliases: no expansion
    assert merged.returncode == 0 and merged.stdout == theirs.read_bytes()
    checked = run("check", str(bomb))  # check reads the data a reader sees: bounded, refused
    assert checked.returncode == 1 and b"alias bomb" in checked.stdout


def test_real_process_exit_codes_and_stdout() -> None:
    clean = run("merge", *sides(CLEAN))
    assert clean.returncode == 0 and clean.stdout == (CLEAN / "expected.json").read_bytes()
    conflict = run("merge", *sides(AGENTS))
    assert conflict.returncode == 1 and conflict.stdout == (AGENTS / "expected.json").read_bytes()
    assert b"/tasks/1/status" in conflict.stderr


def test_usage_error_is_exit_2() -> None:
    result = run("merge", "only-one.json")
    assert result.returncode == 2


def test_no_colour_when_not_a_terminal() -> None:
    result = run("merge", *sides(AGENTS))
    assert b"\x1b[" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["b", "o", "t"],
        ["b", "o", "t", "-o", "x", "--conflict=ours", "--diff3", "-L", "a", "--marker-size", "9"],
        ["b", "o", "t", "--format", "yaml", "--rules", "r.yaml", "--report-json", "r.json", "-q"],
    ],
)
def test_fast_path_understands_the_plain_options(args: list[str]) -> None:
    assert parse(parameters(merge), args) not in (None, HELP)


@pytest.mark.parametrize(
    "args",
    [["b", "o"], ["b", "o", "t", "--conflict", "maybe"], ["b", "o", "t", "--bogus"],
     ["b", "o", "t", "--marker-size", "x"], ["b", "o", "t", "--marker-size", "0"]],
)
def test_fast_path_leaves_anything_else_to_typer(args: list[str]) -> None:
    assert parse(parameters(merge), args) is None
