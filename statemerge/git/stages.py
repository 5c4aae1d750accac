"""Reading a conflicted file's three versions from git's index: stage 1 (base), 2 (ours) and
3 (theirs), as a merge, rebase or cherry-pick leaves them."""

from __future__ import annotations

import os

from statemerge.errors import InputError, UsageError
from statemerge.git.runner import failure_detail, run_git

STAGE_SIDES = {"1": "base", "2": "ours", "3": "theirs"}


def read_stages(path: str, cwd: str | os.PathLike[str] | None = None
                ) -> tuple[bytes, bytes, bytes]:
    """The base, ours and theirs bytes of `path` (relative to `cwd`); base is empty when both
    sides added the file. UsageError when the index holds no stages for it."""
    done = run_git(["ls-files", "-u", "-z", "--", path], cwd=cwd)
    if done.returncode != 0:
        if b"not a git repository" in done.stderr:
            raise UsageError(f"{path}: not inside a git repository; outside git, give --base, "
                             "--ours and --theirs.")
        raise UsageError(f"{path}: git ls-files failed ({failure_detail(done)}).")
    blobs: dict[str, str] = {}
    for entry in done.stdout.split(b"\0"):
        if not entry:
            continue
        fields, _, _name = entry.partition(b"\t")
        _mode, blob, stage = fields.decode().split()
        blobs[STAGE_SIDES.get(stage, stage)] = blob
    if not blobs:
        raise UsageError(f"{path}: no conflict stages in git's index (is it conflicted? "
                         "`git status` lists the files that are).")
    for side in ("ours", "theirs"):
        if side not in blobs:
            raise InputError(f"{path}: {side} deleted the file; keep it with `git add {path}` "
                             f"or delete it with `git rm {path}`.")
    return (_blob(blobs["base"], cwd) if "base" in blobs else b"", _blob(blobs["ours"], cwd),
            _blob(blobs["theirs"], cwd))


def _blob(blob: str, cwd: str | os.PathLike[str] | None) -> bytes:
    done = run_git(["cat-file", "blob", blob], cwd=cwd)
    if done.returncode != 0:
        raise InputError(f"git cat-file {blob} failed ({failure_detail(done)}).")
    return done.stdout


def stage_file(path: str, cwd: str | os.PathLike[str] | None = None) -> None:
    """`git add PATH`: the conflict is resolved."""
    done = run_git(["add", "--", path], cwd=cwd)
    if done.returncode != 0:
        raise InputError(f"{path}: git add failed ({failure_detail(done)}).")
