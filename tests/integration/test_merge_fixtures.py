"""Scenario tests from fixtures/merge/: each folder holds base, ours, theirs, the expected output
and the expected conflict paths. And: merging any fixture with two unchanged copies of itself
gives back the same bytes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from statemerge.mergefile import MergeOptions, merge_texts

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures"
SCENARIOS = sorted(path for path in (FIXTURES / "merge").iterdir() if path.is_dir())
STATE_FILES = sorted(
    path for path in FIXTURES.rglob("*")
    if path.is_file() and path.suffix in (".json", ".yaml", ".yml", ".jsonc", ".json5", ".toml")
    and path.name != "expected-conflicts.json" and not path.name.startswith(".")
    and b"<<<<<<<" not in path.read_bytes() and "bad" not in path.parts  # invalid on purpose
)



def _side(folder: Path, name: str) -> Path:
    (path,) = [p for p in folder.iterdir() if p.stem == name]
    return path


@pytest.mark.parametrize("folder", SCENARIOS, ids=[path.name for path in SCENARIOS])
def test_scenario(folder: Path) -> None:
    base, ours, theirs = (_side(folder, name) for name in ("base", "ours", "theirs"))
    outcome = merge_texts(base.read_bytes(), ours.read_bytes(), theirs.read_bytes(),
                          names=(str(base), str(ours), str(theirs)),
                          options=MergeOptions(path_hint=str(ours)))
    expected = _side(folder, "expected").read_bytes()
    assert outcome.output == expected
    expected_conflicts = json.loads((folder / "expected-conflicts.json").read_text())
    assert [conflict.path for conflict in outcome.conflicts] == expected_conflicts
    assert outcome.exit_code == (1 if expected_conflicts else 0)


@pytest.mark.parametrize("folder", SCENARIOS, ids=[path.name for path in SCENARIOS])
def test_where_git_merge_file_merges_cleanly_the_expected_file_is_its_output(folder: Path) -> None:
    """Never worse than git: every fixture git merges cleanly here, it merges correctly, so a
    careful human would commit git's bytes (a fixture where git is clean but wrong would be
    listed here with the reason)."""
    base, ours, theirs = (_side(folder, name) for name in ("base", "ours", "theirs"))
    git = subprocess.run(["git", "merge-file", "-p", str(ours), str(base), str(theirs)],
                         capture_output=True, check=False)
    if git.returncode == 0:
        assert _side(folder, "expected").read_bytes() == git.stdout


@pytest.mark.parametrize("path", STATE_FILES, ids=[str(p.relative_to(FIXTURES)) for p in STATE_FILES])
def test_merging_a_file_with_two_unchanged_copies_gives_the_same_bytes(path: Path) -> None:
    data = path.read_bytes()
    outcome = merge_texts(data, data, data, names=(str(path),) * 3,
                          options=MergeOptions(path_hint=str(path)))
    assert outcome.output == data


def test_registry_keeps_every_concurrent_append_and_bump() -> None:
    folder = FIXTURES / "merge" / "registry-apps"
    merged = json.loads(_side(folder, "expected").read_text())
    ids = [app["id"] for app in merged["apps"]]
    assert ids[-5:] == ["app-3001", "app-3002", "app-3003", "app-3101", "app-3102"]
    assert len(ids) == len(set(ids)) == 3005
    by_id = {app["id"]: app for app in merged["apps"]}
    assert by_id["app-0100"]["version"] == "9.0.0"
    assert by_id["app-2000"]["version"] == "4.4.4"
    assert by_id["app-0500"]["tags"] == ["cloud", "relay", "featured"]


def test_only_changed_lines_differ_from_ours_in_a_4_space_catalog() -> None:
    folder = FIXTURES / "merge" / "schema-catalog"
    ours = _side(folder, "ours").read_text().splitlines()
    merged = _side(folder, "expected").read_text().splitlines()
    assert len(merged) == len(ours) + 8  # one inserted record of 8 lines
    known = set(ours)
    new_lines = [line.strip() for line in merged if line not in known]
    assert new_lines == [
        '"url": "https://v2.schemas.example.org/alpha-cipher-1433.json"',
        '"name": "zebra-config",', '"description": "Zebra",', '"zebra.json"',
        '"url": "https://schemas.example.org/zebra.json"',
    ]
