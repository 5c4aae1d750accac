"""Start-up: plain calls of every command, `--help` and `--version` run as real processes without
importing Typer, Click, rich or pydantic (rich only loads to draw a table or colours; timing is
measured in bench/startup.py); every help shows one example and no type noise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import statemerge
from statemerge.cli.commands import build_root
from statemerge.cli.lazytyper import Typer

HEAVY = ("typer", "click", "rich", "pydantic")


def run(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run `statemerge ARGS` with -X importtime: the result and the top-level packages imported."""
    env = {**os.environ, "STATEMERGE_AGENT": "tester", "COLUMNS": "100"}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "statemerge", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, check=False)
    modules = {line.split("|")[-1].strip().split(".")[0]
               for line in done.stderr.splitlines() if line.startswith("import time:")}
    return done, modules


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "state.json").write_text(json.dumps({"n": 1, "tasks": []}) + "\n")
    (tmp_path / "counter.json").write_text('{"$crdt": "g-counter", "inc": {"a": 1}}\n')
    return tmp_path


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--version"], 0),
        (["--help"], 0),
        (["get", "--help"], 0),
        (["log", "--help"], 0),
        (["crdt", "apply", "--help"], 0),
        (["get", "state.json", "/n"], 0),
        (["set", "state.json", "/n", "2"], 0),
        (["update", "state.json", "inc", "/n", "-1", "insert", "/tasks/-", '"x"'], 0),
        (["merge", "state.json", "state.json", "state.json"], 0),
        (["check", "state.json"], 0),
        (["diff", "state.json", "state.json"], 0),
        (["log", "append", "events.jsonl", "set", "/x", "1"], 0),
        (["crdt", "value", "counter.json"], 0),
        (["crdt", "apply", "counter.json", "inc", "2", "--replica", "b"], 0),
    ],
)
def test_plain_calls_never_import_typer(files: Path, args: list[str], code: int) -> None:
    done, modules = run(args, files)

    assert done.returncode == code, done.stderr[-2000:]
    assert modules.isdisjoint(HEAVY), sorted(modules & set(HEAVY))


def test_a_usage_error_still_gets_typer_s_message(files: Path) -> None:
    done, modules = run(["get", "state.json", "--bogus"], files)

    assert done.returncode == 2
    assert "No such option" in done.stderr and "typer" in modules


def test_version_is_the_package_s() -> None:
    from importlib.metadata import version

    done = subprocess.run([sys.executable, "-m", "statemerge", "--version"], capture_output=True,
                          text=True, check=False)

    assert (done.returncode, done.stdout) == (0, f"statemerge {statemerge.__version__}\n")
    assert version("statemerge") == statemerge.__version__


def every_help(group: Typer, path: list[str]) -> list[list[str]]:
    found = [[*path, "--help"]]
    found += [[*path, command.name, "--help"] for command in group.commands]
    for name, child in group.groups:
        found += every_help(child, [*path, name])
    return found


@pytest.mark.parametrize("args", every_help(build_root(), []), ids=" ".join)
def test_every_help_shows_one_example_and_no_type_noise(args: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "statemerge", *args], capture_output=True,
                          text=True, check=False, env={**os.environ, "COLUMNS": "100"})

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Usage: statemerge ")
    assert lines.count("Example:") == 1
    example = lines[lines.index("Example:") + 1]
    assert example.startswith("  statemerge "), example
    assert not any(noise in done.stdout for noise in ("<bool>", "<list[str]>", "<str>", "╭"))


def test_help_lists_options_with_their_values_and_defaults() -> None:
    done = subprocess.run([sys.executable, "-m", "statemerge", "get", "--help"],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "COLUMNS": "100"})

    assert done.stdout == (
        "Usage: statemerge get [OPTIONS] STORE [POINTER]\n"
        "\n"
        "  Print the value (as JSON) at POINTER of STORE.\n"
        "\n"
        "Arguments:\n"
        "  STORE    A file, or etcd://HOST:PORT[,HOST:PORT...]/KEY. [required]\n"
        "  POINTER  JSON Pointer of the value (default: all).\n"
        "\n"
        "Options:\n"
        "  --etag           Print `etag: TAG` after it.\n"
        "  --timeout FLOAT  Seconds the whole call may take. [default: 30.0; >= 0.0]\n"
        "  --help           Show this message and exit.\n"
        "\n"
        "Example:\n"
        "  statemerge get state.json /tasks/0\n"
    )


def test_no_arguments_prints_help_and_exits_2() -> None:
    done = subprocess.run([sys.executable, "-m", "statemerge"], capture_output=True, text=True,
                          check=False)

    assert done.returncode == 2
    assert done.stdout.startswith("Usage: statemerge [OPTIONS] COMMAND [ARGS]...")


def test_only_the_app_module_imports_typer() -> None:
    import ast

    package = Path(statemerge.__file__).parent
    importers = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name.split(".")[0] == "typer" for name in names):
                importers.add(path.relative_to(package).as_posix())
    assert importers == {"cli/app.py", "cli/completions.py"}  # completions: `make completions`
