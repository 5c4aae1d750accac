"""The TOML layout (tomlscan.Layout) reads a section's keys only when asked, skips runs of common
lines at C speed and takes what a text opens with from another version's layout: whatever it is
asked, it answers as the statement-by-statement scan of the whole text does, on texts whose
header-like lines stand inside strings and arrays."""

from __future__ import annotations

import tomllib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from statemerge.documents.tomlscan import Layout, Statement, scan

TEXTS = [
    "",
    "a = 1",
    "# only a comment",
    'a = 1\n# about t\n[t]\nb = "x"  # end\n\n# c\n[[t.e]]\nk = 1\n[[t.e]]\nk = 2\n[t.e.sub]\nz = 0\n',
    'a = """\n[not.a.header]\nb = 1\n"""\n[real]\nc = [\n  [1],\n  [2],\n]\n[x]\nd = 1\n',
    "s = '''\n# not a comment\n[[nope]]\n'''\n\n[t]\nv = { a = 1, b = [1, 2] }\nw.x = 2\n",
    '[a.b]\nc = 1\n[a]\nd.e = 2\n"quoted key" = 3\n[ "sp aced" . k ]\nq = 4\n',
    "[[p]]\nname = 'x'\n[[p.q]]\nn = 1\n[[p]]\nname = 'y'\n[[p.q]]\nn = 2\n[[p.q]]\nn = 3\n",
    "a = 1\r\n\r\n# c\r\n[t]\r\nb = 2\r\n",
    "a = 1\n\n[t]\nb = [\n  1,  # one\n  2,\n]\n# above\n\n# right above\n[u]\nc = 'x'",
    "x = 1\n  # indented\n  [t]  # trailing\n  y = \"a#b\"\n\t[[t.list]]\n\tz = 2\n",
]

LINES = ["a = 1", "b = \"x # y\"", "c = [1, 2]  # c", "# note", "", "   ", "[t]", "[t.u]",
         "[[e]]", "[[e.f]]", 'd = """', "[inside]", "e = 2", '"""', "f = [", "  [3],", "]",
         "g = { h = 1 }", "i.j = 3", "'k l' = 4"]


def _fields(statement: Statement | None) -> Any:
    if statement is None:
        return None
    return (statement.kind, statement.start, statement.end, statement.lead, statement.path,
            statement.address, statement.section, statement.value_start, statement.value_end)


def _is_toml(text: str) -> bool:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return True


def _check(text: str, like: str | None = None) -> None:
    """Every question the writer asks, each of a new layout, then all of one in turn; `like`:
    the text of another version, whose layout the layouts are made from."""
    named = [s for s in scan(text) if s.kind not in ("blank", "comment")]
    if like is not None and not _is_toml(like):
        return

    def new() -> Layout:
        return Layout(text, Layout(like) if like is not None else None)

    layout = new()
    assert [_fields(h) for h in layout.sections] == [_fields(s) for s in named if s.kind != "key"]
    addresses = {s.address[:size] for s in named for size in range(len(s.address) + 1)}
    for address in sorted(addresses, key=repr):
        expected = [s for s in named if s.address == address]
        assert _fields(new().find(address)) == _fields(expected[-1] if expected else None)
        below = [s for s in named if s.address[:len(address)] == address] if address else []
        assert [_fields(s) for s in new().under(address)] == [_fields(s) for s in below]
        assert [_fields(s) for s in new().headers_under(address)] == [
            _fields(s) for s in below if s.kind != "key"]
        assert [_fields(s) for s in new().keys_of(address)] == [
            _fields(s) for s in named if s.kind == "key" and s.section == address]
    for address in sorted(addresses, key=repr):  # asked in turn of one layout, as the writer does
        assert _fields(layout.find(address)) == _fields(
            next((s for s in reversed(named) if s.address == address), None))


def test_the_layout_answers_as_the_whole_scan_on_texts_with_strings_and_arrays() -> None:
    for text in TEXTS:
        tomllib.loads(text)  # each is TOML
        _check(text)
        for size in range(0, len(text) + 1, 3):  # another version: what it opens with, then not
            _check(text, text[:size])
            _check(text, text[:size] + "x = 9\n[x.y]\n")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=25), st.booleans(),
       st.lists(st.sampled_from(LINES), max_size=8), st.integers(0, 25))
def test_the_layout_answers_as_the_whole_scan_on_random_texts(lines: list[str], end: bool,
                                                              other: list[str],
                                                              shared: int) -> None:
    text = "\n".join(lines) + ("\n" if end else "")
    if not _is_toml(text):
        return  # the layout reads texts already known to be TOML
    _check(text)
    _check(text, "\n".join(lines[:shared] + other) + "\n")  # another version's layout
