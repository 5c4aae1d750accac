"""Where a repository keeps its remembered answers (statemerge/resolutions.py): per clone under
the git common dir, shared under the working tree."""

from __future__ import annotations

import os
from pathlib import Path

from statemerge.git.runner import git_output
from statemerge.resolutions import CLONE_STORE, SHARED_STORE, Stores
from statemerge.rulesfile import repository_root


def repository_stores(cwd: str | os.PathLike[str] | None = None) -> Stores | None:
    """The stores of the git repository around `cwd`, or None outside one (known without
    starting git when no `.git` is at or above `cwd` and GIT_DIR is not set)."""
    if "GIT_DIR" not in os.environ and repository_root(cwd or os.curdir) is None:
        return None
    found = git_output(["rev-parse", "--path-format=absolute", "--git-common-dir",
                        "--show-toplevel"], cwd)
    if not found or len(found.splitlines()) != 2:
        return None
    common, top = found.splitlines()
    return Stores(Path(common) / CLONE_STORE, Path(top) / SHARED_STORE)


def stores_for(resolutions: str | None, cwd: str | os.PathLike[str] | None = None
               ) -> Stores | None:
    """An explicit `--resolutions FILE`, else the repository's stores (None outside one)."""
    if resolutions is not None:
        return Stores(clone=Path(resolutions))
    return repository_stores(cwd)
