"""The TOML statement writer (tomlspans) on random documents with comments: whenever it places
the merged value into ours' text (it may decline with `Unplaced`), that text reads back to the
merged value, and ours' comments on what the merge kept are still there."""

from __future__ import annotations

import copy
import random
import tomllib
import zlib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statemerge.documents.toml import _entry_text, _value_text
from statemerge.documents.tomlspans import TomlWriter, Unplaced
from statemerge.merging.threeway import merge
from statemerge.merging.values import same

NAMES = ["a", "b", "c", "d", "e", "dotted.key", "x-y"]


def _key(name: str) -> str:
    return f'"{name}"' if "." in name else name


def _comment(*path: Any) -> str:
    """A comment that depends only on where it is: the sides agree on unchanged parts."""
    crc = zlib.crc32(repr(path).encode())
    return f"# about {'.'.join(map(str, path))}" if crc % 3 == 0 else ""


def _scalar(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(item) for item in value) + "]"
    return f'"{value}"' if isinstance(value, str) else str(value).lower()


def _is_entries(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) for i in value)


def _style(path: tuple[Any, ...], name: str, value: Any) -> str:
    """How a table of plain values is written: "" (a [header]), "inline" or "dotted"."""
    if not isinstance(value, dict) or not value or any(
            isinstance(v, dict) or _is_entries(v) for v in value.values()):
        return ""
    return ["", "", "inline", "dotted"][zlib.crc32(name.encode()) % 4]


def render(document: dict[str, Any]) -> str:
    """A TOML text of the document, with comments above and beside some statements."""
    lines: list[str] = []

    def keys(table: dict[str, Any], path: tuple[Any, ...]) -> None:
        for name, value in table.items():
            style = _style(path, name, value)
            if (isinstance(value, dict) and not style) or _is_entries(value):
                continue
            if lead := _comment(*path, name):
                lines.append(lead)
            trailing = "  # t" if zlib.crc32(repr((path, name, value)).encode()) % 4 == 0 else ""
            if style == "dotted":
                lines.extend(f"{_key(name)}.{_key(k)} = {_scalar(v)}" for k, v in value.items())
            elif style == "inline":
                inner = ", ".join(f"{_key(k)} = {_scalar(v)}" for k, v in value.items())
                lines.append(f"{_key(name)} = {{ {inner} }}{trailing}")
            else:
                lines.append(f"{_key(name)} = {_scalar(value)}{trailing}")

    def tables(table: dict[str, Any], path: tuple[str, ...]) -> None:
        for name, value in table.items():
            header = ".".join(_key(step) for step in (*path, name))
            if isinstance(value, dict) and not _style(path, name, value):
                lines.extend(["", *filter(None, [_comment(*path, name, "table")]), f"[{header}]"])
                keys(value, (*path, name))
                tables(value, (*path, name))
            elif _is_entries(value):
                for entry in value:
                    lines.extend(["", *filter(None, [_comment(entry.get("name"), "entry")]),
                                  f"[[{header}]]"])
                    keys(entry, (*path, name, entry.get("name")))
                    tables(entry, (*path, name))

    keys(document, ())
    tables(document, ())
    return "\n".join(lines).lstrip("\n") + "\n"


def _tables(value: Any, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        found.append(value)
        for item in value.values():
            _tables(item, found)
    elif _is_entries(value):
        for item in value:
            _tables(item, found)
    return found


def mutate(document: dict[str, Any], rng: random.Random, count: int) -> dict[str, Any]:
    """A side's edits: keys, tables and entries added, changed and deleted."""
    document = copy.deepcopy(document)
    for _ in range(count):
        table = rng.choice(_tables(document, []))
        name = rng.choice(NAMES)
        action = rng.randrange(6)
        if action == 0 and name in table and name != "name":
            del table[name]
        elif action == 1 and not isinstance(table.get(name), dict | list):
            table[name] = rng.choice([1, 2, "v", True, [1, 2]])
        elif action == 2 and name not in table:
            table[name] = {"k": rng.randrange(3)}
        elif action == 3:
            entries = table.setdefault("bin", [])
            if _is_entries(entries) or entries == []:
                entries.append({"name": rng.choice(["p", "q", "r", "s"]), "n": rng.randrange(2)})
        elif action == 4 and _is_entries(table.get("bin")) and len(table["bin"]) > 1:
            del table["bin"][rng.randrange(len(table["bin"]))]
        elif action == 5 and name in table and not isinstance(table[name], dict | list):
            table[name] = str(table[name]) + "x"
    return document


BASE = {"a": 1, "b": "v", "t": {"c": 2, "d": [1, 2], "u": {"e": 3}},
        "bin": [{"name": "p", "n": 0}, {"name": "q", "n": 1}], "z": {"x-y": True}}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32), st.integers(1, 4), st.integers(1, 4))
def test_the_toml_writer_places_merged_values_faithfully(seed: int, edits: int,
                                                         others: int) -> None:
    rng = random.Random(seed)
    base = mutate(BASE, rng, 2)
    ours, theirs = mutate(base, rng, edits), mutate(base, rng, others)
    texts = [render(side) for side in (base, ours, theirs)]
    values = [tomllib.loads(text) for text in texts]
    result = merge(*values)
    if not result.clean:
        return
    writer = TomlWriter(texts[1], _value_text, _entry_text, (texts[2], values[2]), texts[0])
    try:
        written = writer.write(values[1], result.value)
    except Unplaced:
        return
    assert same(tomllib.loads(written), result.value), written
