"""Log files on disk: streaming their lines, and appending under an exclusive lock.

The one I/O module of the event log package. An append holds an exclusive `flock` on the log
while it reads the log (for seq, clock and hlc) and writes its one line with a single `write` and
an `fsync`, so processes appending at once never interleave or reuse a seq. A writer that replaces
the whole file (`compact --truncate`) holds the same lock and renames a new file into place; an
appender that then finds its locked file no longer at the path starts over on the new one.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from statemerge.documents import read_bytes, write_atomic
from statemerge.errors import InputError
from statemerge.eventlog.events import event_line, log_head, split_lines
from statemerge.patch import Op

Progress = Callable[[int], None]


def numbered_lines(handle: IO[bytes], progress: Progress | None = None) -> Iterator[tuple[int, bytes]]:
    """The non-blank lines of an open log with their 1-based numbers, streaming; `progress` is
    told the bytes read now and then."""
    done = 0
    for number, raw in enumerate(handle, 1):
        if progress is not None:
            done += len(raw)
            if not number & 0xFFF:
                progress(done)
        if len(raw) > 2 or raw.strip():
            yield number, raw
    if progress is not None:
        progress(done)


@contextmanager
def open_log(path: str) -> Iterator[IO[bytes]]:
    """Open a log for reading, with one clear error when it cannot be."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError:
        read_bytes(path)  # fails the same way, with the one wording every command uses
        raise
    with handle:
        yield handle


def ends_with_newline(handle: IO[bytes]) -> bool:
    """Whether an open log is empty or ends with a newline (else its last line may be cut)."""
    handle.seek(0, os.SEEK_END)
    if handle.tell() == 0:
        return True
    handle.seek(-1, os.SEEK_END)
    return handle.read(1) == b"\n"


def log_size(path: str) -> int:
    """The size of a log in bytes (0 when it cannot be read: opening it will say why)."""
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


class LockedLog:
    """A log held under its exclusive lock."""

    def __init__(self, path: str, fd: int) -> None:
        self.path = path
        self.fd = fd

    def read(self) -> bytes:
        """The whole log as it is now."""
        size = os.fstat(self.fd).st_size
        return os.pread(self.fd, size, 0) if size else b""

    def append(self, data: bytes) -> None:
        """Write bytes at the end with one `write`, then `fsync`."""
        written = os.write(self.fd, data)
        if written != len(data):
            raise InputError(f"{self.path}: only {written} of {len(data)} bytes could be written.")
        os.fdatasync(self.fd)  # the data and the new size; mtime may lag

    def replace(self, data: bytes) -> None:
        """Swap in new content atomically (appenders waiting on the lock will follow)."""
        write_atomic(self.path, data)


@contextmanager
def locked_log(path: str) -> Iterator[LockedLog]:
    """Hold the exclusive lock of a log (created empty when missing) for a read-modify-write."""
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o666)
        except IsADirectoryError:
            raise InputError(f"{path}: is a directory, not a file.") from None
        except OSError as error:
            raise InputError(f"{path}: cannot be opened for appending ({error.strerror}).") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if _same_file(fd, path):
                yield LockedLog(path, fd)
                return
        finally:
            os.close(fd)  # closing drops the lock


def _same_file(fd: int, path: str) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path)
    except FileNotFoundError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def append_event(path: str, agent: str, ops: list[Op], wall: int) -> dict[str, Any]:
    """Append one event by `agent` at wall-clock time `wall` (µs); returns the event written.

    Nothing is written when the log holds a bad line (ParseError naming it).
    """
    if not agent:
        raise InputError("The agent id must not be empty.")
    with locked_log(path) as log:
        data = log.read()
        head = log_head(split_lines(data), source=path)
        event = head.next_event(agent, ops, wall)
        # A last line without its newline (written by hand) gets one first.
        prefix = b"\n" if data and not data.endswith(b"\n") else b""
        log.append(prefix + event_line(event))
    return event


def read_log_bytes(path: str) -> bytes:
    """A whole log (for merge and the git driver)."""
    return read_bytes(path)
