"""JSONC, JSON5 and TOML: reading (values, errors with line:col), detection by name, and the
merge of three texts (the line merge when it holds, else ours' text with the changes written
in, comments and commas kept, else git's markers)."""

from __future__ import annotations

import datetime
import math

import pytest

from statemerge.documents import detect_format, parse_value
from statemerge.errors import DuplicateKeyError, ParseError
from statemerge.mergefile import MergeOptions, merge_texts


def merged(base: str, ours: str, theirs: str, name: str, **options: object):  # type: ignore[no-untyped-def]
    return merge_texts(base.encode(), ours.encode(), theirs.encode(), names=("b", "o", "t"),
                       options=MergeOptions(path_hint=name, **options))  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "fmt"), [
    ("tsconfig.json", "jsonc"), ("tsconfig.build.json", "jsonc"), (".vscode/settings.json", "jsonc"),
    ("a/.devcontainer/devcontainer.json", "jsonc"), ("x.jsonc", "jsonc"), ("renovate.json5", "json5"),
    ("Cargo.toml", "toml"), ("pyproject.toml", "toml"), ("package.json", "json"), ("a.yml", "yaml"),
])
def test_formats_are_detected_by_name(name: str, fmt: str) -> None:
    assert detect_format(name) == fmt


def test_jsonc_reads_comments_and_trailing_commas() -> None:
    text = b'{\n  // a\n  "a": [1, 2,], /* b */\n  "s": "http://x/*y*/",\n}\n'
    assert parse_value(text, "x.jsonc", "jsonc") == {"a": [1, 2], "s": "http://x/*y*/"}


def test_json5_reads_its_extensions() -> None:
    text = b"{bare: 'single', hex: 0xFF, inf: -Infinity, half: .5, plus: +1, s: 'a\\\nb',}"
    value = parse_value(text, "x.json5", "json5")
    assert value["bare"] == "single" and value["hex"] == 255 and value["half"] == 0.5
    assert value["inf"] == -math.inf and value["plus"] == 1 and value["s"] == "ab"


