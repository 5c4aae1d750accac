"""Fixtures shared by the tests that drive real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import GitRepo


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """A new git repository with statemerge installed as its merge driver (a module may
    define its own `repo` instead)."""
    repo = GitRepo.create(tmp_path)
    repo.install_driver()
    return repo
