"""Log files on disk: streaming their lines, and appending under an exclusive lock.

The one I/O module of the event log package. An append holds an exclusive `flock` on the log
while it reads the log (for seq, clock, hlc and the chain) and writes its one line with a single
`write` and an `fsync`, so processes appending at once never interleave or reuse a seq. The line
lands whole or not at all: a failed write (a full disk) is truncated back. A last line without
its newline is what an append killed mid-write leaves: readers skip it (`LogLines.unfinished`),
and the next append removes it before writing. A writer that replaces the whole file (`compact
--truncate`) holds the same lock and renames a new file into place; an appender that then finds
its locked file no longer at the path starts over on the new one.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any, NamedTuple

from statemerge.errors import InputError
from statemerge.eventlog.events import event_line, go_fast, log_head, split_lines, unfinished_line
from statemerge.patch import Op

Progress = Callable[[int], None]


class LogLines:
    """The complete non-blank lines of an open log with their 1-based numbers, streaming;
    `progress` is told the bytes read now and then. A last line without its newline (an
    unfinished append) is not yielded: `unfinished` holds its number afterwards."""

    def __init__(self, handle: IO[bytes], progress: Progress | None = None) -> None:
        self.handle = handle
        self.progress = progress
        self.unfinished: int | None = None

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        progress = self.progress
        done = 0
        for number, raw in enumerate(self.handle, 1):
            if progress is not None:
                done += len(raw)
                if not number & 0xFFF:
                    progress(done)
            if len(raw) > 2 or raw.strip():
                if raw[-1] != 10:  # no newline: only the last line can lack it
                    self.unfinished = number
                    break
                yield number, raw
        if progress is not None:
            progress(done)


def numbered_lines(handle: IO[bytes], progress: Progress | None = None) -> LogLines:
    """The complete non-blank lines of an open log (see `LogLines`)."""
    return LogLines(handle, progress)


def unfinished_message(
    path: str, line: int, done: str = "skipped (the next append removes it)"
) -> str:
    """The one line said about a last line without its newline, and what was `done` with it."""
    return f"{path}:{line}: the last line has no newline: an append that did not finish; {done}."


@contextmanager
def open_log(path: str) -> Iterator[IO[bytes]]:
    """Open a log for reading, with one clear error when it cannot be (a FIFO or device is
    refused before it is opened: reading it would block or never end)."""
    from statemerge.documents import read_bytes
    from statemerge.documents.formats import require_regular_file

    require_regular_file(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError:
        read_bytes(path)  # fails the same way, with the one wording every command uses
        raise
    with handle:
        yield handle


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
        """Write bytes at the end with one `write`, then `fsync`: all of them or, when that
        fails (a full disk), none (the file is truncated back)."""
        size = os.fstat(self.fd).st_size
        try:
            written = os.write(self.fd, data)
            if written != len(data):  # a short write: the next one says why
                os.write(self.fd, data[written:])
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            os.fdatasync(self.fd)  # the data and the new size; mtime may lag
        except OSError as error:
            self.cut(size)
            reason = error.strerror or str(error)
            raise InputError(
                f"{self.path}: the event could not be written ({reason}); nothing was appended."
            ) from None

    def repair(self, size: int) -> None:
        """Remove what follows the last complete line, which ends at `size`."""
        try:
            os.ftruncate(self.fd, size)
        except OSError as error:
            raise InputError(
                f"{self.path}: its unfinished last line cannot be removed ({error.strerror})."
            ) from None

    def cut(self, size: int) -> None:
        """Truncate the log back to `size` bytes (best effort after a failed write)."""
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, size)
            os.fsync(self.fd)

    def replace(self, data: bytes) -> None:
        """Swap in new content atomically (appenders waiting on the lock will follow)."""
        from statemerge.documents import write_atomic

        write_atomic(self.path, data)


@contextmanager
def locked_log(path: str) -> Iterator[LockedLog]:
    """Hold the exclusive lock of a log (created empty when missing) for a read-modify-write."""
    import fcntl

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


class Appended(NamedTuple):
    """What an append did: the event written, and the number of the unfinished line it removed
    first (None when there was none)."""

    event: dict[str, Any]
    removed: int | None = None


def append_event(path: str, agent: str, ops: list[Op], wall: int, *, key: bytes | None = None) -> Appended:
    """Append one event by `agent` at wall-clock time `wall` (µs), signed with `key` if given.

    Nothing is written when the log holds a bad line (ParseError naming it). A last line without
    its newline (an append that did not finish) is removed first.
    """
    if not agent:
        raise InputError("The agent id must not be empty.")
    with locked_log(path) as log:
        data = log.read()
        go_fast(len(data))
        removed = unfinished_line(data)
        head = log_head(split_lines(data), source=path)
        event = head.next_event(agent, ops, wall, key=key)
        if data and not data.endswith(b"\n"):
            log.repair(data.rfind(b"\n") + 1)
        log.append(event_line(event))
    return Appended(event, removed)


def read_log_bytes(path: str) -> bytes:
    """A whole log (for merge and the git driver)."""
    from statemerge.documents import read_bytes

    return read_bytes(path)