@pytest.mark.parametrize(("fmt", "text", "where"), [
    ("jsonc", b'{\n  "a": 1\n  "b": 2\n}', "x:3:3"),
    ("jsonc", b"{\n  'a': 1\n}", "x:2:3"),
    ("jsonc", b'{"a": 1,,}', "x:1:9"),
    ("jsonc", b'{\n /* open\n "a": 1}', "x:2:2"),
    ("json5", b"{\n  a: 1,\n  b: @\n}", "x:3:6"),
    ("toml", b'[a]\nx = 1\ny = = 2\n', "x:3:5"),
    ("toml", b'[a]\nx = 1\n[a]\n', "x:3:"),
])
def test_bad_input_names_the_line_and_column(fmt: str, text: bytes, where: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_value(text, "x", fmt)  # type: ignore[arg-type]
    assert str(caught.value).startswith(where)


def test_duplicate_keys_are_refused_in_jsonc_and_json5() -> None:
    with pytest.raises(DuplicateKeyError):
        parse_value(b'{"a": 1, // c\n "a": 2}', "x", "jsonc")
    with pytest.raises(DuplicateKeyError):
        parse_value(b"{a: 1, 'a': 2}", "x", "json5")


def test_toml_dates_are_compared_as_toml_values() -> None:
    base = 'at = 1979-05-27T07:32:00Z\nn = 1\n'
    ours = 'at = 1979-05-27 07:32:00+00:00\nn = 1\n'  # the same instant, written otherwise
    theirs = 'at = 1979-05-27T07:32:00Z\nn = 2\n'
    outcome = merged(base, ours, theirs, "c.toml")
    assert outcome.clean and outcome.output == b"at = 1979-05-27 07:32:00+00:00\nn = 2\n"
    value = parse_value(outcome.output, "c.toml", "toml")
    assert value["at"] == datetime.datetime(1979, 5, 27, 7, 32, tzinfo=datetime.UTC)


def test_a_json_file_with_comments_merges_as_jsonc_and_keeps_them() -> None:
    base = '{\n  // who\n  "a": 1,\n  "b": 2,\n}\n'
    ours = '{\n  // who\n  "a": 10,\n  "b": 2,\n}\n'
    theirs = '{\n  // who\n  "a": 1,\n  "b": 20,\n}\n'
    outcome = merged(base, ours, theirs, "state.json")
    assert outcome.clean and outcome.output == b'{\n  // who\n  "a": 10,\n  "b": 20,\n}\n'


def test_when_the_lines_conflict_the_writer_keeps_comments_commas_and_theirs_new_comment() -> None:
    base = '{\n  "list": [\n    "a", // first\n  ],\n  "n": 1, // count\n}\n'
    ours = '{\n  "list": [\n    "a", // first\n    "b",\n  ],\n  "n": 2, // count\n}\n'
    theirs = '{\n  "list": [\n    "a", // first\n    "c", // third\n  ],\n  "n": 1, // count\n}\n'
    outcome = merged(base, ours, theirs, "x.jsonc")
    assert outcome.clean
    assert outcome.output.decode() == (
        '{\n  "list": [\n    "a", // first\n    "b",\n    "c", // third\n  ],\n  "n": 2, // count\n}\n')


def test_json5_output_stays_json5() -> None:
    base = "{a: 1, b: 'x'}\n"
    outcome = merged(base, "{a: 2, b: 'x'}\n", "{a: 1, b: 'y', c: 3}\n", "c.json5")
    assert outcome.clean and outcome.output == b"{a: 2, b: 'y', c: 3}\n"


def test_toml_conflict_leaves_markers_around_the_lines_and_takes_a_side_on_request() -> None:
    base = '[package]\nversion = "1.0.0" # bump\n'
    ours, theirs = base.replace("1.0.0", "1.1.0"), base.replace("1.0.0", "2.0.0")
    outcome = merged(base, ours, theirs, "Cargo.toml")
    assert [c.path for c in outcome.conflicts] == ["/package/version"] and outcome.exit_code == 1
    assert outcome.output.decode() == (
        '[package]\n<<<<<<< ours\nversion = "1.1.0" # bump\n=======\nversion = "2.0.0" # bump\n'
        '>>>>>>> theirs\n')
    taken = merged(base, ours, theirs, "Cargo.toml", conflict="theirs")
    assert taken.exit_code == 0 and taken.output.decode() == theirs


def test_toml_tables_and_arrays_of_tables_merge_by_identity() -> None:
    base = '[[bin]]\nname = "a"\npath = "a.rs"\n\n[[bin]]\nname = "b"\npath = "b.rs"\n'
    ours = base.replace('path = "a.rs"', 'path = "src/a.rs"')
    theirs = base + '\n[[bin]]\nname = "c"\npath = "c.rs"\n'
    theirs = theirs.replace('[[bin]]\nname = "a"\npath = "a.rs"\n\n', "") + (
        '\n[[bin]]\nname = "a"\npath = "a.rs"\n')  # theirs moved `a` to the end
    outcome = merged(base, ours, theirs, "Cargo.toml")
    assert outcome.clean
    bins = parse_value(outcome.output, "o", "toml")["bin"]
    assert {b["name"]: b["path"] for b in bins} == {"a": "src/a.rs", "b": "b.rs", "c": "c.rs"}


def test_conflict_objects_are_written_as_toml_tables() -> None:
    outcome = merged("a = 1\nb = 2\n", "a = 1\nb = 3\n", "a = 5\nb = 4\n", "x.toml",
                     conflict="object")
    assert outcome.exit_code == 1
    assert parse_value(outcome.output, "o", "toml") == {
        "a": 5, "b": {"$conflict": {"base": 2, "ours": 3, "theirs": 4}}}


@pytest.mark.parametrize(("base", "ours", "theirs", "output", "conflicts"), [
    # keys added by both sides at the end of a table that another table follows
    ('[server]\nport = 80\n\n[log]\nlevel = "info"\n',
     '[server]\nport = 80\nhost = "a"\n\n[log]\nlevel = "info"\n',
     '[server]\nport = 80\ntimeout = 5\n\n[log]\nlevel = "info"\n',
     '[server]\nport = 80\nhost = "a"\ntimeout = 5\n\n[log]\nlevel = "info"\n', []),
    # the same key added with the same value: once
    ('[s]\nport = 80\n', '[s]\nport = 80\nhost = "a"\n', '[s]\nport = 80\nhost = "a"\n',
     '[s]\nport = 80\nhost = "a"\n', []),
    # the same key added in two places with two values: one conflict, around ours' line
    ('[s]\nport = 80\nx = 1\n', '[s]\nhost = "a"\nport = 80\nx = 1\n',
     '[s]\nport = 80\nx = 1\nhost = "b"\n',
     '[s]\n<<<<<<< ours\nhost = "a"\n=======\nhost = "b"\n>>>>>>> theirs\nport = 80\nx = 1\n',
     ["/s/host"]),
    # dotted keys stay dotted; a quoted key with a dot is another key
    ('site.name = "a"\n"site.port" = 1\n', 'site.name = "b"\n"site.port" = 1\n',
     'site.name = "a"\n"site.port" = 2\nsite.tls = true\n',
     'site.name = "b"\n"site.port" = 2\nsite.tls = true\n', []),  # in theirs' order
    # a change at the start against a deletion there
    ('z = 1\na = 1\n', 'z = 7\na = 1\n', 'a = 1\n',
     '<<<<<<< ours\nz = 7\n=======\n>>>>>>> theirs\na = 1\n', ["/z"]),
])
def test_toml_keys_tables_and_conflicts(base: str, ours: str, theirs: str, output: str,
                                        conflicts: list[str]) -> None:
    outcome = merged(base, ours, theirs, "x.toml")
    assert outcome.output.decode() == output
    assert [conflict.path for conflict in outcome.conflicts] == conflicts


def test_toml_array_both_sides_extend_keeps_its_lines_and_comments() -> None:
    base = '[project]\ndependencies = [\n    "httpx>=0.27",\n    "pydantic>=2",  # v1 is gone\n]\n'
    ours = base.replace("gone\n", 'gone\n    "rich>=13",\n')
    theirs = base.replace("gone\n", 'gone\n    "typer>=0.12",\n').replace('    "httpx>=0.27",\n', "")
    outcome = merged(base, ours, theirs, "pyproject.toml")
    assert outcome.clean and outcome.output.decode() == (
        '[project]\ndependencies = [\n    "pydantic>=2",  # v1 is gone\n    "rich>=13",\n'
        '    "typer>=0.12",\n]\n')


def test_answers_by_conflict_id_apply_to_toml_and_jsonc_merges_too() -> None:
    from statemerge.mergefile import MergeOptions, merge_texts
    from statemerge.merging.answers import Answer

    for name, base, ours, theirs, wanted in (
        ("c.toml", b'v = "1"\n', b'v = "2"\n', b'v = "3"\n', b'v = "3"\n'),
        ("c.jsonc", b'{"v": 1} // c\n', b'{"v": 2} // c\n', b'{"v": 3} // c\n', b'{"v": 3} // c\n'),
    ):
        first = merge_texts(base, ours, theirs, names=(name,) * 3,
                            options=MergeOptions(path_hint=name))
        (conflict,) = first.conflicts
        answered = merge_texts(base, ours, theirs, names=(name,) * 3, options=MergeOptions(
            path_hint=name, answers={conflict.id: Answer(take="theirs")}))
        assert answered.clean and answered.output == wanted, name
        assert [entry.conflict.id for entry in answered.answered] == [conflict.id]


def test_block_comments_around_a_member_that_is_not_last_keep_its_comma() -> None:
    from statemerge.documents.formats import parse_detected

    # from a real tsconfig merge: a comma, a block comment, a member, another block comment
    assert parse_detected(b'{"a": 1, /* x */ "c": 2 /* y */}', "t.jsonc") == {"a": 1, "c": 2}
