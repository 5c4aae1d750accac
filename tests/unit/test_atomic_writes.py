"""Writes that respect the file system: symlinks written through, devices and FIFOs written in
place and never replaced, owner and group kept, broken hard links said, failures clean."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from statemerge.documents.atomic import write_atomic
from statemerge.errors import OutputError


def test_a_symlink_is_written_through_to_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    target = real / "state.json"
    target.write_text("old\n")
    link = tmp_path / "state.json"
    link.symlink_to(target)

    write_atomic(link, b"new\n")

    assert link.is_symlink()
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in real.iterdir()) == ["state.json"]  # no temp file left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["real", "state.json"]


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "target.json")

    write_atomic(link, b"{}\n")

    assert link.is_symlink() and (tmp_path / "target.json").read_text() == "{}\n"


def test_a_chain_of_symlinks_is_followed_to_the_end(tmp_path: Path) -> None:
    target = tmp_path / "target.json"
    target.write_text("old")
    (tmp_path / "one").symlink_to(target)
    (tmp_path / "two").symlink_to(tmp_path / "one")

    write_atomic(tmp_path / "two", b"new")

    assert (tmp_path / "two").is_symlink() and (tmp_path / "one").is_symlink()
    assert target.read_text() == "new"


def test_a_character_device_is_written_in_place_not_replaced(tmp_path: Path) -> None:
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # like /dev/null
    except (PermissionError, OSError) as error:
        pytest.skip(f"mknod is not allowed here: {error}")

    write_atomic(device, b"merged\n")

    assert stat.S_ISCHR(device.stat().st_mode)
    assert device.stat().st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()

    write_atomic(fifo, b"merged\n")
    reader.join(timeout=10)

    assert received == [b"merged\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_owner_and_group_are_kept_where_permitted(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another owner")
    target = tmp_path / "state.json"
    target.write_text("old")
    os.chown(target, 65534, 65534)
    target.chmod(0o640)

    write_atomic(target, b"new")

    info = target.stat()
    assert (info.st_uid, info.st_gid) == (65534, 65534)
    assert stat.S_IMODE(info.st_mode) == 0o640
    assert target.read_text() == "new"


def test_a_rename_that_breaks_hard_links_says_so(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "state.json"
    target.write_text("old")
    other = tmp_path / "other.json"
    os.link(target, other)

    write_atomic(target, b"new")

    assert target.read_text() == "new" and other.read_text() == "old"
    assert capsys.readouterr().err == (f"statemerge: {target}: replaced by a new file; its 1 "
                                       "other hard link(s) keep the old content.\n")


def test_a_plain_file_says_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_atomic(tmp_path / "a.json", b"{}")
    write_atomic(tmp_path / "a.json", b"[]")

    assert capsys.readouterr().err == ""
    assert (tmp_path / "a.json").read_text() == "[]"


@pytest.mark.parametrize("name, message", [
    ("missing/out.json", "the folder {folder}/missing does not exist."),
    (".", "is a directory, not a file."),
])
def test_clean_errors_for_what_cannot_be_written(tmp_path: Path, name: str, message: str) -> None:
    path = tmp_path / name

    with pytest.raises(OutputError) as caught:
        write_atomic(path, b"{}")

    assert caught.value.message == f"{path}: " + message.format(folder=tmp_path)


def test_dev_stdout_is_written_through_the_descriptor_the_shell_gave(tmp_path: Path) -> None:
    import subprocess
    import sys

    fixtures = Path(__file__).resolve().parent.parent.parent / "fixtures" / "merge" / "agents-clean"
    sides = [str(fixtures / f"{side}.json") for side in ("base", "ours", "theirs")]
    merge = [sys.executable, "-m", "statemerge", "merge", *sides, "-o", "/dev/stdout"]
    log = tmp_path / "appended.log"
    log.write_text("first line\n")

    piped = subprocess.run(merge, capture_output=True, check=False)
    with log.open("ab") as appended:
        subprocess.run(merge, stdout=appended, check=True)

    expected = (fixtures / "expected.json").read_bytes()
    assert piped.returncode == 0 and piped.stdout == expected
    assert log.read_bytes() == b"first line\n" + expected  # appended, not replaced
