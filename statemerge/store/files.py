"""The file backend: a JSON or YAML file on disk, the default store.

- Writes replace the file atomically (temp file in the same folder, fsync, rename, same mode), so
  a reader, or a writer killed at any moment, sees the old content or the new, never a mix.
- The etag is a hash of the file's bytes; `absent` for a file that does not exist yet.
- The lock is `flock` on a sidecar file `.NAME.lock` next to the state file, holding the holder's
  record (agent, pid, host, since). The kernel drops an flock when its holder dies, so a crashed
  agent never leaves the store locked. A compare-and-set takes the same flock for the moment of
  its check-and-replace, which makes it atomic against other processes and makes every writer wait
  for a `statemerge lock` holder; the holder's own children write through it (HELD_LOCKS_ENV).
- `statemerge lock` hands the locked descriptor to its COMMAND (`lock_fds`): an flock is released
  only when every descriptor of it is closed, so the lock outlives a `lock` process killed with
  -9 for as long as COMMAND (or anything it started that kept the descriptor) runs.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from statemerge.documents import detect_format, read_bytes, write_atomic
from statemerge.documents.formats import Format
from statemerge.documents.layout import Document, parse_document
from statemerge.errors import ChangedSinceRead, InputError, LockTimeout, UsageError
from statemerge.jsonvalue import ABSENT
from statemerge.store.base import (
    DEFAULT_TIMEOUT,
    Holder,
    LockState,
    Store,
    StoredValue,
    held_locks_env,
    inherited_lock_token,
)
from statemerge.store.metrics import CallStats

ABSENT_ETAG = "absent"
STALE_TEMP_AGE = 60.0  # seconds after which a leftover temp file of a killed writer is removed


def file_etag(data: bytes) -> str:
    """The etag of a file's content: `sha256:` and 16 hex digits."""
    from statemerge.sha256 import sha256_hex

    return "sha256:" + sha256_hex(data)[:16]


