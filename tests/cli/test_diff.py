"""`statemerge diff A B`: a structural diff, exit 0 same / 1 different / 2 trouble."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from statemerge.cli.app import app


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def diff(old: str, new: str, *options: str) -> tuple[int, str, str]:
    """Write OLD to a.* and NEW to b.* (YAML when it does not start like JSON) and diff them."""
    names = []
    for name, text in (("a", old), ("b", new)):
        suffix = ".json" if text.lstrip()[:1] in "{[" else ".yaml"
        Path(name + suffix).write_text(text)
        names.append(name + suffix)
    result = CliRunner().invoke(app, ["diff", *names, *options], env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_same_data_is_exit_0_whatever_the_layout() -> None:
    assert diff('{"a": 1, "b": [1, 2]}', '{\n  "b": [1, 2],\n  "a": 1\n}\n') == (
        0,
        "a.json and b.json hold the same data.\n",
        "",
    )


def test_changes_are_listed_by_path_with_old_and_new() -> None:
    code, out, _ = diff(
        '{"agents": {"planner": {"status": "idle"}}, "old": true, "n": 1}',
        '{"agents": {"planner": {"status": "busy"}, "coder": {}}, "n": 1}',
    )

    assert code == 1
    assert out.splitlines() == [
        "+ /agents/coder: {}",
        '~ /agents/planner/status: "idle" -> "busy"',
        "- /old: true",
        "a.json -> b.json: 1 changed, 1 added, 1 removed.",
    ]


def test_json_and_yaml_compare_as_data() -> None:
    code, out, _ = diff(
        '{"tasks": [{"id": 1, "done": false}]}', "tasks:\n  - id: 1\n    done: true\n"
    )

    assert code == 1
    assert out.splitlines()[0] == "~ /tasks/0/done: false -> true"


def test_an_insertion_at_the_front_of_a_list_is_one_addition() -> None:
    _, out, _ = diff('{"l": ["b", "c", "d"]}', '{"l": ["a", "b", "c", "d"]}')

    assert out.splitlines() == ['+ /l/0: "a"', "a.json -> b.json: 1 added."]


def test_true_and_1_differ() -> None:
    code, out, _ = diff('{"x": true}', '{"x": 1}')

    assert (code, out.splitlines()[0]) == (1, "~ /x: true -> 1")


def test_keys_that_need_escaping_are_json_pointers() -> None:
    _, out, _ = diff('{"a/b": {"c~d": 1}}', '{"a/b": {"c~d": 2}}')

    assert out.splitlines()[0] == "~ /a~1b/c~0d: 1 -> 2"


def test_json_output() -> None:
    code, out, _ = diff('{"a": 1, "gone": null}', '{"a": 2, "new": [1]}', "--json")

    assert code == 1
    assert json.loads(out) == {
        "same": False,
        "changes": [
            {"path": "/a", "kind": "changed", "old": 1, "new": 2},
            {"path": "/gone", "kind": "removed", "old": None},
            {"path": "/new", "kind": "added", "new": [1]},
        ],
    }


def test_json_output_when_same() -> None:
    assert json.loads(diff("{}", "{}", "--json")[1]) == {"same": True, "changes": []}


def test_a_file_that_does_not_parse_is_exit_2() -> None:
    code, out, err = diff('{"a": 1}', '{"a": }')

    assert (code, out) == (2, "")
    assert err == "statemerge: b.json:1:7: invalid JSON: expecting value.\n"


def test_a_missing_file_is_exit_2() -> None:
    Path("a.json").write_text("{}")

    result = CliRunner().invoke(app, ["diff", "a.json", "missing.json"])

    assert result.exit_code == 2
    assert result.stderr == "statemerge: missing.json: no such file.\n"


def test_diff_runs_as_a_real_process() -> None:
    Path("a.json").write_text('{"a": 1}')
    Path("b.yaml").write_text("a: 2\n")

    done = subprocess.run(
        [sys.executable, "-m", "statemerge", "diff", "a.json", "b.yaml"],
        capture_output=True,
        text=True,
    )

    assert (done.returncode, done.stdout.splitlines()[0]) == (1, "~ /a: 1 -> 2")
