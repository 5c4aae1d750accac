"""`statemerge git doctor` on real repositories and clones, run as a process."""

from __future__ import annotations

from pathlib import Path

from gitrepo import GitRepo

ROUTED = "*.json *.yaml *.yml *.jsonc *.json5 *.toml"


def installed(tmp_path: Path) -> GitRepo:
    """A repository with the driver installed and .gitattributes committed."""
    repo = GitRepo.create(tmp_path, "origin")
    repo.install_driver()
    repo.write_json("state.json", {"n": 1})
    repo.commit("state")
    return repo


def test_a_clone_without_the_driver_config_is_found_and_fixed(tmp_path: Path) -> None:
    origin = installed(tmp_path)
    origin.git("clone", "-q", str(origin.root), str(tmp_path / "clone"))
    clone = GitRepo(tmp_path / "clone", origin.home)

    found = clone.statemerge("git", "doctor")
    fixed = clone.statemerge("git", "doctor", "--fix")
    again = clone.statemerge("git", "doctor")

    assert found.returncode == 1
    assert found.stdout.splitlines() == [
        f"problem: The attributes route {ROUTED} to merge=statemerge, but this clone's git "
        "config has no statemerge driver: git merges them as text. Fix: statemerge git install"]
    assert fixed.returncode == 0
    assert fixed.stdout.splitlines()[-1] == ("All good: git merges state files with statemerge "
                                             "here.")
    assert again.returncode == 0
    assert "-m statemerge git merge-driver" in clone.git("config", "merge.statemerge.driver").stdout
    assert "resolve -i" in clone.git("config", "mergetool.statemerge.cmd").stdout


def test_a_driver_whose_python_is_gone_is_found(tmp_path: Path) -> None:
    repo = installed(tmp_path)
    repo.git("config", "merge.statemerge.driver",
             "/gone/python -m statemerge git merge-driver %O %A %B %L %P")

    found = repo.statemerge("git", "doctor")
    fixed = repo.statemerge("git", "doctor", "--fix")

    assert found.returncode == 1
    assert ("problem: The statemerge driver runs /gone/python, which does not exist: git falls "
            "back to a text merge. Fix: statemerge git install") in found.stdout
    assert fixed.returncode == 0
    assert "/gone/python" not in repo.git("config", "merge.statemerge.driver").stdout


def test_state_files_no_attribute_routes_are_found(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path)
    repo.install_driver("*.json")
    repo.write("deploy/values.yaml", "replicas: 1\n")
    repo.commit("values")

    found = repo.statemerge("git", "doctor")
    fixed = repo.statemerge("git", "doctor", "--fix")

    assert found.returncode == 1
    assert ("problem: 1 state file(s) are not routed to statemerge: deploy/values.yaml. "
            "Fix: statemerge git install '*.yaml'") in found.stdout
    assert fixed.returncode == 0
    assert "*.yaml merge=statemerge" in repo.read(".gitattributes")


def test_rules_that_take_a_side_wholesale_are_listed(tmp_path: Path) -> None:
    repo = installed(tmp_path)
    repo.write(".statemerge.yaml", "rules:\n  - path: /**\n    strategy: theirs\n"
               "  - path: /counters/*\n    strategy: sum\n")
    repo.commit("rules")

    done = repo.statemerge("git", "doctor")

    assert done.returncode == 0  # a warning: the rule may be meant, but nobody sees it work
    assert done.stdout.splitlines()[0] == (
        "warning: .statemerge.yaml: rule /**: theirs (all files) takes theirs for every "
        "conflict: they are resolved without a word.")


def test_a_driver_running_an_older_statemerge_is_found(tmp_path: Path) -> None:
    repo = installed(tmp_path)
    old = tmp_path / "old-python"
    old.write_text("#!/bin/sh\necho 0.0.1\n")  # what an old install's Python reports
    old.chmod(0o755)
    repo.git("config", "merge.statemerge.driver",
             f"{old} -m statemerge git merge-driver %O %A %B %L %P")

    found = repo.statemerge("git", "doctor")

    assert found.returncode == 1
    assert f"problem: The statemerge driver runs statemerge 0.0.1 ({old}); this is " in found.stdout
    assert found.stdout.rstrip().endswith("Fix: statemerge git install")
