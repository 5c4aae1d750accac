"""Temporary git repositories for tests: real git and real statemerge processes, with a HOME of
their own, so that nothing reads or writes the user's git config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from statemerge.git.install import DEFAULT_PATTERNS, install, local_scope

STATEMERGE = [sys.executable, "-m", "statemerge"]


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for git and statemerge: no user or system config, a fixed identity."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GIT_") and key != "STATEMERGE"
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@t",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@t",
        GIT_EDITOR="true",
        LC_ALL="C",
    )
    env.update(extra)
    return env


class GitRepo:
    """A repository in a temporary folder, driven through real `git` and `statemerge` processes."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.home = home
        self.env = isolated_env(home)

    @classmethod
    def create(cls, tmp_path: Path, name: str = "repo") -> GitRepo:
        """`git init` a repository on branch `main` with its own HOME next to it."""
        home = tmp_path / "home"
        home.mkdir(exist_ok=True)
        repo = cls(tmp_path / name, home)
        repo.root.mkdir()
        repo.git("init", "-q", "-b", "main")
        return repo

    def git(self, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        """Run git in the repository; `check` raises with git's output on a non-zero exit."""
        done = subprocess.run(
            ["git", *args],
            cwd=self.root,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def statemerge(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run `python -m statemerge ARGS` in the repository."""
        return subprocess.run(
            [*STATEMERGE, *args],
            cwd=self.root,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            check=False,
        )

    def install_driver(self, *patterns: str) -> None:
        """What `statemerge git install [PATTERN...]` does, in this process (tests of the command
        itself run it as a process)."""
        scope = local_scope(self.root)
        install(scope, list(patterns or DEFAULT_PATTERNS))

    def write(self, path: str, content: str | bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode()
        target.write_bytes(content)

    def write_json(self, path: str, value: Any) -> None:
        self.write(path, json.dumps(value, indent=2) + "\n")

    def read(self, path: str) -> str:
        return (self.root / path).read_text()

    def read_json(self, path: str) -> Any:
        return json.loads(self.read(path))

    def commit(self, message: str) -> None:
        """Stage everything and commit."""
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def conflicted(self) -> list[str]:
        """The paths git marks as unmerged."""
        return self.git("diff", "--name-only", "--diff-filter=U").stdout.split()

    def branches(self, base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]) -> None:
        """Commit `base` (path -> content) on main, `theirs` on branch `feature`, `ours` on main."""
        self._commit_files(base, "base")
        self.git("checkout", "-q", "-b", "feature")
        self._commit_files(theirs, "theirs")
        self.git("checkout", "-q", "main")
        self._commit_files(ours, "ours")

    def _commit_files(self, files: dict[str, Any], message: str) -> None:
        if not files:
            return
        for path, content in files.items():
            if content is None:
                (self.root / path).unlink()
            elif isinstance(content, str | bytes):
                self.write(path, content)
            else:
                self.write_json(path, content)
        self.commit(message)
