"""The interactive resolver in a real 80x24 terminal (tmux): `statemerge resolve -i` and
`git mergetool --tool statemerge`, driven key by key."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from gitrepo import GitRepo
from terminal import Terminal, require_tmux

BASE = {"port": 1, "host": "a", "tags": ["x"]}
OURS = {"port": 2, "host": "o", "tags": ["x"]}
THEIRS = {"port": 3, "host": "t", "tags": ["x"]}


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    require_tmux()
    repo = GitRepo.create(tmp_path)
    repo.install_driver()
    repo.branches({"c.json": BASE}, {"c.json": OURS}, {"c.json": THEIRS})
    assert repo.git("merge", "feature", check=False).returncode == 1
    return repo


@pytest.fixture
def terminal(repo: GitRepo, tmp_path: Path) -> Iterator[Terminal]:
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\necho \'"both"\' > "$1"\n')
    editor.chmod(0o755)
    shown = Terminal(tmp_path, {**repo.env, "EDITOR": str(editor)})
    yield shown
    shown.close()


def test_the_resolver_walks_the_conflicts_key_by_key(repo: GitRepo, terminal: Terminal) -> None:
    terminal.start([sys.executable, "-m", "statemerge", "resolve", "-i", "c.json"], repo.root)

    first = terminal.wait_for("conflict 1/2")
    assert all(len(line) <= 80 for line in first.splitlines())
    assert "/port  modify/modify" in first
    assert "ours changed: 1 -> 2" in first and "theirs changed: 1 -> 3" in first
    terminal.keys("t")
    terminal.wait_for("conflict 2/2")
    terminal.keys("u")  # undo: back to the first conflict, its answer dropped
    terminal.wait_for("conflict 1/2  answered 0")
    terminal.keys("t")
    second = terminal.wait_for("conflict 2/2  answered 1")
    assert '"o"' in second and '"t"' in second
    terminal.keys("e")  # the editor writes "both"
    done = terminal.wait_for("EXIT=")

    assert "EXIT=0" in done
    assert "c.json: 2 answered, clean; staged (git add)." in done
    assert repo.read_json("c.json") == {"port": 3, "host": "both", "tags": ["x"]}
    assert repo.conflicted() == []


def test_quitting_writes_what_was_answered(repo: GitRepo, terminal: Terminal) -> None:
    terminal.start([sys.executable, "-m", "statemerge", "resolve", "-i", "c.json"], repo.root)
    terminal.wait_for("conflict 1/2")
    terminal.keys("t")
    terminal.wait_for("conflict 2/2")
    terminal.keys("q")

    assert "EXIT=1" in terminal.wait_for("EXIT=")
    text = repo.read("c.json")
    assert '"port": 3' in text and "<<<<<<< ours" in text
    assert repo.conflicted() == ["c.json"]


def test_git_mergetool_runs_the_resolver(repo: GitRepo, terminal: Terminal) -> None:
    terminal.start(["git", "mergetool", "--tool", "statemerge", "--no-prompt", "c.json"],
                   repo.root)
    terminal.wait_for("conflict 1/2")
    terminal.keys("t")
    terminal.wait_for("conflict 2/2")
    terminal.keys("o")

    assert "EXIT=0" in terminal.wait_for("EXIT=")
    assert json.loads(repo.read("c.json")) == {"port": 3, "host": "o", "tags": ["x"]}
    assert repo.conflicted() == []  # git trusted the exit status and staged the file
