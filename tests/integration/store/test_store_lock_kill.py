"""`statemerge lock FILE -- COMMAND` killed with -9: the lock lives on with COMMAND, so no other
writer slips in while COMMAND still reads and writes, and no update is lost. Real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_processes import cli_env, statemerge


def wait_for(path: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


@pytest.mark.parametrize("second", ["update", "lock"])
def test_a_lock_killed_with_9_stays_held_until_its_command_ends(tmp_path: Path, second: str) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"n": 0}\n')
    have_read, finished = tmp_path / "read", tmp_path / "finished"
    # A read-modify-write that relies on the lock: read n, wait, write n + 1.
    script = (
        f"v=$(statemerge get {state} /n) && touch {have_read} && sleep 2 && "
        f"statemerge set {state} /n $((v + 1)) && touch {finished}"
    )
    holder = subprocess.Popen(
        [sys.executable, "-m", "statemerge", "lock", str(state), "--", "sh", "-c", script],
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(have_read)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    status = statemerge("lock", "--status", str(state)).stdout
    assert status.startswith("locked by") and status.endswith(
        "; that process has ended, and the command it ran still holds the lock\n"
    )

    if second == "update":
        other = statemerge("update", str(state), "inc", "/n", "1", "--timeout", "30")
    else:
        inner = f"statemerge update {state} inc /n 1"
        other = statemerge("lock", str(state), "--timeout", "30", "--", "sh", "-c", inner)

    assert other.returncode == 0, other.stderr
    assert finished.exists(), "the second writer went ahead while the command still ran"
    assert json.loads(state.read_text()) == {"n": 2}, "an update was lost"
    assert statemerge("lock", "--status", str(state)).stdout == "not locked\n"


def test_the_command_of_a_lock_writes_through_it(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"n": 0}\n')
    inner = f"statemerge update {state} inc /n 1 --timeout 5 && statemerge set {state} /m 2 --timeout 5"
    done = statemerge("lock", str(state), "--", "sh", "-c", inner)
    assert done.returncode == 0, done.stderr
    assert json.loads(state.read_text()) == {"n": 1, "m": 2}
