"""The ready-made rules files in docs/rules/ are valid and do what they say on a real merge."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from statemerge.mergefile import MergeOptions, merge_texts
from statemerge.rulesfile import load_rules

RULES = Path(__file__).resolve().parents[2] / "docs" / "rules"


@pytest.mark.parametrize("name", ["helm-chart.yaml", "npm-package.yaml", "python-project.yaml"])
def test_rules_file_is_valid(name: str) -> None:
    assert load_rules(RULES / name, merged_path=None) is not None


@pytest.mark.parametrize(("rules", "path", "base", "ours", "theirs", "merged"), [
    ("helm-chart.yaml", "charts/web/Chart.yaml", "version: 1.9.3\n", "version: 1.10.0\n",
     "version: 1.9.4\n", "version: 1.10.0\n"),
    ("npm-package.yaml", "package.json", '{"version": "2.0.0-rc.1"}\n', '{"version": "2.0.0"}\n',
     '{"version": "2.0.0-rc.2"}\n', '{"version": "2.0.0"}\n'),
    ("python-project.yaml", "pyproject.toml", '[project]\nversion = "1.2.9"\n',
     '[project]\nversion = "1.2.10"\n', '[project]\nversion = "1.3rc1"\n',
     '[project]\nversion = "1.3rc1"\n'),
])
def test_two_version_bumps_merge_to_the_higher(tmp_path: Path, rules: str, path: str, base: str,
                                               ours: str, theirs: str, merged: str) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # rules found up to its root
    shutil.copy(RULES / rules, tmp_path / ".statemerge.yaml")
    target = tmp_path / path
    target.parent.mkdir(parents=True, exist_ok=True)
    outcome = merge_texts(base.encode(), ours.encode(), theirs.encode(), names=("b", "o", "t"),
                          options=MergeOptions(path_hint=str(target)))
    assert outcome.clean and outcome.output.decode() == merged
