"""The driver under real `git merge` for TOML and JSON with comments: both branches add a
dependency to Cargo.toml and a path to tsconfig.json; git alone conflicts, statemerge merges."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import GitRepo

CARGO = '[package]\nname = "x"\nversion = "0.1.0"\n\n[dependencies]\n# runtime\nserde = "1"\n'
TSCONFIG = '{\n  "compilerOptions": {\n    "strict": true, // always\n  },\n}\n'


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.create(tmp_path)
    repo.install_driver()
    return repo


def test_both_branches_add_a_dependency_and_a_compiler_option(repo: GitRepo) -> None:
    repo.branches(
        {"Cargo.toml": CARGO, "tsconfig.json": TSCONFIG},
        {"Cargo.toml": CARGO + 'rand = "0.8"\n',
         "tsconfig.json": TSCONFIG.replace("// always\n", '// always\n    "noEmit": true,\n')},
        {"Cargo.toml": CARGO + 'anyhow = "1"\n',
         "tsconfig.json": TSCONFIG.replace("// always\n", '// always\n    "jsx": "react", // web\n')},
    )

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 0, done.stdout + done.stderr
    assert repo.read("Cargo.toml") == CARGO + 'rand = "0.8"\nanyhow = "1"\n'
    assert repo.read("tsconfig.json") == (
        '{\n  "compilerOptions": {\n    "strict": true, // always\n    "noEmit": true,\n'
        '    "jsx": "react", // web\n  },\n}\n')
