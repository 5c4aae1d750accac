"""A time limit for the git driver's structural merge: a hostile file must not hang `git merge`.

The merge runs in a forked child (its own process group) that sends its result back through a
pipe; the parent writes nothing until the whole result has arrived. Past the limit the parent
kills the child's process group (the child and anything it started, such as `git config`) and
returns a reason, so the driver merges the file with `git merge-file` instead. Forking costs a
millisecond or so; the parent's memory is shared copy-on-write.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from statemerge.git.driver import Merged


def run_with_time_limit(merge: Callable[[], Merged | str], limit: float, path: str) -> Merged | str:
    """`merge()` run in a child for at most `limit` seconds: its result, or a reason for a line
    merge when it took too long or died."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without running the parent's clean-up
        os.close(read_end)
        _in_child(merge, write_end)
    os.close(write_end)
    with contextlib.suppress(OSError):  # also done by the child: whichever runs first wins
        os.setpgid(pid, pid)
    try:
        payload = _receive(read_end, time.monotonic() + limit)
    except BaseException:  # interrupted: take the child down too
        _kill_group(pid)
        raise
    finally:
        os.close(read_end)
    if payload is None:
        _kill_group(pid)
        return (f"{path}: the structural merge took longer than {limit:g} s (the limit is set by "
                f"$STATEMERGE_DRIVER_TIMEOUT or the driver's --timeout).")
    _, status = os.waitpid(pid, 0)
    return _decode(payload, status, path)


def _in_child(merge: Callable[[], Merged | str], write_end: int) -> None:
    code = 0
    try:
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)
        result = merge()
        header: dict[str, object]
        if isinstance(result, str):
            header, body = {"reason": result}, b""
        else:
            header = {"exit_code": result.exit_code, "messages": list(result.messages)}
            body = result.output
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(json.dumps(header).encode() + b"\n")
            pipe.write(body)
    except BaseException:  # the parent reads a missing header as a failure
        code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)


def _receive(read_end: int, deadline: float) -> bytes | None:
    """Everything the child sends, or None when the deadline passes first."""
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([read_end], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(read_end, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _decode(payload: bytes, status: int, path: str) -> Merged | str:
    from statemerge.git.driver import Merged

    header, newline, body = payload.partition(b"\n")
    try:
        fields = json.loads(header) if newline else None
    except ValueError:
        fields = None
    if not isinstance(fields, dict):
        how = (f"was killed by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
               else f"exited with {os.waitstatus_to_exitcode(status)}")
        return f"{path}: internal error (the structural merge {how}); please report it."
    if "reason" in fields:
        return str(fields["reason"])
    return Merged(body, int(fields["exit_code"]), tuple(fields["messages"]))


def _kill_group(pid: int) -> None:
    """Kill the child and everything it started, and reap the child."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
