"""The fast JSONC reader (`jsoncfast`, for large texts) gives the exact reader's value whenever
it gives one: on random JSONC texts (comments, trailing commas, strings holding `//`, `/*`,
`,]`, quotes and escapes, duplicate keys, big and tiny numbers) and on random damage to them.
Its blanking (for the writer's span tree) is the exact one, and the span tree scanned on
demand (`spans`) is the one scanned whole (`scan`), also when it is taken in part from another
version of the text (`like`)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statemerge.documents.jsonc import Node, _strip, _syntax, parse_jsonc, scan, spans
from statemerge.documents.jsoncfast import blank_fast, parse_fast
from statemerge.documents.jsontext import SMALL, _parse_exactly, parse_json
from statemerge.errors import InputError

TRICKY = st.sampled_from(['//', '/*', '*/', ',]', ', }', '"', '\\', ':', '[', '{', ',', ' ', 'é',
                          'a', '\n'])
scalars = (st.none() | st.booleans() | st.integers(-(2**70), 2**70)
           | st.floats(allow_nan=False, allow_infinity=False)
           | st.sampled_from(["1e-400", "1E400", "12345678901234567890", "-0", "1.5e+3"])
           .map(lambda spelling: _Raw(spelling))
           | st.lists(TRICKY, max_size=6).map("".join))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.lists(st.tuples(st.lists(TRICKY, max_size=3).map("".join), inner),
                                 max_size=4), max_leaves=20)
GAPS = st.sampled_from(["", " ", "\n  ", " // note, [\n", "/* c */", " /* \"q\" */ ", "// x\n",
                        "\t", "/**/", " // see http://x\n"])


class _Raw:
    def __init__(self, spelling: str) -> None:
        self.spelling = spelling


def render(value: Any, draw: Any) -> str:
    """JSONC text of a value (pairs lists are objects, keys may repeat), with random comments
    and trailing commas between the tokens."""
    gap = draw(GAPS)
    if isinstance(value, _Raw):
        return gap + value.spelling
    if isinstance(value, list) and value and all(isinstance(item, tuple) for item in value):
        items = [f"{gap}{json.dumps(key)}{draw(GAPS)}:{render(item, draw)}" for key, item in value]
        opening, closing = "{", "}"
    elif isinstance(value, list):
        items = [render(item, draw) for item in value]
        opening, closing = "[", "]"
    else:
        return gap + json.dumps(value, ensure_ascii=draw(st.booleans()))
    trailing = "," if items and draw(st.booleans()) else ""
    return f"{gap}{opening}{','.join(items)}{trailing}{draw(GAPS)}{closing}"


def exact(text: str) -> Any:
    """The exact reader's value, as `parse_jsonc` reads a text below the fast reader's size."""
    syntax = _syntax(text)
    if not syntax or not text.strip():
        return parse_json(text.encode(), "t")
    return _parse_exactly(_strip(text, syntax), "t")


def agrees(text: str) -> bool:
    """Whether the fast reader, when it answers, answers as the exact one; and whether it did."""
    fast = parse_fast(text)
    if fast is None:
        return False
    try:
        expected = exact(text)
    except InputError as error:
        pytest.fail(f"the fast reader read {text!r} as {fast[0]!r}; the exact one: {error}")
    assert repr(fast[0]) == repr(expected), text
    assert bool(fast[1]) == bool(_syntax(text)), text
    return True


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_fast_reader_agrees_with_the_exact_one(data: st.DataObject) -> None:
    agrees(render(data.draw(values), data.draw))


@settings(max_examples=400, deadline=None)
@given(st.data(), st.lists(st.tuples(st.integers(0, 10**6), TRICKY | st.just("")), max_size=3))
def test_fast_reader_agrees_on_damaged_texts(data: st.DataObject,
                                             edits: list[tuple[int, str]]) -> None:
    text = render(data.draw(values), data.draw)
    for position, piece in edits:
        at = position % (len(text) + 1)
        text = text[:at] + piece + text[at + (piece == ""):]
    agrees(text)


@pytest.mark.parametrize("text", [
    '{"a": 1, // c\n "b": [1, 2,],}', '[1, /* x */ 2,]', '{"url": "http://x//y", "a": 1,}',
    '{"a": "\\"//", "b": [1,]}', '{"a": "q,]", "b": 2 /* c "q" */,}',
])
def test_fast_reader_reads_common_jsonc(text: str) -> None:
    assert agrees(text)


@pytest.mark.parametrize(("text", "error"), [
    ('{"a": 1, "a": 2, // dup\n}', "duplicate"), ('[1e-400, // x\n]', "too small"),
    ('[123456789012345678901234567890, /* big */]', None), ('[1,,] // c', "invalid JSON"),
    ('[,] // c', "invalid JSON"), ('{"a": 1 /* open', "invalid JSON"),
])
def test_large_texts_the_fast_reader_leaves_get_the_exact_answer(text: str,
                                                                 error: str | None) -> None:
    padded = text + " " * SMALL  # above the size the fast reader starts at
    assert parse_fast(padded) is None
    if error is None:
        assert parse_jsonc(padded.encode(), "t") == [123456789012345678901234567890]
        return
    with pytest.raises(InputError, match=error):
        parse_jsonc(padded.encode(), "t")


@pytest.mark.parametrize(("text", "value"), [
    ("[null,/* c */[/* c */]]", [None, []]),  # the comma is not trailing: `*/[/* c */` is no comment
    ("[1, // x ]\n 2]", [1, 2]),  # a `]` inside a comment does not make the comma trailing
    ("[1 /* c *///x\n]", [1]),  # `//` right after `*/` opens a comment
])
def test_comments_next_to_commas_and_comments_read_as_written(text: str, value: Any) -> None:
    assert parse_jsonc(text.encode(), "t") == value
    assert parse_jsonc((text + " " * SMALL).encode(), "t") == value


@settings(max_examples=400, deadline=None)
@given(st.data(), st.lists(st.tuples(st.integers(0, 10**6), TRICKY | st.just("")), max_size=2))
def test_fast_blanking_is_the_exact_one(data: st.DataObject, edits: list[tuple[int, str]]) -> None:
    text = render(data.draw(values), data.draw)
    for position, piece in edits:
        at = position % (len(text) + 1)
        text = text[:at] + piece + text[at + (piece == ""):]
    blanked = blank_fast(text)
    try:
        exact(text)
    except InputError:
        return  # not JSONC: no writer scans it (a string across lines is read line by line)
    if blanked is not None:
        assert blanked == _strip(text, _syntax(text)), text


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_spans_scanned_on_demand_are_those_scanned_whole(data: st.DataObject) -> None:
    text = render(data.draw(values), data.draw)
    try:
        _, whole = scan(text, "t", "jsonc")
    except InputError:
        return
    assert described(spans(text, "t", "jsonc")) == described(whole), text


def described(node: Node) -> Any:
    """A span tree as plain data: every node's place, members and trailing comma."""
    members = None if node.members is None else [
        (m.lead_start, m.start, m.key, m.comma, m.after_end, m.key_end, described(m.node))
        for m in node.members]
    return node.start, node.end, node.trailing_comma, members


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_spans_taken_from_another_version_are_those_scanned_whole(data: st.DataObject) -> None:
    """Theirs' span tree, taken from ours' where the texts agree, is theirs' own: for texts
    that differ by lines cut, doubled or added (the edits of concurrent branches)."""
    ours = render(data.draw(values), data.draw)
    lines = ours.splitlines(keepends=True)
    start = data.draw(st.integers(0, len(lines)))
    stop = data.draw(st.integers(start, len(lines)))
    edit = data.draw(st.sampled_from(["cut", "double", "add"]))
    middle = {"cut": [], "double": lines[start:stop] * 2,
              "add": [render(data.draw(values), data.draw) + ",\n", *lines[start:stop]]}[edit]
    theirs = "".join([*lines[:start], *middle, *lines[stop:]])
    try:
        _, whole = scan(theirs, "t", "jsonc")
        ours_tree = spans(ours, "t", "jsonc")
    except InputError:
        return
    for path in data.draw(st.lists(st.lists(st.integers(0, 3), max_size=3), max_size=3)):
        node = ours_tree  # scan some of ours' containers, as a writer would have
        for index in path:
            if not node.members or index >= len(node.members):
                break
            node = node.members[index].node
    assert described(spans(theirs, "t", "jsonc", like=(ours, ours_tree))) == described(whole)
