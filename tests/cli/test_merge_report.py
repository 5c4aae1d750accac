"""The human merge report, as printed by a real `statemerge merge` at 80 columns: values
verbatim (rich markup and emoji codes stay text), paths on one line, long strings shown where
the sides differ, multi-line strings as a line diff."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from statemerge.merging.conflicts import conflict_id


def report(tmp_path: Path, base: Any, ours: Any, theirs: Any) -> str:
    """The stderr of merging the three values (as JSON files) at 80 columns; the same text
    whether it is drawn by rich (as on a terminal: FORCE_COLOR) or written plain."""
    names = []
    for name, value in (("base", base), ("ours", ours), ("theirs", theirs)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(value))
        names.append(str(path))
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    printed = []
    for drawn_by_rich in (False, True):
        result = subprocess.run([sys.executable, "-m", "statemerge", "merge", *names, "-o",
                                 str(tmp_path / "out.json")], capture_output=True, text=True,
                                env={**env, "FORCE_COLOR": "1"} if drawn_by_rich else env,
                                check=False)
        assert result.returncode == 1, result.stderr
        printed.append(result.stderr)
    assert "\x1b[1m" in printed[1]  # drawn by rich: bold headings
    assert printed[0] == re.sub("\x1b\\[[0-9;]*m", "", printed[1])  # styles aside
    return printed[0]


def id_line(path: str, base: str, ours: str, theirs: str) -> str:
    """The report's last line for a modify/modify conflict: its id."""
    return f"id              {conflict_id(path, 'modify/modify', base, ours, theirs)}\n"


def test_markup_and_emoji_codes_print_literally(tmp_path: Path) -> None:
    assert report(
        tmp_path,
        {"note": "base [/] text", "user": "a"},
        {"note": "[bold]ours[/]", "user": "github-actions[bot]"},
        {"note": "theirs :smile: [red]", "user": "dependabot[bot]"},
    ) == (
        "2 conflict(s)\n"
        "/note  modify/modify\n"
        'base            "base [/] text"\n'
        'ours            "[bold]ours[/]"\n'
        'theirs          "theirs :smile: [red]"\n'
        'ours changed    "base [/] text" -> "[bold]ours[/]"\n'
        'theirs changed  "base [/] text" -> "theirs :smile: [red]"\n'
        + id_line("/note", "base [/] text", "[bold]ours[/]", "theirs :smile: [red]") +
        "/user  modify/modify\n"
        'base            "a"\n'
        'ours            "github-actions[bot]"\n'
        'theirs          "dependabot[bot]"\n'
        'ours changed    "a" -> "github-actions[bot]"\n'
        'theirs changed  "a" -> "dependabot[bot]"\n'
        + id_line("/user", "a", "github-actions[bot]", "dependabot[bot]")
    )


def test_a_long_path_is_one_line(tmp_path: Path) -> None:
    key = "spec/template/containers/" * 6
    text = report(tmp_path, {key: 1}, {key: 2}, {key: 3})
    assert text.splitlines()[1] == "/" + key.replace("/", "~1") + "  modify/modify"


def test_a_long_string_shows_where_the_sides_differ(tmp_path: Path) -> None:
    base = "x" * 200 + "BASE" + "y" * 100
    assert report(
        tmp_path, {"s": base}, {"s": base.replace("BASE", "OURS")},
        {"s": base.replace("BASE", "THEIRS [/]")},
    ) == (
        "1 conflict(s)\n"
        "/s  modify/modify\n"
        'base            "…' + "x" * 20 + "BASE" + "y" * 36 + '…"\n'
        'ours            "…' + "x" * 20 + "OURS" + "y" * 36 + '…"\n'
        'theirs          "…' + "x" * 20 + "THEIRS [/]" + "y" * 30 + '…"\n'
        'ours changed    "…' + "x" * 20 + "BASE" + "y" * 36 + '…"\n'
        '                -> "…' + "x" * 20 + "OURS" + "y" * 33 + '…"\n'
        'theirs changed  "…' + "x" * 20 + "BASE" + "y" * 36 + '…"\n'
        '                -> "…' + "x" * 20 + "THEIRS [/]" + "y" * 27 + '…"\n'
        + id_line("/s", base, base.replace("BASE", "OURS"), base.replace("BASE", "THEIRS [/]"))
    )


def test_a_multi_line_string_shows_a_line_diff(tmp_path: Path) -> None:
    base = "\n".join(f"step {number}" for number in range(6))
    text = report(tmp_path, {"run": base}, {"run": base.replace("step 2", "step two")},
                  {"run": base.replace("step 2", "step II").replace("step 5", "done")})
    assert text.splitlines()[5:] == [
        "ours changed    @@ -3 +3 @@",
        "                -step 2",
        "                +step two",
        "theirs changed  @@ -3 +3 @@",
        "                -step 2",
        "                +step II",
        "                @@ -6 +6 @@",
        "                -step 5",
        "                +done",
        id_line("/run", base, base.replace("step 2", "step two"),
                base.replace("step 2", "step II").replace("step 5", "done")).rstrip("\n"),
    ]


def test_no_traceback_for_any_value(tmp_path: Path) -> None:
    nasty = "[/][/bold]\x1b[31m:x:[link=file:///]\u200b\U0001f600"
    text = report(tmp_path, {"k": nasty, "l": ["a"], "m": {"a": 1}},
                  {"k": nasty + "[/]", "l": [nasty], "m": {"[/]": nasty}},
                  {"k": "[" + nasty, "l": ["[/]"], "m": {"[b]": [nasty]}})
    assert "Traceback" not in text and "[/]" in text
