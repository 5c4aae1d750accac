"""The pre-commit hook this repository provides: `statemerge check` on staged state files."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

HOOKS = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"


def hook() -> dict[str, object]:
    hooks = yaml.safe_load(HOOKS.read_text())
    assert [entry["id"] for entry in hooks] == ["statemerge-check"]
    found: dict[str, object] = hooks[0]
    return found


def test_the_hook_picks_state_files_only() -> None:
    pattern = re.compile(str(hook()["files"]))

    names = ["a.json", "b/c.yaml", "d.yml", "e.jsonl", "f.txt", "g.json5"]
    assert [name for name in names if pattern.search(name)] == [
        "a.json",
        "b/c.yaml",
        "d.yml",
        "e.jsonl",
    ]


def test_the_hook_entry_fails_on_a_conflicted_file(tmp_path: Path) -> None:
    (tmp_path / "ok.json").write_text("{}")
    (tmp_path / "bad.json").write_text(
        '{\n<<<<<<< ours\n"a": 1\n=======\n"a": 2\n>>>>>>> theirs\n}\n'
    )
    program, *args = shlex.split(str(hook()["entry"]))
    command = [str(Path(sys.executable).parent / program), *args]

    good = subprocess.run([*command, "ok.json"], cwd=tmp_path, capture_output=True, text=True)
    bad = subprocess.run(
        [*command, "ok.json", "bad.json"], cwd=tmp_path, capture_output=True, text=True
    )

    assert (good.returncode, bad.returncode) == (0, 1)
    assert "bad.json" in bad.stdout
