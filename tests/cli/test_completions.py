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
