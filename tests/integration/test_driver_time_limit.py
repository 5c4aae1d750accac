"""The git driver's time limit: past it, `git merge-file` merges the file and the structural
merge is killed with everything it started."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from gitrepo import GitRepo

from statemerge.errors import UsageError
from statemerge.git.driver import DEFAULT_TIMEOUT, Merged, parse_driver_args, time_limit
from statemerge.git.timelimit import run_with_time_limit


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.create(tmp_path)
    repo.install_driver()
    # Two appends to one list: clean for statemerge, a conflict for a line merge.
    repo.branches({"s.json": {"tasks": ["a"]}}, {"s.json": {"tasks": ["a", "b"]}},
                  {"s.json": {"tasks": ["a", "c"]}})
    return repo


def test_without_a_limit_problem_the_driver_merges_structurally(repo: GitRepo) -> None:
    done = repo.git("merge", "feature", check=False)

    assert done.returncode == 0, done.stderr
    assert repo.read_json("s.json") == {"tasks": ["a", "b", "c"]}


def test_past_the_limit_git_merge_file_merges_the_file(repo: GitRepo) -> None:
    done = repo.git("merge", "feature", check=False, STATEMERGE_DRIVER_TIMEOUT="0.001")

    assert done.returncode == 1  # git merge-file's conflict, as without statemerge
    assert ("statemerge: s.json: the structural merge took longer than 0.001 s (the limit is set "
            "by $STATEMERGE_DRIVER_TIMEOUT or the driver's --timeout). Merging s.json line by "
            "line instead.") in done.stderr
    assert "<<<<<<<" in repo.read("s.json")
    assert repo.conflicted() == ["s.json"]


def test_the_limit_can_be_set_on_the_driver_line(repo: GitRepo) -> None:
    line = repo.git("config", "merge.statemerge.driver").stdout.strip()
    repo.git("config", "merge.statemerge.driver",
             line.replace("merge-driver ", "merge-driver --timeout=0.001 "))

    done = repo.git("merge", "feature", check=False)

    assert "took longer than 0.001 s" in done.stderr
    assert "<<<<<<<" in repo.read("s.json")


def test_the_environment_wins_over_the_driver_line(repo: GitRepo) -> None:
    line = repo.git("config", "merge.statemerge.driver").stdout.strip()
    repo.git("config", "merge.statemerge.driver",
             line.replace("merge-driver ", "merge-driver --timeout=0.001 "))

    done = repo.git("merge", "feature", check=False, STATEMERGE_DRIVER_TIMEOUT="120")

    assert done.returncode == 0, done.stderr
    assert repo.read_json("s.json") == {"tasks": ["a", "b", "c"]}


def test_a_bad_limit_in_the_environment_still_gives_git_a_merge(repo: GitRepo) -> None:
    done = repo.git("merge", "feature", check=False, STATEMERGE_DRIVER_TIMEOUT="soon")

    assert ("statemerge: $STATEMERGE_DRIVER_TIMEOUT must be a number of seconds (0: no limit), "
            "not 'soon'. Merging s.json line by line instead.") in done.stderr
    assert "<<<<<<<" in repo.read("s.json")


def test_limits_are_read_from_the_line_and_the_environment() -> None:
    args = parse_driver_args(["--timeout=2.5", "O", "A", "B", "7", "s.json"])

    assert args.timeout == 2.5 and args.base == "O"
    assert time_limit(args.timeout, {}) == 2.5
    assert time_limit(None, {}) == DEFAULT_TIMEOUT
    assert time_limit(2.5, {"STATEMERGE_DRIVER_TIMEOUT": "0"}) == 0  # 0: no limit
    with pytest.raises(UsageError):
        time_limit(None, {"STATEMERGE_DRIVER_TIMEOUT": "soon"})
    with pytest.raises(UsageError):
        parse_driver_args(["--timeout=-1", "O", "A", "B", "7", "s.json"])


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie waiting for its parent to reap it does not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_past_the_limit_the_child_and_what_it_started_are_killed(tmp_path: Path) -> None:
    if not os.path.isdir("/proc/self"):
        pytest.skip("needs /proc")
    pid_file = tmp_path / "pid"

    def slow_merge() -> Merged | str:
        sleeper = subprocess.Popen(["sleep", "60"])
        pid_file.write_text(str(sleeper.pid))
        time.sleep(60)
        return Merged(b"never", 0)

    started = time.perf_counter()
    result = run_with_time_limit(slow_merge, 0.5, "s.json")

    assert isinstance(result, str) and "took longer than 0.5 s" in result
    assert time.perf_counter() - started < 10
    for _ in range(100):  # the kernel delivers SIGKILL at once; reaping may take a moment
        if pid_file.exists() and not alive(int(pid_file.read_text())):
            break
        time.sleep(0.05)
    assert pid_file.exists() and not alive(int(pid_file.read_text()))


def test_a_child_that_dies_is_reported_not_hung(tmp_path: Path) -> None:
    def crash() -> Merged | str:
        os._exit(9)

    result = run_with_time_limit(crash, 30, "s.json")

    assert result == ("s.json: internal error (the structural merge exited with 9); please "
                      "report it.")


def test_a_result_comes_back_whole() -> None:
    big = b"x" * 5_000_000

    result = run_with_time_limit(lambda: Merged(big, 1, ("one", "two")), 30, "s.json")

    assert result == Merged(big, 1, ("one", "two"))
