"""The committed completion scripts are what the Typer app generates, and they complete."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from statemerge.cli.completions import COMPLETE_VAR, SHELLS, script

COMPLETIONS = Path(__file__).resolve().parent.parent.parent / "completions"


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_committed_completion_scripts_are_current(shell: str) -> None:
    assert (COMPLETIONS / SHELLS[shell]).read_text() == script(shell), "run `make completions`"


def test_bash_completion_offers_the_commands() -> None:
    env = {**os.environ, COMPLETE_VAR: "complete_bash", "COMP_WORDS": "statemerge me",
           "COMP_CWORD": "1"}
    result = subprocess.run([sys.executable, "-m", "statemerge"], env=env, capture_output=True,
                            text=True, check=False)
    assert "merge" in result.stdout.split()


def complete(shell: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Ask a real process for completions, as the committed script for `shell` does."""
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "statemerge"],
                          env={**os.environ, COMPLETE_VAR: f"complete_{shell}", **env},
                          capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("statemerge l", ["lock", "log"]),
        ("statemerge log ", ["append", "replay", "merge", "verify", "head", "history", "compact"]),
        ("statemerge merge a b c --con", ["--conflict"]),
        ("statemerge merge a b c --conflict o", ["object", "ours"]),
        ("statemerge check x --format ", ["table", "json", "github"]),
        ("statemerge get --etag --", ["--timeout", "--help"]),
        ("statemerge get ", []),
    ],
)
def test_bash_completion_offers_commands_options_and_choices(typed: str, offered: list[str]) -> None:
    words = typed.split()
    cword = len(words) if typed.endswith(" ") else len(words) - 1

    done = complete("bash", COMP_WORDS=typed, COMP_CWORD=str(cword))

    assert done.returncode == 0
    assert done.stdout.split() == offered
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines()}
    assert "typer" not in imported  # answered without importing Typer


def test_zsh_and_fish_completion_use_typer_s_formats() -> None:
    zsh = complete("zsh", _TYPER_COMPLETE_ARGS="statemerge di").stdout
    assert zsh == ("_arguments '*: :((\"diff\":\"Show what changed from OLD to NEW, path by path. "
                   "Exit 0 same, 1 different, 2 trouble.\"))'")
    assert complete("zsh", _TYPER_COMPLETE_ARGS="statemerge get ").stdout == "_files"
    fish = complete("fish", _TYPER_COMPLETE_FISH_ACTION="get-args",
                    _TYPER_COMPLETE_ARGS="statemerge crdt v").stdout
    assert fish == "value\tPrint the plain JSON value: every node replaced by its value."
    files = complete("fish", _TYPER_COMPLETE_FISH_ACTION="is-args",
                     _TYPER_COMPLETE_ARGS="statemerge get ")
    assert files.returncode == 1  # no candidates: fish completes file names
