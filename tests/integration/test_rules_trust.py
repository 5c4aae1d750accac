"""Which rules file applies (trust), and that a rules file that resolves conflicts says so."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from gitrepo import STATEMERGE, GitRepo, isolated_env

from statemerge.rulesfile import find_rules_file, repository_root

THEIRS_WINS = "rules:\n  - path: /**\n    strategy: theirs\n"


def write_sides(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for side, value in (("base", 1), ("ours", 2), ("theirs", 3)):
        path = folder / f"{side}.json"
        path.write_text(json.dumps({"a": value}) + "\n")
        paths.append(path)
    return paths


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    if repository_root(tmp_path) is not None:
        pytest.skip("the temporary folder is inside a git repository here")
    return tmp_path


def merge(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*STATEMERGE, "merge", *map(str, args)], cwd=cwd, text=True,
                          capture_output=True, env=isolated_env(cwd, NO_COLOR="1"), check=False)


def test_outside_a_repository_a_rules_file_above_is_not_used(outside: Path) -> None:
    (outside / ".statemerge.yaml").write_text(THEIRS_WINS)  # like /tmp/.statemerge.yaml
    sides = write_sides(outside / "project")

    done = merge(*sides, "-q", cwd=outside)

    assert find_rules_file(sides[1]) is None
    assert done.returncode == 1  # the conflict stays
    assert "resolved by the rules" not in done.stderr


def test_outside_a_repository_the_merged_files_own_folder_is_searched(outside: Path) -> None:
    sides = write_sides(outside / "project")
    rules = outside / "project" / ".statemerge.yaml"
    rules.write_text(THEIRS_WINS)

    done = merge(*sides, cwd=outside)

    assert done.returncode == 0
    assert json.loads(done.stdout) == {"a": 3}
    assert done.stderr.splitlines()[0] == (
        f"statemerge: {sides[1]}: 1 conflict(s) resolved by the rules in {rules}.")


def test_the_rules_line_is_printed_with_quiet_too(outside: Path) -> None:
    sides = write_sides(outside / "p")
    (outside / "p" / ".statemerge.yaml").write_text(THEIRS_WINS)

    done = merge(*sides, "-q", cwd=outside)

    assert done.stderr.count("\n") == 1 and "1 conflict(s) resolved by the rules" in done.stderr


def test_explicit_rules_are_used_wherever_they_are(outside: Path) -> None:
    rules = outside / "elsewhere.yaml"
    rules.write_text(THEIRS_WINS)

    done = merge(*write_sides(outside / "p"), "--rules", rules, "-q", cwd=outside)

    assert done.returncode == 0


def test_inside_a_repository_rules_are_searched_up_to_its_root(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path)
    (tmp_path / ".statemerge.yaml").write_text(THEIRS_WINS)  # above the repository: not used
    sides = write_sides(repo.root / "deep" / "state")

    assert find_rules_file(sides[1]) is None
    (repo.root / ".statemerge.yaml").write_text(THEIRS_WINS)
    assert find_rules_file(sides[1]) == str(repo.root / ".statemerge.yaml")
    nearer = repo.root / "deep" / ".statemerge.yaml"
    nearer.write_text(THEIRS_WINS)
    assert find_rules_file(sides[1]) == str(nearer)


def test_the_driver_says_which_rules_file_resolved_conflicts(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path)
    repo.install_driver()
    repo.write(".statemerge.yaml", "rules:\n  - path: /counters/*\n    strategy: sum\n")
    repo.branches(
        {"state/c.json": {"counters": {"runs": 1, "errors": 0}}},
        {"state/c.json": {"counters": {"runs": 3, "errors": 1}}},
        {"state/c.json": {"counters": {"runs": 5, "errors": 2}}},
    )

    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 0, done.stderr
    assert repo.read_json("state/c.json") == {"counters": {"runs": 7, "errors": 3}}
    assert ("statemerge: state/c.json: 2 conflict(s) resolved by the rules in "
            f"{repo.root / '.statemerge.yaml'}.") in done.stderr


def test_rules_that_resolve_nothing_say_nothing(outside: Path) -> None:
    sides = write_sides(outside / "p")
    (outside / "p" / ".statemerge.yaml").write_text("rules:\n  - path: /zzz\n    strategy: ours\n")

    done = merge(*sides, "-q", cwd=outside)

    assert done.returncode == 1 and done.stderr == ""