class FileStore(Store):
    """A JSON/YAML file shared by processes on one machine (or one file system with flock)."""

    def __init__(self, path: str, *, timeout: float = DEFAULT_TIMEOUT, fmt: str | None = None) -> None:
        super().__init__(path, timeout=timeout)
        self.path = path
        self.fmt: Format = detect_format(path, fmt)
        if self.fmt not in ("json", "yaml"):  # JSONC/JSON5/TOML merge, but a store writes
            self.fmt = "json" if fmt is None else _refuse_format(self.fmt)  # JSON or YAML
        folder, name = os.path.split(path)
        self.lock_path = os.path.join(folder, f".{name}.lock")
        # while this store holds the lock: the flock's descriptor (None: an ancestor's lock)
        self._held: tuple[int | None, Holder] | None = None
        self._last: tuple[str, Document] | None = None  # the last content parsed, by etag

    @property
    def identity(self) -> str:
        return "file:" + os.path.realpath(self.path)

    def read(self) -> StoredValue:
        data = self._read_current()
        if data is None:
            return StoredValue(None, ABSENT_ETAG, False)
        etag, document = self._parse(data)
        if document.value is ABSENT:  # an empty file: a store not written yet
            return StoredValue(None, etag, False)
        return StoredValue(document.value, etag, True)

    def check_etag(self, etag: str) -> None:
        if etag != ABSENT_ETAG and not re.fullmatch(r"sha256:[0-9a-f]{16}", etag):
            raise UsageError(f"{self.url}: {etag!r} is not an etag of a file (sha256:HEX or absent).")

    def compare_and_set(
        self, value: Any, etag: str, *, deadline: float, stats: CallStats | None = None
    ) -> str:
        with self._write_access(deadline, stats):
            current = self._read_current()
            current_etag = ABSENT_ETAG if current is None else file_etag(current)
            if current_etag != etag:
                raise ChangedSinceRead(
                    f"{self.url}: changed since you read it (etag {etag}, now {current_etag}); "
                    "nothing was written."
                )
            data = render(value, None if current is None else self._parse(current)[1], self.fmt)
            try:
                write_atomic(self.path, data)
            except OSError as error:
                raise InputError(f"{self.url}: cannot be written ({error.strerror}).") from None
            return file_etag(data)

    @contextmanager
    def acquire(self, agent: str, *, deadline: float, stats: CallStats | None = None) -> Iterator[Holder]:
        if self._held is not None:
            raise UsageError(f"{self.url}: this store already holds its lock.")
        inherited = inherited_lock_token(self.identity)
        if inherited is not None and self._ancestor_holds_lock():
            # `statemerge lock` runs us: its lock is ours (taking it again would wait forever)
            self._held = (None, Holder.from_json(inherited) or Holder.now(agent))
            try:
                yield self._held[1]
            finally:
                self._held = None
            return
        fd = self._open_lock_file()
        try:
            self._flock(fd, deadline, stats)
            holder = Holder.now(agent)
            os.ftruncate(fd, 0)
            os.pwrite(fd, holder.to_json().encode(), 0)
            self._held = (fd, holder)
            try:
                yield holder
            finally:
                self._held = None
                os.ftruncate(fd, 0)
        finally:
            os.close(fd)  # closing the last descriptor releases the flock

    def lock_status(self) -> LockState:
        try:
            fd = os.open(self.lock_path, os.O_RDONLY)
        except FileNotFoundError:
            return LockState(held=False)
        except OSError as error:
            raise InputError(f"{self.lock_path}: cannot be read ({error.strerror}).") from None
        try:
            holder = Holder.from_json(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return LockState(held=True, holder=holder)
            return LockState(held=False)
        finally:
            os.close(fd)

    def lock_fds(self) -> tuple[int, ...]:
        if self._held is None or self._held[0] is None:
            return ()
        return (self._held[0],)

    def lock_env(self) -> dict[str, str]:
        if self._held is None:
            raise UsageError(f"{self.url}: the lock is not held, so there is nothing to pass on.")
        return held_locks_env(self.identity, self._held[1].to_json())

    # -- inside ---------------------------------------------------------------------------------

    def _read_current(self) -> bytes | None:
        """The file's bytes, None when it does not exist; other failures are clear InputErrors."""
        if not os.path.lexists(self.path):
            return None
        return read_bytes(self.path)  # regular files only; one clear message for any failure

    def _parse(self, data: bytes) -> tuple[str, Document]:
        """The etag and parsed document of some bytes; the last one is kept, for the write back."""
        etag = file_etag(data)
        if self._last is None or self._last[0] != etag:
            document = parse_document(data, str(self.path), self.fmt, empty_is_absent=True)
            self._last = (etag, document)
        return self._last

    def _open_lock_file(self) -> int:
        try:
            return os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except FileNotFoundError:
            raise InputError(f"{self.url}: the folder {os.path.dirname(self.path) or '.'} does not "
                             "exist.") from None
        except OSError as error:
            raise InputError(f"{self.lock_path}: cannot be opened ({error.strerror}).") from None

    def _flock(self, fd: int, deadline: float, stats: CallStats | None) -> None:
        """Take the flock by `deadline` (polling: flock itself has no timeout)."""
        for pause in self.flock_pauses(fd, deadline, stats):
            time.sleep(pause)

    def flock_pauses(self, fd: int, deadline: float, stats: CallStats | None) -> Iterator[float]:
        """Try the flock without blocking until it is taken, yielding how long to wait between
        tries (a thread sleeps them, a coroutine awaits them); LockTimeout after `deadline`."""
        started = time.monotonic()
        pause = 0.0002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                now = time.monotonic()
                if now >= deadline:
                    if stats is not None:
                        stats.lock_wait += now - started
                    raise LockTimeout(self._timeout_message(now - started)) from None
                yield min(pause, deadline - now)
                pause = min(pause * 2, 0.005)
        if stats is not None:
            stats.lock_wait += time.monotonic() - started

    def _timeout_message(self, waited: float) -> str:
        holder = self.lock_status().holder
        by = f": held by {describe_holder(holder)}" if holder else ""
        return f"{self.url}: lock not acquired within {waited:.1f} s{by}; nothing was done."

    @contextmanager
    def _write_access(self, deadline: float, stats: CallStats | None) -> Iterator[None]:
        """Exclusive access for one check-and-replace: our lock, an ancestor's, or a brief one."""
        if self._held is not None or self._ancestor_holds_lock():
            yield
            return
        fd = self._open_lock_file()
        try:
            self._flock(fd, deadline, stats)
            self._remove_stale_temp_files()
            yield
        finally:
            os.close(fd)

    def _remove_stale_temp_files(self) -> None:
        """Remove temp files of writers killed mid-write (only writers under the flock make them,
        and we hold it; the age check spares any other program's write in progress)."""
        folder, name = os.path.split(self.path)
        prefix, cutoff = f".{name}.", time.time() - STALE_TEMP_AGE
        try:
            with os.scandir(folder or ".") as entries:
                stale = [
                    entry.path
                    for entry in entries
                    if entry.name.startswith(prefix)
                    and entry.name.endswith(".tmp")
                    and entry.stat(follow_symlinks=False).st_mtime < cutoff
                ]
        except OSError:
            return
        for path in stale:
            with contextlib.suppress(OSError):
                os.unlink(path)

    def _ancestor_holds_lock(self) -> bool:
        """Whether we run under `statemerge lock` of this file, whose holder is still there."""
        token = inherited_lock_token(self.identity)
        if token is None:
            return False
        state = self.lock_status()
        return state.held and state.holder is not None and state.holder == Holder.from_json(token)


def describe_holder(holder: Holder) -> str:
    """`agent planner (pid 12 on host-a since 2026-01-01T00:00:00Z)`."""
    return f"agent {holder.agent} (pid {holder.pid} on {holder.host} since {holder.since})"


# -- writing back in the file's own layout ---------------------------------------------------------


def render(value: Any, previous: Document | None, fmt: Format) -> bytes:
    """`value` as file content in `previous`'s layout (comments of YAML kept), or a fresh one."""
    if previous is not None and previous.value is not ABSENT:
        return previous.render(value).encode()
    if fmt == "yaml":
        from statemerge.documents.yamlwrite import dump_yaml

        return dump_yaml(value).encode()
    from statemerge.documents.jsontext import JsonLayout
    from statemerge.documents.jsontext import render as render_json

    return render_json(value, JsonLayout()).encode()


def _refuse_format(fmt: str) -> Format:
    from statemerge.errors import InputError

    raise InputError(f"A shared state file is JSON or YAML, not {fmt}.")
