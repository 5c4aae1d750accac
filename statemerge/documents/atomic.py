"""Writing files the way the file system expects: atomic replacement of regular files.

A regular file is replaced atomically (a temp file in the same folder, fsync, rename), keeping its
permission bits and, where permitted, its owner and group: a reader, or a process killed
mid-write, sees the old content or the new, never a mix. The rules around that:

- a symlink is written through: the temp file goes next to the link's final target, and the
  link stays a link;
- a character device or a FIFO (`/dev/null`, a named pipe) is written to directly, never
  replaced, and `/dev/stdout`, `/dev/stderr` or `/dev/fd/N` through the descriptor the process
  already holds (whatever the shell connected it to); block devices and sockets are refused;
- a rename gives the path a new inode, so other hard links to the old file keep the old content:
  one stderr line says so;
- a failure (missing or read-only folder, a folder as target, a full disk) is an `OutputError`
  naming the file, and the old file is left as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys

from statemerge.errors import OutputError


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to `path` as described in the module docstring."""
    name = os.fspath(path)
    descriptor = open_descriptor(name)
    if descriptor is not None:
        _write_descriptor(name, descriptor, data)
        return
    target = os.path.realpath(name) if os.path.islink(name) else name
    try:
        existing: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        existing = None
    except OSError as error:
        raise output_error(name, error) from None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        if stat.S_ISDIR(existing.st_mode):
            raise OutputError(f"{name}: is a directory, not a file.")
        if stat.S_ISCHR(existing.st_mode) or stat.S_ISFIFO(existing.st_mode):
            _write_directly(name, data)
            return
        raise OutputError(f"{name}: is a block device or socket; statemerge will not write it.")
    folder = os.path.dirname(target) or "."
    if not os.path.isdir(folder):
        raise OutputError(f"{name}: the folder {folder} does not exist.")
    _replace(name, target, folder, data, existing)
    if existing is not None and existing.st_nlink > 1:
        others = existing.st_nlink - 1
        sys.stderr.write(f"statemerge: {name}: replaced by a new file; its {others} other hard "
                         f"link(s) keep the old content.\n")


def check_writable(path: str | os.PathLike[str]) -> None:
    """Fail now, before anything is written, if `path` clearly cannot be written."""
    name = os.fspath(path)
    if open_descriptor(name) is not None:
        return
    target = os.path.realpath(name)
    if os.path.isdir(target):
        raise OutputError(f"{name}: is a directory, not a file.")
    folder = os.path.dirname(target) or "."
    if not os.path.isdir(folder):
        raise OutputError(f"{name}: the folder {folder} does not exist.")
    if not os.path.exists(target) and not os.access(folder, os.W_OK):
        raise OutputError(f"{name}: cannot write in the folder {folder} (permission denied).")


def output_error(name: str, error: OSError) -> OutputError:
    """One sentence for an OSError met while writing `name`."""
    reasons = {
        errno.ENOENT: "its folder does not exist",
        errno.ENOTDIR: "a part of its path is not a folder",
        errno.EISDIR: "is a directory, not a file",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "read-only file system",
        errno.ENOSPC: "no space left on device",
        errno.EDQUOT: "disk quota exceeded",
        errno.ELOOP: "too many levels of symbolic links",
    }
    reason = reasons.get(error.errno or 0, error.strerror or str(error))
    return OutputError(f"{name}: cannot be written ({reason}); nothing was changed.")


def _replace(name: str, target: str, folder: str, data: bytes,
             existing: os.stat_result | None) -> None:
    try:
        fd, temp = _create_temp(folder, os.path.basename(target))
    except OSError as error:
        raise output_error(name, error) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if existing is None:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        else:
            os.chmod(temp, stat.S_IMODE(existing.st_mode))
            _keep_owner(temp, existing)
        os.replace(temp, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(error, OSError):
            raise output_error(name, error) from None
        raise
    _fsync_folder(folder)


def _create_temp(folder: str, base: str) -> tuple[int, str]:
    """A new file `.BASE.RANDOM.tmp` in `folder`, open for writing, mode 0600: what
    `tempfile.mkstemp` does, without importing tempfile (it pulls in shutil, random and the
    compression modules, which cost more than a small write)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(
        os, "O_CLOEXEC", 0)
    for _ in range(100):
        temp = os.path.join(folder, f".{base}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(temp, flags, 0o600), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", folder)


def _keep_owner(temp: str, existing: os.stat_result) -> None:
    """Give the new file the old one's owner and group, or at least its group, where allowed."""
    if (existing.st_uid, existing.st_gid) == (os.geteuid(), os.getegid()):
        return
    for uid in (existing.st_uid, -1):
        try:
            os.chown(temp, uid, existing.st_gid)
            return
        except OSError:
            continue


_STANDARD = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


def open_descriptor(name: str) -> int | None:
    """The descriptor this process already holds that `name` stands for (`/dev/stdout`,
    `/dev/fd/3`, `/proc/self/fd/1`), or None: such a name is written through the descriptor,
    as the shell set it up (a pipe, a terminal, a file opened for appending)."""
    if not name.startswith(("/dev/", "/proc/")):
        return None
    normal = os.path.normpath(name)
    if normal in _STANDARD:
        return _STANDARD[normal]
    for prefix in ("/dev/fd/", "/proc/self/fd/", f"/proc/{os.getpid()}/fd/"):
        if normal.startswith(prefix) and normal[len(prefix):].isdigit():
            return int(normal[len(prefix):])
    return None


def _write_descriptor(name: str, descriptor: int, data: bytes) -> None:
    for stream in (sys.stdout, sys.stderr):  # what Python buffered goes out first
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
    except OSError as error:
        raise output_error(name, error) from None


def _write_directly(name: str, data: bytes) -> None:
    """Write to a character device or FIFO in place: it must never be replaced by a file."""
    try:
        fd = os.open(name, os.O_WRONLY)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    except OSError as error:
        raise output_error(name, error) from None


def _fsync_folder(folder: str) -> None:
    """Make the rename durable (best effort: some file systems refuse to open folders)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
