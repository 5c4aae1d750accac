"""The driver's own logic: git's arguments, conflict markers, what forces a line merge."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statemerge.errors import UsageError
from statemerge.git.driver import (
    conflict_marker_lines,
    driver_main,
    parse_driver_args,
    unmergeable_reason,
)
from statemerge.git.install import attribute_patterns, driver_command

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


def test_git_arguments_give_paths_marker_size_and_labels() -> None:
    args = parse_driver_args([".m_O", ".m_A", ".m_B", "9", "state/a.json", "base", "HEAD", "feat"])

    assert (args.base, args.ours, args.theirs) == (".m_O", ".m_A", ".m_B")
    assert args.marker_size == 9
    assert args.path == "state/a.json"
    assert args.labels == ("HEAD", "base", "feat")  # ours, base, theirs


def test_placeholders_old_git_passes_literally_are_not_labels() -> None:
    args = parse_driver_args(["O", "A", "B", "7", "a.json", "%S", "%X", "%Y"])

    assert args.labels == ("ours", "base", "theirs")


def test_empty_labels_fall_back_to_the_side_names() -> None:
    args = parse_driver_args(["O", "A", "B", "7", "a.json", "", "HEAD", ""])

    assert args.labels == ("HEAD", "base", "theirs")


@pytest.mark.parametrize("args", [["O", "A", "B", "7"], ["O", "A", "B", "x", "a.json"]])
def test_bad_arguments_are_a_usage_error(args: list[str]) -> None:
    with pytest.raises(UsageError):
        parse_driver_args(args)


def test_driver_main_returns_2_for_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert driver_main(["O", "A", "B", "0", "a.json"]) == 2
    assert capsys.readouterr().err == (
        "statemerge: The conflict marker size must be a positive integer, not '0'.\n"
    )


def test_driver_main_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert driver_main(["--help"]) == 0
    assert capsys.readouterr().out.startswith("Usage: statemerge git merge-driver %O %A %B %L %P")


def test_marker_lines_are_found_with_their_line_numbers() -> None:
    text = b'{\n<<<<<<< ours\n"a": 1\n||||||| base\n"a": 0\n=======\n"a": 2\n>>>>>>> theirs\n}\n'

    assert conflict_marker_lines(text) == [2, 4, 6, 8]


def test_marker_lines_may_end_in_crlf_and_carry_no_label() -> None:
    assert conflict_marker_lines(b"<<<<<<<\r\nx\r\n=======\r\ny\r\n>>>>>>>\r\n") == [1, 3, 5]


def test_only_markers_of_the_given_size_count() -> None:
    text = b"<<<<<<<<<< ours\n========\n>>>>>>>>>> theirs\n"

    assert conflict_marker_lines(text) == []
    assert conflict_marker_lines(text, marker_size=10) == [1, 3]


@pytest.mark.parametrize(
    "line", [b"  <<<<<<< ours", b"<<<<<<<x", b"======= x", b"<<<<<<", b'"<<<<<<< a"']
)
def test_look_alikes_are_not_markers(line: bytes) -> None:
    assert conflict_marker_lines(b"{\n" + line + b"\n}\n") == []


@given(json_values)
def test_no_json_document_looks_like_it_holds_markers(value: object) -> None:
    assert conflict_marker_lines(json.dumps(value, indent=2).encode()) == []


def test_sides_that_need_a_line_merge_say_why() -> None:
    fine = b'{"a": 1}\n'

    assert unmergeable_reason("s.json", [fine, fine, fine]) is None
    assert unmergeable_reason("s.json", [fine, b"\xff{}", fine]) == (
        "s.json: ours is not UTF-8 (byte 0xff on line 1)."
    )
    assert unmergeable_reason("s.json", [fine, fine, b"{\n>>>>>>> x\n"]) == (
        "s.json: theirs already holds conflict markers (line 2)."
    )


def test_markers_of_git_s_size_or_the_default_both_force_a_line_merge() -> None:
    default = b"{\n<<<<<<< a\n"
    bigger = b"{\n<<<<<<<<<< a\n"

    assert unmergeable_reason("s.json", [default, b"", b""], marker_size=10) is not None
    assert unmergeable_reason("s.json", [bigger, b"", b""], marker_size=10) is not None
    assert unmergeable_reason("s.json", [bigger, b"", b""]) is None


def test_the_driver_command_names_the_interpreter_absolutely_and_quoted() -> None:
    command = driver_command("/opt/my venv/bin/python")

    assert shlex.split(command) == [
        "/opt/my venv/bin/python",
        "-m",
        "statemerge",
        "git",
        "merge-driver",
        *["%O", "%A", "%B", "%L", "%P", "%S", "%X", "%Y"],
    ]


def test_attribute_patterns_are_the_lines_routed_to_the_driver() -> None:
    text = "# state\n*.json merge=statemerge\n*.png binary\nx.yaml text merge=statemerge\n"

    assert attribute_patterns(text) == ["*.json", "x.yaml"]
    assert attribute_patterns(None) == []


def test_a_result_replaces_the_file_whole(tmp_path: Path) -> None:
    for name, text in (("base", '{"a": 1}\n'), ("ours", '{"a": 2}\n'), ("theirs", '{"a": 1}\n')):
        (tmp_path / name).write_text(text)
    paths = [str(tmp_path / name) for name in ("base", "ours", "theirs")]

    assert driver_main([*paths, "7", str(tmp_path / "s.json")]) == 0
    assert (tmp_path / "ours").read_text() == '{"a": 2}\n'
    assert sorted(path.name for path in tmp_path.iterdir()) == ["base", "ours", "theirs"]
