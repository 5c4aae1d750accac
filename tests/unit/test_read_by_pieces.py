"""Reading large TOML and JSONC texts piece by piece (`tomlpieces`, `jsoncpieces`) gives the whole
reader's value whenever it gives one, refuses (None) whatever the whole reader refuses, and keeps
the pieces it shares between versions unchanged: on random texts built from the tricky parts
(headers inside strings and arrays, tables defined twice, dotted and inline tables, comments,
trailing commas, keys repeated across pieces) and on random damage to them."""

from __future__ import annotations

import json
from typing import Any

import pytest
import rtoml
from hypothesis import given, settings
from hypothesis import strategies as st

from statemerge.documents.jsonc import parse_jsonc
from statemerge.documents.jsoncpieces import read_pieces as read_jsonc_pieces
from statemerge.documents.tomlpieces import REFUSED
from statemerge.documents.tomlpieces import read_pieces as read_toml_pieces
from statemerge.errors import InputError
from statemerge.jsonvalue import same

TOML_PARTS = st.sampled_from([
    "[a]\n", "[a.b]\n", "[a.b.c]\n", "[[a.t]]\n", "[b]\n", "[[b]]\n", "[b.x]\n", "[\"q\"]\n",
    "  [a.c]\n", "[a] # note\n", "[c]\r\n", "K = 1\n", "K = 'two'\n", "x = 2\n", "b.c = 1\n",
    "b = {c = 1}\n", "t = [1, 2]\n", "K = 2024-05-01T07:32:00Z\n", "K = '''\n[a]\nx = 1\n'''\n",
    'K = """\n[b]\n"""\n', "K = [\n[\"a\"],\n]\n", "K = [\n[1]\n]\n", "# [a]\n", "\n",
    "z = 1", "[a.b] x = 1\n", "b = 1\n", "c.d = 1\n",
])
TOML_TEXTS = st.lists(TOML_PARTS, max_size=12).map(
    lambda parts: "".join(part.replace("K", f"k{index}") for index, part in enumerate(parts)))


def toml_whole(text: str) -> Any:
    try:
        return rtoml.loads(text)
    except ValueError:
        return None


