"""The README's and docs/'s code blocks run as tests, so the documentation cannot drift.

Convention (also in README.md, "Documentation examples are tests"): every ```python, ```console
and ```sh block runs, in a fresh temporary folder that holds a link to `fixtures/`, unless the line
before its fence is `<!-- not tested: REASON -->`.

- python: the block is executed.
- console: each `$ ` line is a bash command; the lines after it, up to the next `$ `, are its
  expected output (stdout, which stderr may follow), compared line by line with runs of spaces collapsed. A
  line `...` matches any number of lines, and `…` inside a line matches any text; a command with
  no lines after it may print anything.
- sh: each line is a command (comments are fine); none may fail with exit 2 or more.

Commands run in order in one folder, so a block may build on its own earlier lines.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SKIP = re.compile(r"<!-- not tested: .+ -->")
FENCE = re.compile(r"^```(\w*)\s*$")


@dataclass(frozen=True)
class Block:
    doc: Path
    line: int  # of the opening fence, 1-based
    kind: str
    body: str

    def __str__(self) -> str:
        return f"{self.doc.relative_to(ROOT)}:{self.line}"


def _blocks() -> list[Block]:
    found = []
    for doc in DOCS:
        lines = doc.read_text(encoding="utf-8").splitlines()
        index = 0
        while index < len(lines):
            match = FENCE.match(lines[index])
            if match is None:
                index += 1
                continue
            end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("```"))
            skipped = index > 0 and SKIP.fullmatch(lines[index - 1].strip()) is not None
            if match.group(1) in ("python", "console", "sh") and not skipped:
                found.append(Block(doc, index + 1, match.group(1), "\n".join(lines[index + 1 : end])))
            index = end + 1
    return found


BLOCKS = _blocks()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _environment(folder: Path) -> dict[str, str]:
    scripts = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": scripts + os.pathsep + os.environ.get("PATH", ""),
            "COLUMNS": "100", "NO_COLOR": "1", "HOME": str(folder)}


def _run(command: str, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=folder, env=_environment(folder),
                          capture_output=True, text=True, timeout=120)


def _pattern(expected: str) -> re.Pattern[str]:
    parts = (re.escape(part) for part in " ".join(expected.split()).split("…"))
    return re.compile(".*".join(parts).replace(r"\ ", r"\s+"))


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Whether output lines fit the expected ones (`...` for any lines, `…` for any text)."""
    if not expected:
        return not actual
    if expected[0].strip() == "...":
        return any(_matches(expected[1:], actual[start:]) for start in range(len(actual) + 1))
    return bool(actual) and _pattern(expected[0]).fullmatch(" ".join(actual[0].split())) is not None \
        and _matches(expected[1:], actual[1:])


def _console(block: Block, folder: Path) -> None:
    steps: list[tuple[str, list[str]]] = []
    for line in block.body.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
    assert steps, f"{block}: a console block without a `$ ` command"
    for command, expected in steps:
        done = _run(command, folder)
        printed, output = done.stdout.splitlines(), (done.stdout + done.stderr).splitlines()
        assert "Traceback" not in done.stderr, f"{block}: {command}\n{done.stderr}"
        erring = any(line.startswith("statemerge: ") for line in expected)
        assert done.returncode in ((0, 1, 2) if erring else (0, 1)), (
            f"{block}: {command} exited {done.returncode}\n{done.stderr}")
        assert not expected or _matches(expected, printed) or _matches(expected, output), (
            f"{block}: {command}\nexpected:\n" + "\n".join(expected) + "\ngot:\n" + "\n".join(output))


def _shell(block: Block, folder: Path) -> None:
    for line in block.body.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        done = _run(line, folder)
        assert "Traceback" not in done.stderr, f"{block}: {line}\n{done.stderr}"
        assert done.returncode in (0, 1), f"{block}: {line} exited {done.returncode}\n{done.stderr}"


@pytest.mark.parametrize("block", BLOCKS, ids=str)
def test_documented_example_runs(block: Block, folder: Path) -> None:
    if block.kind == "python":
        exec(compile(block.body, str(block), "exec"), {"__name__": "__doc_example__"})
    elif block.kind == "console":
        _console(block, folder)
    else:
        _shell(block, folder)


def test_every_skipped_block_says_why() -> None:
    for doc in DOCS:
        for line in doc.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("<!-- not tested"):
                assert SKIP.fullmatch(line.strip()), f"{doc}: {line}"
