"""`statemerge log` and unfinished appends: an append writes its line whole or not at all (a full
disk on a real tmpfs), and a last line without its newline is reported, skipped and repaired."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from statemerge.cli.app import app


def log(*args: str) -> tuple[int, str, str]:
    """Run `statemerge log ARGS`: exit code, stdout, stderr."""
    result = CliRunner().invoke(app, ["log", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def append(path: Path, agent: str, *ops: str) -> tuple[int, str, str]:
    return log("append", str(path), "--agent", agent, *ops)


@pytest.fixture
def torn(tmp_path: Path) -> tuple[Path, bytes]:
    """A log of two events whose third append stopped half way: (path, the two whole lines)."""
    path = tmp_path / "t.jsonl"
    for agent, value in (("a", "1"), ("b", "2"), ("a", "3")):
        assert append(path, agent, "inc", "/n", value)[0] == 0
    data = path.read_bytes()
    whole = data[: data.index(b"\n", data.index(b"\n") + 1) + 1]
    path.write_bytes(data[: len(whole) + 60])  # the third line, cut
    return path, whole


def test_replay_reports_an_unfinished_last_line_once_and_skips_it(torn: tuple[Path, bytes]) -> None:
    path, _ = torn
    code, out, err = log("replay", str(path))
    assert code == 0 and json.loads(out) == {"n": 3}
    notes = [line for line in err.splitlines() if "no newline" in line]
    assert notes == [
        f"{path}:3: the last line has no newline: an append that did not finish; "
        "skipped (the next append removes it)."
    ]


def test_verify_reports_an_unfinished_last_line_on_stderr_and_finds_the_log_sound(
    torn: tuple[Path, bytes],
) -> None:
    path, _ = torn
    code, out, err = log("verify", str(path))
    assert code == 0 and out == f"{path}: 2 events, all sound.\n"
    assert err.count("\n") == 1 and f"{path}:3: the last line has no newline" in err


def test_history_and_merge_leave_an_unfinished_line_out(torn: tuple[Path, bytes]) -> None:
    path, whole = torn
    code, out, _ = log("merge", str(path))
    assert code == 0 and out.encode() == whole
    code, out, _ = log("history", str(path), "/n", "--json")
    assert code == 0 and len(out.splitlines()) == 2


def test_the_next_append_removes_an_unfinished_line_first(torn: tuple[Path, bytes]) -> None:
    path, whole = torn
    code, _, err = append(path, "a", "inc", "/n", "4")
    assert code == 0
    assert err == (
        f"{path}:3: the last line has no newline: an append that did not finish; "
        "removed before appending.\n"
    )
    data = path.read_bytes()
    assert data.startswith(whole) and data.count(b"\n") == 3 and data.endswith(b"\n")
    assert log("verify", str(path))[0] == 0
    assert json.loads(log("replay", str(path))[1]) == {"n": 7}


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs, mounted for the test (skipped where mounting is not permitted)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError as error:
        pytest.skip(f"cannot run mount: {error}")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs (needs root): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False, timeout=30)


def fill(folder: Path) -> Path:
    """Fill a file system to the last byte; returns the filler file."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (4096, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    return filler


def test_an_append_on_a_full_disk_exits_2_and_leaves_the_log_as_it_was(small_disk: Path) -> None:
    path = small_disk / "t.jsonl"
    for value in ("1", "2"):
        assert append(path, "a", "inc", "/n", value)[0] == 0
    before = path.read_bytes()
    filler = fill(small_disk)
    with pytest.raises(OSError) as full:
        (small_disk / "probe").write_bytes(b"x" * 4096)
    assert full.value.errno == errno.ENOSPC

    big = json.dumps("x" * 10_000)  # more than the last page of the log holds: a torn write
    code, out, err = append(path, "a", "set", "/note", big)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "No space left on device" in err and "nothing was appended" in err
    assert path.read_bytes() == before
    assert log("verify", str(path))[:2] == (0, f"{path}: 2 events, all sound.\n")

    filler.unlink()  # space again: the log takes appends as before
    assert append(path, "a", "set", "/note", big)[0] == 0
    assert log("verify", str(path))[0] == 0
    assert json.loads(log("replay", str(path))[1])["n"] == 3
