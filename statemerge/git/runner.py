"""The one place that runs git: every git command statemerge starts goes through `run_git`.

`subprocess` is imported only when git is run: the merge driver must start fast.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from statemerge.errors import UsageError

if TYPE_CHECKING:
    import subprocess

PathLike = str | os.PathLike[str]


def run_git(
    args: list[str], *, cwd: PathLike | None = None, stdin: bytes | None = None, capture: bool = True
) -> subprocess.CompletedProcess[bytes]:
    """Run `git ARGS` (output captured unless `capture` is False); UsageError when git cannot be
    started. A failing git is not an error here: the caller reads `returncode`."""
    import subprocess

    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=capture, check=False
        )
    except OSError as error:
        raise UsageError(f"Could not run git ({error.strerror}): is git installed?") from None


def git_output(args: list[str], cwd: PathLike | None = None) -> str | None:
    """The stripped stdout of a git command, or None when it fails or git cannot be run."""
    try:
        done = run_git(args, cwd=cwd)
    except UsageError:
        return None
    return os.fsdecode(done.stdout).strip() if done.returncode == 0 else None


def failure_detail(done: subprocess.CompletedProcess[bytes]) -> str:
    """What a failed git said on stderr (or its exit code): the detail for an error message."""
    return os.fsdecode(done.stderr or b"").strip() or f"exit {done.returncode}"
