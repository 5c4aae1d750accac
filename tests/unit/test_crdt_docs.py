"""Every example in docs/crdt.md is run: the console sessions, the type examples, the Python."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from statemerge import crdt
from statemerge.cli.app import app

ROOT = Path(__file__).resolve().parent.parent.parent
DOC = (ROOT / "docs" / "crdt.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.DOTALL)


def sessions() -> list[tuple[str, str]]:
    """(command, expected stdout) pairs of the console blocks, in order."""
    pairs: list[tuple[str, str]] = []
    for block in blocks("console"):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            pairs.append((command, output))
    return pairs


def test_console_sessions_print_what_the_docs_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "fixtures" / "crdt", tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    assert len(sessions()) >= 10
    for command, expected in sessions():
        words = shlex.split(command)
        assert words[0] == "statemerge"
        result = CliRunner().invoke(app, words[1:])
        assert (result.exit_code, result.stdout) == (0, expected), command


@pytest.mark.parametrize("tag", sorted(crdt.TYPES))
def test_each_type_example_is_its_fixture(tag: str) -> None:
    fixture = (ROOT / "fixtures" / "crdt" / f"{tag}.json").read_text()
    assert fixture in blocks("json"), f"docs/crdt.md lacks the example of {tag}"


def test_python_example_runs() -> None:
    (code,) = blocks("python")
    exec(compile(code, "docs/crdt.md", "exec"), {})
