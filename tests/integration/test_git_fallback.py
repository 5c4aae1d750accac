"""The driver is never worse than git: what it cannot merge structurally, git merge-file merges."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from gitrepo import STATEMERGE, GitRepo, isolated_env

LINES_BASE = '{\n  "a": 1,\n  "b": 1,\n  "c": 1,\n  "d": 1,\n  "e": 1\n}\n'


def unlabelled(text: str) -> str:
    """Conflict markers without their labels (which differ across git versions)."""
    return re.sub(r"(?m)^(<{7}|>{7}) .*$", r"\1", text)


def test_a_side_with_broken_json_falls_back_to_markers(repo: GitRepo) -> None:
    repo.branches(
        {"s.json": LINES_BASE},
        {"s.json": LINES_BASE.replace('"a": 1', '"a": 2')},
        {"s.json": LINES_BASE.replace('"a": 1', '"a": 3,,')},
    )

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 1
    assert repo.conflicted() == ["s.json"]
    assert re.search(r"statemerge: s\.json \(theirs\):2:\d+: .*line by line instead\.", done.stderr)
    assert unlabelled(repo.read("s.json")) == LINES_BASE.replace(
        '  "a": 1,\n', '<<<<<<<\n  "a": 2,\n=======\n  "a": 3,,,\n>>>>>>>\n'
    )


def test_a_side_already_holding_markers_falls_back(repo: GitRepo) -> None:
    with_markers = LINES_BASE.replace(
        '  "e": 1\n', '<<<<<<< HEAD\n  "e": 1\n=======\n  "e": 2\n>>>>>>> x\n'
    )
    repo.branches(
        {"s.json": LINES_BASE},
        {"s.json": with_markers},
        {"s.json": LINES_BASE.replace('"a": 1', '"a": 3')},
    )

    done = repo.git("merge", "feature", check=False)

    assert "statemerge: s.json: ours already holds conflict markers (line 6)." in done.stderr
    assert done.returncode == 0  # git's line merge: the edits are lines apart
    assert repo.read("s.json") == with_markers.replace('"a": 1', '"a": 3')


def test_a_side_that_is_not_utf8_falls_back_and_merges_like_git(repo: GitRepo) -> None:
    latin1 = '{\n  "name": "caf\xe9",\n  "a": 1,\n  "b": 1,\n  "c": 1,\n  "d": 1\n}\n'.encode(
        "latin-1"
    )
    repo.branches(
        {"s.json": latin1},
        {"s.json": latin1.replace(b'"a": 1', b'"a": 2')},
        {"s.json": latin1.replace(b'"d": 1', b'"d": 2')},
    )

    done = repo.git("merge", "feature", check=False)

    assert "statemerge: s.json: base is not UTF-8 (byte 0xe9 on line 2)." in done.stderr
    assert done.returncode == 0
    expected = latin1.replace(b'"a": 1', b'"a": 2').replace(b'"d": 1', b'"d": 2')
    assert (repo.root / "s.json").read_bytes() == expected


def test_statemerge_0_turns_structural_merging_off(repo: GitRepo) -> None:
    base = {"tasks": ["plan"]}
    repo.branches(
        {"s.json": base},
        {"s.json": {"tasks": ["plan", "ours"]}},
        {"s.json": {"tasks": ["plan", "theirs"]}},
    )

    done = repo.git("merge", "feature", check=False, STATEMERGE="0")

    assert "statemerge: STATEMERGE=0 turns structural merging off." in done.stderr
    assert done.returncode == 1
    assert repo.conflicted() == ["s.json"]
    repo.git("merge", "--abort")
    assert repo.git("merge", "feature", check=False).returncode == 0  # with it on: both appends


def test_fallback_markers_have_the_size_git_asks_for(repo: GitRepo) -> None:
    repo.write(".gitattributes", repo.read(".gitattributes") + "*.json conflict-marker-size=10\n")
    repo.branches({"s.json": "{}\n"}, {"s.json": "{,}\n"}, {"s.json": "{;}\n"})

    repo.git("merge", "feature", check=False)

    markers = [line.split(" ")[0] for line in repo.read("s.json").splitlines() if line[0] in "<=>"]
    assert markers == ["<" * 10, "=" * 10, ">" * 10]


def test_old_git_does_not_turn_placeholders_into_labels(repo: GitRepo) -> None:
    repo.branches({"s.json": "{}\n"}, {"s.json": "{,}\n"}, {"s.json": "{;}\n"})

    repo.git("merge", "feature", check=False)

    text = repo.read("s.json")
    assert "%" not in text
    assert re.search(r"(?m)^<{7} (ours|HEAD)$", text)
    assert re.search(r"(?m)^>{7} (theirs|feature)$", text)


def test_the_driver_never_crashes_on_input_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "base").write_text("{}\n")
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").write_text("{}\n")
    args = ["git", "merge-driver", "base", "ours", "theirs", "7", "s.json", "%S", "%X", "%Y"]

    done = subprocess.run(
        [*STATEMERGE, *args],
        cwd=tmp_path,
        env=isolated_env(tmp_path),
        capture_output=True,
        text=True,
    )

    assert done.returncode == 1
    assert done.stderr.startswith("statemerge: s.json: ours: is a directory, not a file.")


def test_the_driver_rejects_too_few_arguments_with_exit_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [*STATEMERGE, "git", "merge-driver", "only-one"],
        env=isolated_env(tmp_path),
        capture_output=True,
        text=True,
    )

    assert done.returncode == 2
    assert done.stderr == (
        "statemerge: The driver takes 5 to 8 arguments, not 1: "
        "merge-driver [--timeout=SECONDS] %O %A %B %L %P [%S %X %Y]\n"
    )


def test_the_typer_command_runs_the_same_driver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from statemerge.cli.app import app

    monkeypatch.chdir(tmp_path)
    for name, text in (
        ("O", '{"a": 1, "b": 1}\n'),
        ("A", '{"a": 2, "b": 1}\n'),
        ("B", '{"a": 1, "b": 3}\n'),
    ):
        (tmp_path / name).write_text(text)

    result = CliRunner().invoke(app, ["git", "merge-driver", "O", "A", "B", "7", "s.json"])

    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "A").read_text() == '{"a": 2, "b": 3}\n'
