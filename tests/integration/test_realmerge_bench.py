"""bench/realmerge.py on a small real repository: it mines the YAML, TOML and JSONC files both
parents of a merge changed, replays them through statemerge and git merge-file, and compares with
the commit."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from gitrepo import GitRepo

from bench import realmerge

CONFIG = "".join(f"key{n}: value {n}\n" for n in range(12))
TEMPLATE = "metadata:\n  name: {{ .Release.Name }}\n  labels: {}\n"


def merged_repository(tmp_path: Path) -> GitRepo:
    """main and feature both change config.yaml (lines 2 and 10), a Helm template (not YAML) and
    same.yaml (the same change); git merges them with its own line merge."""
    repo = GitRepo.create(tmp_path)
    repo.branches(
        {"config.yaml": CONFIG, "templates/app.yaml": TEMPLATE, "same.yaml": "a: 1\n"},
        {"config.yaml": CONFIG.replace("value 1\n", "value one\n"),
         "templates/app.yaml": TEMPLATE + "  ours: 1\n", "same.yaml": "a: 2\n"},
        {"config.yaml": CONFIG.replace("value 9\n", "value nine\n"),
         "templates/app.yaml": "spec: {{ .Values.x }}\n" + TEMPLATE, "same.yaml": "a: 2\n"},
    )
    repo.git("merge", "-q", "--no-edit", "feature")
    return repo


def run_benchmark(repo: GitRepo, cache: Path, *options: str) -> Any:
    """Mine `repo` into `cache`, replay with this venv's statemerge; the summary written."""
    realmerge.main([str(repo.root), "--cache", str(cache), "--jobs", "1", *options])
    return json.loads((cache / "summary.json").read_text())


def test_a_merge_git_got_right_is_replayed_and_compared_with_the_commit(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = merged_repository(tmp_path)
    cache = tmp_path / "cache"
    summary = run_benchmark(repo, cache)
    (scenario,) = summary["scenarios"]
    assert scenario["path"] == "config.yaml"
    assert scenario["git"]["outcome"] == "bytes"
    assert scenario["statemerge"]["outcome"] in realmerge.OUTCOMES
    folder = Path(scenario["dir"])
    assert folder.parent == cache / "repo"
    assert {p.name for p in folder.iterdir()} >= {
        "base.yaml", "ours.yaml", "theirs.yaml", "committed.yaml", "git.yaml", "info.json"}
    assert (folder / "committed.yaml").read_text() == repo.read("config.yaml")
    assert summary["skipped"]["repo"] == {"not valid YAML (templates, ...)": 1,
                                          "same change on both sides": 1}
    out = capsys.readouterr().out
    assert "WORSE THAN GIT" in out
    assert (scenario["dir"] in out) == (scenario["statemerge"]["outcome"] != "bytes")


def test_without_repositories_the_benchmark_skips_with_a_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("STATEMERGE_BENCH_REPOS", raising=False)
    realmerge.main(["--mirrors", str(tmp_path / "none"), "--cache", str(tmp_path / "cache")])
    assert "no git repositories to mine" in capsys.readouterr().out
    assert not (tmp_path / "cache").exists()


def test_data_equality_is_strict_about_types_and_reads_yaml_both_ways() -> None:
    assert not realmerge.same({"a": True}, {"a": 1})
    assert not realmerge.same([1], [1.0])
    assert realmerge.same({"a": [1, "x"], "b": None}, {"b": None, "a": [1, "x"]})
    yaml_1_1, yaml_1_2 = realmerge.Readers().read(b"debug: no\nport: 22:22\n", "yaml") or ((), ())
    assert yaml_1_1 == [{"debug": False, "port": 1342}]
    assert yaml_1_2 == [{"debug": "no", "port": "22:22"}]


CARGO = ('[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\n'
         + "".join(f'dep{n} = "1.{n}"\n' for n in range(10)))
TSCONFIG = ('{\n  // compiler\n  "compilerOptions": {\n'
            + "".join(f'    "opt{n}": true, /* option {n} */\n' for n in range(10))
            + '    "strict": true,\n  },\n}\n')
BROKEN = "a = 1\nm = 1\nn = 1\nz = 1\n"


def toml_and_jsonc_repository(tmp_path: Path) -> GitRepo:
    """Both branches add a dependency to Cargo.toml and change tsconfig.json (JSON with comments
    by name), far apart; a broken .toml on both; git merges the rest with its line merge."""
    repo = GitRepo.create(tmp_path)
    repo.branches(
        {"Cargo.toml": CARGO, "tsconfig.json": TSCONFIG, "broken.toml": BROKEN},
        {"Cargo.toml": CARGO.replace('[dependencies]\n', '[dependencies]\nanyhow = "1"\n'),
         "tsconfig.json": TSCONFIG.replace('"opt1": true', '"opt1": false'),
         "broken.toml": BROKEN.replace("a = 1", "a = [")},
        {"Cargo.toml": CARGO + 'serde = "1"\n',
         "tsconfig.json": TSCONFIG.replace('"opt8": true', '"opt8": false'),
         "broken.toml": BROKEN.replace("z = 1", "z = 2")},
    )
    repo.git("merge", "-q", "--no-edit", "feature")
    return repo


def test_toml_and_jsonc_files_are_replayed_in_their_dialect(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = toml_and_jsonc_repository(tmp_path)
    summary = run_benchmark(repo, tmp_path / "cache")
    found = {(s["path"], s["format"], s["ext"]): s for s in summary["scenarios"]}
    assert set(found) == {("Cargo.toml", "toml", ".toml"), ("tsconfig.json", "jsonc", ".jsonc")}
    for scenario in found.values():
        assert scenario["git"]["outcome"] == "bytes"
        assert scenario["statemerge"]["outcome"] in realmerge.OUTCOMES
    folder = Path(found["tsconfig.json", "jsonc", ".jsonc"]["dir"])
    assert (folder / "committed.jsonc").read_text() == repo.read("tsconfig.json")
    assert summary["skipped"]["repo"] == {"not valid TOML (templates, ...)": 1}
    out = capsys.readouterr().out
    assert "TOTAL toml" in out and "TOTAL jsonc" in out

    summary = run_benchmark(repo, tmp_path / "cache", "--formats", "toml")
    assert [s["path"] for s in summary["scenarios"]] == ["Cargo.toml"]


def test_toml_and_jsonc_compare_as_their_own_data() -> None:
    readers = realmerge.Readers()
    when = datetime.datetime(1979, 5, 27, 7, 32, tzinfo=datetime.UTC)
    assert readers.read(b"d = 1979-05-27T07:32:00Z\n", "toml") == ({"d": when}, {"d": when})
    first = readers.read(b'{"a": 1, /* x */ "b": [2,], // y\n}', "jsonc")
    assert first == ({"a": 1, "b": [2]}, {"a": 1, "b": [2]})
    assert readers.read(b"[a\n", "toml") is None
