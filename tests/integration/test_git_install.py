"""`statemerge git install/uninstall/status` against real git config files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from gitrepo import GitRepo

DRIVER_KEY = "merge.statemerge.driver"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo.create(tmp_path)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (but git's object store) and its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "objects" not in path.parts and path.name != "index"
    }


def test_install_sets_the_driver_and_routes_state_files_to_it(repo: GitRepo) -> None:
    done = repo.statemerge("git", "install")

    assert done.returncode == 0, done.stderr
    assert repo.git("config", "merge.statemerge.name").stdout.strip()
    driver = repo.git("config", DRIVER_KEY).stdout.strip()
    assert driver == f"{sys.executable} -m statemerge git merge-driver %O %A %B %L %P %S %X %Y"
    assert repo.read(".gitattributes") == (
        "*.json merge=statemerge\n*.yaml merge=statemerge\n*.yml merge=statemerge\n"
        "*.jsonc merge=statemerge\n*.json5 merge=statemerge\n*.toml merge=statemerge\n"
    )
    attributes = repo.git("check-attr", "merge", "--", "a.json", "b/c.yml", "d.txt").stdout
    assert attributes.splitlines() == [
        "a.json: merge: statemerge",
        "b/c.yml: merge: statemerge",
        "d.txt: merge: unspecified",
    ]


def test_install_twice_changes_nothing(repo: GitRepo) -> None:
    repo.install_driver()
    before = snapshot(repo.root)

    done = repo.statemerge("git", "install")

    assert done.returncode == 0
    assert "nothing changed" in done.stdout
    assert snapshot(repo.root) == before


def test_install_adds_only_the_patterns_given(repo: GitRepo) -> None:
    repo.install_driver()

    repo.install_driver("*.jsonl", "*.json")

    lines = repo.read(".gitattributes").splitlines()
    patterns = ("*.json", "*.yaml", "*.yml", "*.jsonc", "*.json5", "*.toml", "*.jsonl")
    assert lines == [f"{p} merge=statemerge" for p in patterns]


def test_install_then_uninstall_leaves_config_and_attributes_as_they_were(repo: GitRepo) -> None:
    repo.write(".gitattributes", "*.png binary\n*.json merge=statemerge\n")
    repo.git("config", "merge.conflictStyle", "diff3")
    before = snapshot(repo.root)

    repo.install_driver("*.json", "*.yaml")
    assert snapshot(repo.root) != before
    done = repo.statemerge("git", "uninstall")

    assert done.returncode == 0, done.stderr
    assert snapshot(repo.root) == before  # the *.json line was there before: it stays


def test_uninstall_deletes_the_attributes_file_install_created(repo: GitRepo) -> None:
    repo.install_driver()

    repo.statemerge("git", "uninstall")

    assert not (repo.root / ".gitattributes").exists()
    assert repo.git("config", DRIVER_KEY, check=False).returncode == 1


def test_uninstall_keeps_lines_added_after_install(repo: GitRepo) -> None:
    repo.install_driver("*.json")
    repo.write(".gitattributes", repo.read(".gitattributes") + "*.png binary\n")

    repo.statemerge("git", "uninstall")

    assert repo.read(".gitattributes") == "*.png binary\n"


def test_uninstall_when_not_installed_says_so(repo: GitRepo) -> None:
    done = repo.statemerge("git", "uninstall")

    assert done.returncode == 0
    assert "nothing to remove" in done.stdout


def test_install_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    outside = GitRepo(tmp_path, tmp_path)

    done = outside.statemerge("git", "install")

    assert done.returncode == 2
    assert done.stderr.startswith("statemerge: Not inside a git working tree")


def test_global_install_and_uninstall_leave_home_as_it_was(repo: GitRepo) -> None:
    (repo.home / ".gitconfig").write_text("[user]\n\tname = someone\n")
    before = snapshot(repo.home)

    done = repo.statemerge("git", "install", "--global")

    assert done.returncode == 0, done.stderr
    assert "statemerge git merge-driver" in repo.git("config", "--global", DRIVER_KEY).stdout
    attributes = repo.home / ".config" / "git" / "attributes"
    assert attributes.read_text().splitlines()[0] == "*.json merge=statemerge"
    assert repo.git("check-attr", "merge", "--", "x.json").stdout == "x.json: merge: statemerge\n"
    assert repo.git("config", "--local", DRIVER_KEY, check=False).returncode == 1
    repo.statemerge("git", "uninstall", "--global")
    assert snapshot(repo.home) == before


def test_global_install_without_a_gitconfig_removes_the_one_it_created(repo: GitRepo) -> None:
    repo.statemerge("git", "install", "--global")
    assert (repo.home / ".gitconfig").exists()

    repo.statemerge("git", "uninstall", "--global")

    assert snapshot(repo.home) == {}


def test_global_install_uses_the_configured_attributes_file(repo: GitRepo) -> None:
    repo.git("config", "--global", "core.attributesFile", "~/my-attributes")

    repo.statemerge("git", "install", "--global", "*.yaml")

    assert (repo.home / "my-attributes").read_text() == "*.yaml merge=statemerge\n"


def test_status_shows_the_driver_and_the_files_routed_to_it(repo: GitRepo) -> None:
    repo.install_driver("*.json")

    done = repo.statemerge("git", "status", "state.json", "notes.txt")

    assert done.returncode == 0, done.stderr
    assert f"local: {repo.root / '.git' / 'config'}" in done.stdout
    assert "-m statemerge git merge-driver" in done.stdout
    assert "state.json: merge=statemerge" in done.stdout
    assert "notes.txt: merge=unspecified" in done.stdout


def test_status_exits_1_when_nothing_is_installed(repo: GitRepo) -> None:
    done = repo.statemerge("git", "status")

    assert done.returncode == 1
    assert "driver: not configured" in done.stdout


def test_status_flags_a_driver_whose_program_is_gone(repo: GitRepo) -> None:
    repo.install_driver()
    repo.git("config", DRIVER_KEY, "/nowhere/python -m statemerge git merge-driver %O %A %B")

    done = repo.statemerge("git", "status")

    assert done.returncode == 1
    assert "its program is missing" in done.stdout


def test_uninstall_leaves_a_committed_gitattributes_alone(repo: GitRepo) -> None:
    done = repo.statemerge("git", "install")
    assert done.returncode == 0, done.stderr
    repo.commit("Merge state files with statemerge")
    committed = repo.read(".gitattributes")

    done = repo.statemerge("git", "uninstall")

    assert done.returncode == 0, done.stderr
    assert repo.read(".gitattributes") == committed
    assert repo.git("status", "--porcelain").stdout == ""
    assert repo.git("config", DRIVER_KEY, check=False).returncode == 1
    assert "kept" in done.stdout and "--attributes" in done.stdout


def test_uninstall_attributes_removes_the_driver_from_a_clone_s_gitattributes(
    repo: GitRepo, tmp_path: Path
) -> None:
    repo.write(".gitattributes", "*.png binary\n*.json merge=statemerge diff=json\n")
    repo.install_driver("*.json", "*.yaml")
    repo.commit("Merge state files with statemerge")
    repo.git("clone", "-q", str(repo.root), str(tmp_path / "clone"))
    clone = GitRepo(tmp_path / "clone", repo.home)
    assert clone.statemerge("git", "install", "*.json", "*.yaml").returncode == 0

    done = clone.statemerge("git", "uninstall", "--attributes")

    assert done.returncode == 0, done.stderr
    assert clone.read(".gitattributes") == "*.png binary\n*.json diff=json\n"
    assert "removed from" in done.stdout
    assert clone.git("config", DRIVER_KEY, check=False).returncode == 1


def test_global_uninstall_removes_the_folders_install_created(repo: GitRepo) -> None:
    assert not (repo.home / ".config").exists()
    repo.statemerge("git", "install", "--global")
    assert (repo.home / ".config" / "git" / "attributes").is_file()

    repo.statemerge("git", "uninstall", "--global")

    assert sorted(repo.home.iterdir()) == []


def test_global_uninstall_keeps_folders_that_were_there(repo: GitRepo) -> None:
    (repo.home / ".config").mkdir()
    repo.statemerge("git", "install", "--global")

    repo.statemerge("git", "uninstall", "--global")

    assert [path.name for path in repo.home.iterdir()] == [".config"]
    assert list((repo.home / ".config").iterdir()) == []
