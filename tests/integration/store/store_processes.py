"""Real processes for the store tests: the `statemerge` command and store_worker.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

WORKER = Path(__file__).resolve().parent / "store_worker.py"


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for `statemerge` subprocesses: this interpreter's scripts first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATEMERGE")}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.update(extra)
    return env


def statemerge(*args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the real `statemerge` command."""
    return subprocess.run(
        [sys.executable, "-m", "statemerge", *args],
        env=cli_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def worker(*args: str, **env: str) -> subprocess.Popen[str]:
    """Start store_worker.py (see its docstring) as a separate process."""
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        env=cli_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
