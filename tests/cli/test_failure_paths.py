"""Failures that are not bad input: bugs (exit 3, one line) and outputs that cannot be written
(exit 2, one line, nothing written, the old file intact), through real processes."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures" / "merge"
CONFLICT = [str(FIXTURES / "agents-conflict" / f"{side}.json") for side in ("base", "ours", "theirs")]
CLEAN = [str(FIXTURES / "agents-clean" / f"{side}.json") for side in ("base", "ours", "theirs")]


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
        prelude: str = "") -> subprocess.CompletedProcess[str]:
    """`statemerge ARGS` as a process; `prelude` is Python run first (to plant a bug)."""
    script = f"import sys\n{prelude}\nfrom statemerge.cli.main import main\nsys.argv[0] = " \
             "'statemerge'\nmain()\n"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("STATEMERGE")}
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                          env={**environ, "NO_COLOR": "1", **(env or {})}, cwd=cwd, timeout=60,
                          check=False)


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


# -- bugs: exit 3, one line -----------------------------------------------------------------------

MERGE_BUG = """
import statemerge.mergefile
def broken(*args, **kwargs):
    raise RuntimeError("planted bug")
statemerge.mergefile.merge_texts = broken
"""
READ_BUG = """
import statemerge.documents
def broken(*args, **kwargs):
    raise ZeroDivisionError("planted bug")
statemerge.documents.read_value = broken
"""


def test_a_bug_in_merge_is_one_internal_error_line_and_exit_3() -> None:
    done = run("merge", *CLEAN, prelude=MERGE_BUG)

    assert done.returncode == 3
    assert one_line(done) == ("statemerge: internal error: RuntimeError: planted bug; "
                              "please report it.")
    assert done.stdout == ""


def test_a_bug_in_a_typer_command_is_exit_3_too() -> None:
    done = run("crdt", "value", CLEAN[1], prelude=READ_BUG)

    assert done.returncode == 3
    assert one_line(done).startswith("statemerge: internal error: ZeroDivisionError: planted bug")


def test_statemerge_debug_shows_the_traceback() -> None:
    done = run("merge", *CLEAN, prelude=MERGE_BUG, env={"STATEMERGE_DEBUG": "1"})

    assert done.returncode == 3
    assert "Traceback (most recent call last)" in done.stderr
    assert done.stderr.rstrip().endswith("please report it.")


def test_the_driver_treats_a_bug_like_bad_input_and_merges_line_by_line(tmp_path: Path) -> None:
    for side, text in (("base", '{"a": 1}\n'), ("ours", '{"a": 2}\n'), ("theirs", '{"a": 1}\n')):
        (tmp_path / side).write_text(text)

    done = run("git", "merge-driver", "base", "ours", "theirs", "7", "s.json", cwd=tmp_path,
               prelude=MERGE_BUG)

    assert done.returncode == 0  # git merge-file merged it
    assert one_line(done) == ("statemerge: s.json: internal error (RuntimeError: planted bug); "
                              "please report it. Merging s.json line by line instead.")
    assert (tmp_path / "ours").read_text() == '{"a": 2}\n'


# -- outputs that cannot be written: exit 2, nothing written ----------------------------------------


def test_output_into_a_missing_folder(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "out.json"

    done = run("merge", *CLEAN, "-o", str(out))

    assert done.returncode == 2
    assert one_line(done) == f"statemerge: {out}: the folder {out.parent} does not exist."


def test_output_onto_a_folder(tmp_path: Path) -> None:
    done = run("merge", *CLEAN, "-o", str(tmp_path))

    assert done.returncode == 2
    assert one_line(done) == f"statemerge: {tmp_path}: is a directory, not a file."


def test_report_json_that_cannot_be_written_leaves_the_output_unwritten(tmp_path: Path) -> None:
    out = tmp_path / "out.json"

    done = run("merge", *CLEAN, "-o", str(out), "--report-json", str(tmp_path / "no" / "r.json"))

    assert done.returncode == 2
    assert "does not exist" in one_line(done)
    assert not out.exists()


def test_report_json_onto_a_folder(tmp_path: Path) -> None:
    done = run("merge", *CLEAN, "--report-json", str(tmp_path))

    assert done.returncode == 2
    assert one_line(done).endswith("is a directory, not a file.")
    assert done.stdout == ""


@contextlib.contextmanager
def mounted_tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """A small tmpfs mounted at `folder` (root only); the test is skipped when mount is refused."""
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def readonly_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write in: chmod for a user, a read-only tmpfs for root."""
    if os.geteuid() != 0:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    with mounted_tmpfs(tmp_path / "ro", "ro,size=64k") as folder:
        yield folder


def test_output_into_a_read_only_folder(readonly_folder: Path) -> None:
    out = readonly_folder / "out.json"

    done = run("merge", *CLEAN, "-o", str(out))

    assert done.returncode == 2
    line = one_line(done)
    assert line.startswith(f"statemerge: {out}: ")
    assert "read-only file system" in line or "permission denied" in line
    assert not out.exists()


def test_a_full_disk_leaves_the_old_file_intact(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "small", "size=64k") as disk:
        out = disk / "out.json"
        out.write_text('{"old": true}\n')
        big = tmp_path / "big"
        big.mkdir()
        for side in ("base", "ours", "theirs"):
            (big / f"{side}.json").write_text('{"blob": "' + "x" * 200_000 + '"}\n')

        done = run("merge", *(str(big / f"{side}.json") for side in ("base", "ours", "theirs")),
                   "-o", str(out))

        assert done.returncode == 2
        assert one_line(done) == (f"statemerge: {out}: cannot be written (no space left on "
                                  "device); nothing was changed.")
        assert out.read_text() == '{"old": true}\n'
        assert sorted(path.name for path in disk.iterdir()) == ["out.json"]


def test_a_device_that_is_full_is_a_clean_error() -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")

    done = run("merge", *CLEAN, "-o", "/dev/full")

    assert done.returncode == 2
    assert "no space left on device" in one_line(done)


@pytest.mark.parametrize("command", [
    ["log", "replay", str(FIXTURES.parent / "eventlog" / "base.jsonl"), "-o"],
    ["crdt", "new", "g-counter", "-o"],
    ["crdt", "merge", str(FIXTURES.parent / "crdt" / "g-counter.json"), "-o"],
])
def test_other_commands_writing_into_a_missing_folder(tmp_path: Path, command: list[str]) -> None:
    out = tmp_path / "missing" / "out.json"

    done = run(*command, str(out))

    assert done.returncode == 2
    assert one_line(done) == f"statemerge: {out}: the folder {out.parent} does not exist."


def test_log_replay_into_a_read_only_folder(readonly_folder: Path) -> None:
    log = FIXTURES.parent / "eventlog" / "base.jsonl"

    done = run("log", "replay", str(log), "-o", str(readonly_folder / "state.json"))

    assert done.returncode == 2
    assert one_line(done).startswith(f"statemerge: {readonly_folder / 'state.json'}: ")


def test_crdt_new_into_a_read_only_folder(readonly_folder: Path) -> None:
    done = run("crdt", "new", "or-set", "-o", str(readonly_folder / "set.json"))

    assert done.returncode == 2
    assert one_line(done).startswith(f"statemerge: {readonly_folder / 'set.json'}: ")


def test_a_closed_stdout_is_not_an_internal_error() -> None:
    script = [sys.executable, "-m", "statemerge", "merge", *CONFLICT]
    with subprocess.Popen(script, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        err = process.stderr.read().decode()
        code = process.wait(timeout=60)

    assert code in (1, 2)
    assert "internal error" not in err and "Traceback" not in err
