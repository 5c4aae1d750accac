"""What only the file backend does: layout, mode, YAML comments, the lock's sidecar file, and
atomic replacement under kill -9."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest
from store_processes import cli_env, statemerge, worker
from store_worker import version

from statemerge.errors import InputError, ParseError
from statemerge.store import open_store
from statemerge.store.files import STALE_TEMP_AGE

INC_N = [{"op": "inc", "path": "/n", "value": 1}]


def test_a_write_keeps_the_files_layout_and_its_untouched_lines(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text('{\n    "n": 1,\n    "names": ["é"]\n}')
    open_store(str(path)).apply(INC_N)
    assert path.read_text() == '{\n    "n": 2,\n    "names": ["é"]\n}'


def test_a_new_file_is_written_with_two_spaces_and_a_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    open_store(str(path)).set("", {"n": 1})
    assert path.read_text() == '{\n  "n": 1\n}\n'


def test_a_write_keeps_the_files_mode(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"n": 1}\n')
    path.chmod(0o640)
    open_store(str(path)).apply(INC_N)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_yaml_store_keeps_its_comments(tmp_path: Path) -> None:
    path = tmp_path / "state.yaml"
    path.write_text("# shared by the agents\nn: 1  # counter\ntasks:\n- a\n")
    open_store(str(path)).apply(INC_N)
    assert path.read_text() == "# shared by the agents\nn: 2  # counter\ntasks:\n- a\n"


def test_an_empty_file_is_a_store_not_written_yet(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("")
    store = open_store(str(path))
    assert not store.read().exists
    store.apply([{"op": "add", "path": "/n", "value": 1}])
    assert json.loads(path.read_text()) == {"n": 1}


def test_the_etag_is_a_hash_of_the_files_bytes(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"n": 1}\n')
    expected = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    assert open_store(str(path)).read().etag == expected


def test_the_holder_record_sits_in_a_sidecar_file_while_the_lock_is_held(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    sidecar = tmp_path / ".state.json.lock"
    with open_store(str(path)).lock(agent="planner") as holder:
        assert json.loads(sidecar.read_text()) == {
            "agent": "planner",
            "pid": os.getpid(),
            "host": holder.host,
            "since": holder.since,
        }
    assert sidecar.read_text() == ""


def test_a_file_that_does_not_parse_is_a_clear_error_and_stays_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"n": 1,\n')
    with pytest.raises(ParseError, match=r"state\.json:\d+"):
        open_store(str(path)).apply(INC_N)
    assert path.read_text() == '{"n": 1,\n'


def test_a_store_in_a_missing_folder_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        open_store(str(tmp_path / "nowhere" / "state.json")).set("", {"n": 1})


def test_leftovers_of_killed_writers_are_removed_once_old(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"n": 1}\n')
    old, fresh = tmp_path / ".state.json.abc123.tmp", tmp_path / ".state.json.def456.tmp"
    old.write_text("{")
    fresh.write_text("{")
    an_hour_ago = time.time() - STALE_TEMP_AGE - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    open_store(str(path)).apply(INC_N)
    assert not old.exists() and fresh.exists()


def test_kill_9_during_writes_of_a_large_file_never_leaves_it_torn(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    size = 8000  # about 1 MB as written
    open_store(str(path)).set("", version(0, size))
    candidates = (version(0, size), version(1, size))
    rng = random.Random(6)
    seen = set()
    for _ in range(12):
        writer = worker("rewrite", str(path), str(size))
        assert writer.stdout is not None and writer.stdout.readline() == "wrote 1\n"
        time.sleep(rng.uniform(0.0, 0.4))  # a few writes' time: killed anywhere in one
        os.kill(writer.pid, signal.SIGKILL)
        writer.communicate()
        found = json.loads(path.read_bytes())
        assert found in candidates
        seen.add(found["version"])
    assert seen == {0, 1}  # the kills landed at different points of the writing
    assert open_store(str(path)).read().value in candidates


def test_update_on_the_command_line_keeps_every_concurrent_increment(tmp_path: Path) -> None:
    """The installed command itself, as separate interpreters (the contract runs many more
    updates through store_worker.py, which runs the same command without the start-up cost)."""
    path = tmp_path / "state.json"
    path.write_text('{"n": 0}\n')
    script = f"for i in 1 2 3; do statemerge update {path} inc /n 1 || exit 1; done"
    shells = [subprocess.Popen(["sh", "-c", script], env=cli_env()) for _ in range(2)]
    assert [shell.wait(timeout=60) for shell in shells] == [0, 0]
    assert json.loads(path.read_text()) == {"n": 6}
    assert statemerge("get", str(path), "/n").stdout == "6\n"
