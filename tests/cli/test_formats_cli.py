"""JSONC, JSON5 and TOML through the command line as real processes: merge (bad input: one
line with file:line:col, exit 2, nothing written), check, diff, and --schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "statemerge", *args], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, "COLUMNS": "200"}, check=False)


@pytest.mark.parametrize(("suffix", "good", "bad", "where"), [
    (".toml", 'a = 1\n', 'a = 1\nb = \n', "theirs.toml:2:5:"),
    (".jsonc", '{"a": 1, // one\n}\n', '{"a": 1, // one\n  "b" 2}\n', "theirs.jsonc:2:7:"),
    (".json5", "{a: 1}\n", "{a: 1,\n b: 'x}\n", "theirs.json5:2:5:"),
    (".json", '{\n  // c\n  "a": 1\n}\n', '{\n  // c\n  "a": 1,,\n}\n', "theirs.json:3:10:"),
])
def test_bad_input_is_one_line_with_its_place_exit_2_nothing_written(
        tmp_path: Path, suffix: str, good: str, bad: str, where: str) -> None:
    for name, text in (("base", good), ("ours", good), ("theirs", bad)):
        (tmp_path / f"{name}{suffix}").write_text(text)
    (tmp_path / "out").write_text("keep me")
    done = run("merge", f"base{suffix}", f"ours{suffix}", f"theirs{suffix}", "-o", "out",
               cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and where in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and (tmp_path / "out").read_text() == "keep me"


def test_merge_writes_toml_and_exits_0(tmp_path: Path) -> None:
    (tmp_path / "b.toml").write_text('[deps]\nserde = "1"\n')
    (tmp_path / "o.toml").write_text('[deps]\nserde = "1"\nrand = "0.8"\n')
    (tmp_path / "t.toml").write_text('# pinned\n[deps]\nserde = "1.0.200"\n')
    done = run("merge", "b.toml", "o.toml", "t.toml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == '# pinned\n[deps]\nserde = "1.0.200"\nrand = "0.8"\n'


def test_check_reads_toml_jsonc_and_json5_and_reports_bad_ones(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('[a]\nx = 1\n')
    (tmp_path / "b.jsonc").write_text('{\n  // c\n  "a": [1,],\n}\n')
    (tmp_path / "c.json5").write_text("{a: 0x10, b: 'x',}\n")
    assert run("check", "a.toml", "b.jsonc", "c.json5", cwd=tmp_path).returncode == 0
    (tmp_path / "bad.toml").write_text("[a\n")
    done = run("check", "bad.toml", cwd=tmp_path)
    assert done.returncode == 1 and "1:3" in done.stdout


def test_diff_compares_toml_values(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('[a]\nx = 1\n')
    (tmp_path / "b.toml").write_text('[a] # same data, another layout\nx = 2\n')
    done = run("diff", "a.toml", "b.toml", cwd=tmp_path)
    assert done.returncode == 1 and "/a/x" in done.stdout


def test_schema_option_keys_lists_from_x_kubernetes_fields(tmp_path: Path) -> None:
    schema = {"properties": {"args": {"type": "array", "x-kubernetes-list-type": "atomic"}}}
    (tmp_path / "s.json").write_text(json.dumps(schema))
    for name, args in (("b", ["a"]), ("o", ["a", "b"]), ("t", ["c", "a"])):
        (tmp_path / f"{name}.json").write_text(json.dumps({"args": args}) + "\n")
    assert run("merge", "b.json", "o.json", "t.json", cwd=tmp_path).returncode == 0
    done = run("merge", "b.json", "o.json", "t.json", "--schema", "s.json", cwd=tmp_path)
    assert done.returncode == 1 and "<<<<<<<" in done.stdout


def test_check_and_diff_read_a_json_file_with_comments_as_jsonc(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{\n  // why\n  "a": 1,\n}\n')
    (tmp_path / "b.json").write_text('{"a": 2}\n')
    assert run("check", "a.json", cwd=tmp_path).returncode == 0
    done = run("diff", "a.json", "b.json", cwd=tmp_path)
    assert done.returncode == 1 and "/a" in done.stdout
    (tmp_path / "bad.json").write_text('{"a": 1,,}')
    assert "1:9" in run("check", "bad.json", cwd=tmp_path).stdout