def ordered(value: Any) -> Any:
    """A value with its key order made visible, for comparing it exactly."""
    if isinstance(value, dict):
        return [(key, ordered(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [ordered(item) for item in value]
    return (type(value).__name__, value)


@settings(max_examples=500, deadline=None)
@given(st.lists(TOML_TEXTS, min_size=2, max_size=3))
def test_toml_pieces_read_as_the_whole_text(versions: list[str]) -> None:
    cache: dict[Any, Any] = {}
    for text in versions:
        cache.pop(REFUSED, None)  # one version read whole does not stop the next from trying
        before = {piece: ordered(value) for piece, value in cache.items()}
        read = read_toml_pieces(text, cache)
        whole = toml_whole(text)
        if read is not None:
            assert whole is not None, f"pieces read {text!r}, which is not TOML"
            assert ordered(read) == ordered(whole), text
        assert all(ordered(cache[piece]) == value for piece, value in before.items())


def test_toml_pieces_of_a_large_state_are_read_once_and_shared() -> None:
    base = "".join(f"[agents.a{n}]\nstatus = 'idle'\n[[agents.a{n}.tasks]]\nid = {n}\n"
                   for n in range(200))
    ours = base.replace("[agents.a7]\nstatus = 'idle'", "[agents.a7]\nstatus = 'busy'")
    cache: dict[str, Any] = {}
    base_value, ours_value = read_toml_pieces(base, cache), read_toml_pieces(ours, cache)
    assert base_value == rtoml.loads(base) and ours_value == rtoml.loads(ours)
    assert len(cache) == 202  # the keys before the first header, 200 tables, a7 again
    assert base_value["agents"]["a8"] is ours_value["agents"]["a8"]


JSONC_GAPS = st.sampled_from(["", " // note\n", " /* c */", "// x\n", "/*\n  \"k\": 1,\n*/",
                             " // a, [\n"])
JSONC_SCALARS = (st.none() | st.booleans() | st.integers(-10, 10)
                 | st.sampled_from(["a", "//", '"', "\n", "x,]", "ü"]))
JSONC_VALUES = st.recursive(
    JSONC_SCALARS,
    lambda inner: st.lists(inner, max_size=4)
    | st.lists(st.tuples(st.sampled_from(["k", "id", "", "a\tb", "x"]), inner), max_size=4),
    max_leaves=25)


def jsonc_text(value: Any, draw: Any, indent: str = "") -> str:
    """A value one member a line, as editors write JSONC (pairs lists are objects; keys may
    repeat), with random comments and trailing commas."""
    inner = indent + "  "
    if isinstance(value, list) and value and all(isinstance(item, tuple) for item in value):
        items = [f"{inner}{json.dumps(key)}: {jsonc_text(item, draw, inner)}" for key, item in value]
        opening, closing = "{", "}"
    elif isinstance(value, list):
        items = [f"{inner}{jsonc_text(item, draw, inner)}" for item in value]
        opening, closing = "[", "]"
    else:
        return json.dumps(value, ensure_ascii=False)
    if not items:
        return opening + closing
    trailing = "," if draw(st.booleans()) else ""
    lines = [f"{item},{draw(JSONC_GAPS)}\n" for item in items[:-1]]
    return f"{opening}\n{''.join(lines)}{items[-1]}{trailing}{draw(JSONC_GAPS)}\n{indent}{closing}"


def jsonc_whole(text: str) -> Any:
    try:
        return parse_jsonc(text.encode(), "t")
    except InputError:
        return None


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_jsonc_pieces_read_as_the_whole_text(data: st.DataObject) -> None:
    cache: dict[Any, Any] = {}
    value = data.draw(st.lists(st.tuples(st.sampled_from(["k", "x", "big"]), JSONC_VALUES),
                               min_size=1, max_size=5))
    text = jsonc_text(value, data.draw) + "\n"
    damaged = text
    for _ in range(data.draw(st.integers(0, 2))):
        at = data.draw(st.integers(0, len(damaged)))
        damaged = damaged[:at] + data.draw(st.sampled_from(['"', ",", "/*", "}", "\n", ""])) \
            + damaged[at + data.draw(st.integers(0, 2)):]
    for version in (text, damaged):
        cache.pop(REFUSED, None)
        before = {piece: repr(ordered(value)) for piece, value in cache.items()}
        read = read_jsonc_pieces(version, cache, split=data.draw(st.integers(0, 40)))
        whole = jsonc_whole(version)
        if read is not None:
            assert whole is not None, f"pieces read {version!r}, which is not JSONC"
            assert repr(ordered(read)) == repr(ordered(whole)), version
        assert all(repr(ordered(cache[piece])) == value for piece, value in before.items())


@pytest.mark.parametrize("text", [
    '{\n  "a": 1\n  "b": 2\n}\n',  # a comma missing between pieces
    '{\n  "a": 1,\n  "a": 2,\n}\n',  # a key in two pieces
    '{\n  "a": "x\n  "b": 2\n}\n',  # a string left open
    '{\n  "a": [\n    1,\n  ]\n  "b": 2\n}\n',  # a large member without its comma
    '[\n  "a": {\n    "b": 1\n  },\n]\n',  # a key in an array
])
def test_jsonc_pieces_refuse_what_is_not_jsonc(text: str) -> None:
    assert jsonc_whole(text) is None
    assert read_jsonc_pieces(text, {}, split=0) is None


def test_jsonc_pieces_of_a_large_state_are_read_once_and_shared() -> None:
    records = "".join(f'    "r{n}": {{"id": {n}, "tags": ["a",],}}, // note\n' for n in range(300))
    base = '{\n  // state\n  "version": 1,\n  "records": {\n' + records + "  },\n}\n"
    ours = base.replace('"r7": {"id": 7', '"r7": {"id": 70')
    cache: dict[Any, Any] = {}
    base_value = read_jsonc_pieces(base, cache, split=1000)
    ours_value = read_jsonc_pieces(ours, cache, split=1000)
    assert base_value == jsonc_whole(base) and ours_value == jsonc_whole(ours)
    assert base_value["records"]["r8"] is ours_value["records"]["r8"]


SAME_SCALARS = st.sampled_from([0, 1, 1.0, True, False, None, "1", "a"])
SAME_VALUES = st.recursive(SAME_SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.sampled_from("abc"), inner, max_size=3),
                           max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(SAME_VALUES, SAME_VALUES, st.integers(0, 80))
def test_comparing_shared_values_is_json_equality(a: Any, b: Any, width: int) -> None:
    from statemerge.textmerge import same_shared

    assert same_shared(a, b) == same(a, b)
    shared = {f"k{n}": a for n in range(width)}  # many parts shared, some not
    other = {**shared, "k0": b, "x": b}
    assert same_shared({**shared, "x": a}, other) == same({**shared, "x": a}, other)
    assert same_shared([a] * width + [b], [a] * width + [a]) == same([b], [a])


def test_the_toml_writer_reads_its_text_back_with_the_pieces_of_the_merge_under_way() -> None:
    from statemerge.documents import toml
    from statemerge.merging.threeway import merge
    from statemerge.textmerge import text_format

    base = "".join(f"[agents.a{n}]\nstatus = 'idle'\n[[agents.a{n}.tasks]]\nid = {n}\n\n"
                   for n in range(200))
    ours, theirs = base + "[agents.o]\nruns = 1\n", base + "# theirs\n[agents.t]\nruns = 2\n"
    cache: dict[Any, Any] = {}
    values = [toml.parse_toml(text.encode(), name, cache)
              for text, name in ((base, "base"), (ours, "ours"), (theirs, "theirs"))]
    merged = merge(*values).value
    read = len(cache)
    donors = ((theirs, values[2]), (base, values[0]))
    fmt = text_format("toml")  # the merge's read-back: the pieces of this merge
    written = fmt.write(ours, values[1], merged, "s.toml", donors,
                        lambda text: same(fmt.parse(text.encode(), "merged", cache), merged))
    assert written == ours + "\n# theirs\n[agents.t]\nruns = 2\n"
    assert len(cache) == read + 1  # only [agents.o] with theirs' comment below it is new
    assert toml.write_toml(ours, values[1], merged, donors) == written  # alone: read whole
    assert len(cache) == read + 1
