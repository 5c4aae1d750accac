"""Every command that writes YAML quotes what a YAML 1.1 reader would read as another type."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from readers import read11, read12


def statemerge(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "statemerge", *args], cwd=cwd, text=True,
                          capture_output=True, check=False, env={**os.environ})


def test_set_writes_strings_that_look_like_booleans_quoted_and_keeps_comments(
        tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("flag: true\nname: x   # keep\n")
    done = statemerge("set", "s.yaml", "/flag", '"yes"', cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "s.yaml").read_text()
    assert text == "flag: 'yes'\nname: x   # keep\n"
    assert read11(text) == read12(text) == [{"flag": "yes", "name": "x"}]


def test_set_on_a_new_yaml_file_writes_values_both_readers_read_alike(tmp_path: Path) -> None:
    done = statemerge("set", "new.yaml", "", '{"on": "off", "t": "12:30", "m": "0755", "e": "1e3"}',
                      cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "new.yaml").read_text()
    assert read11(text) == read12(text) == [{"on": "off", "t": "12:30", "m": "0755", "e": "1e3"}]


def test_crdt_apply_of_a_string_that_looks_like_a_number_reads_back_as_that_string(
        tmp_path: Path) -> None:
    assert statemerge("crdt", "new", "g-set", "-o", "g.yaml", cwd=tmp_path).returncode == 0
    for element in ('"1e3"', '"yes"', '"~"'):
        done = statemerge("crdt", "apply", "g.yaml", "--replica", "a", "add", element,
                          cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    text = (tmp_path / "g.yaml").read_text()
    for read in (read11, read12):
        assert sorted(read(text)[0]["elements"]) == ["1e3", "yes", "~"]


def test_set_keeps_aliases_whose_data_did_not_change(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text("base: &b {x: 1}\nuse: *b\nn: 1\n")
    assert statemerge("set", "c.yaml", "/n", "2", cwd=tmp_path).returncode == 0
    assert (tmp_path / "c.yaml").read_text() == "base: &b {x: 1}\nuse: *b\nn: 2\n"


def test_check_and_diff_accept_files_of_several_documents_and_custom_tags(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("kind: A\nmetadata:\n  name: a\n---\nkind: B\nmetadata:\n"
                                     "  name: b\n")
    (tmp_path / "m2.yaml").write_text("kind: A\nmetadata:\n  name: a\n---\nkind: B\nmetadata:\n"
                                      "  name: c\n")
    (tmp_path / "cfn.yaml").write_text("Resources:\n  B:\n    Name: !Ref X\n    Arn: !GetAtt B.Arn\n")
    checked = statemerge("check", "m.yaml", "cfn.yaml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    differ = statemerge("diff", "m.yaml", "m2.yaml", cwd=tmp_path)
    assert differ.returncode == 1 and '/1/metadata/name: "b" -> "c"' in differ.stdout


def test_check_validates_each_document_of_a_manifest_against_the_schema_with_its_line(
        tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("kind: A\nmetadata:\n  name: a\n---\nkind: B\nmetadata:\n"
                                     "  name: 5\n")
    (tmp_path / "s.json").write_text('{"type": "object", "properties": {"metadata": {"properties":'
                                     ' {"name": {"type": "string"}}}}}')
    checked = statemerge("check", "m.yaml", "--schema", "s.json", cwd=tmp_path)
    assert checked.returncode == 1
    assert "    7  schema  at '/1/metadata/name': 5 is not of type 'string'" in checked.stdout
