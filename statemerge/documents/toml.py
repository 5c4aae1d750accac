"""TOML: reading with rtoml (Rust, the fastest maintained reader) or the standard library
(which also names the place of an error) (dates and times as TOML values: `datetime`, `date`,
`time`), and writing a merged value into ours' text with tomlkit, which keeps comments and
layout. tomlkit is imported only when a text must be written anew (a line merge that holds the
merged value is used as it is)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from statemerge.errors import ParseError

_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)|\(at end of document\)")


def parse_toml(data: bytes, source: str, pieces: dict[str, Any] | None = None) -> Any:
    """Parse TOML bytes into plain data; errors name `source`, line and column. `pieces` (for
    large texts): the tables read in other versions of the file (`tomlpieces`)."""
    from statemerge.documents.jsontext import decode

    text = decode(data, source)
    try:
        import rtoml  # four times as fast; tomllib gives the error's place, and has the last word
    except ImportError:
        pass
    else:
        if pieces is not None:
            from statemerge.documents.tomlpieces import read_pieces

            value = read_pieces(text, pieces)
            if value is not None:
                return value
        try:
            return rtoml.loads(text)
        except Exception:  # any refusal: the standard library decides
            pass
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _WHERE.search(message)
        reason = _WHERE.sub("", message).strip().rstrip(".") + "."
        if match is None or match.group(1) is None:
            lines = text.splitlines() or [""]
            raise ParseError(source, reason, len(lines), len(lines[-1]) + 1) from None
        raise ParseError(source, reason, int(match.group(1)), int(match.group(2))) from None


def write_toml(text: str, old: Any, new: Any, donors: tuple[tuple[str, Any], ...] = (),
               holds: Callable[[str], bool] | None = None) -> str:
    """`new` written into ours' TOML `text` (which holds `old`), comments and layout kept.
    `donors`: theirs' (text, value), then base's. Statement by statement (`tomlspans`): what
    theirs added comes from its text with its comments; when that writer cannot place a change
    or its text does not hold `new` (`holds`: the caller's read-back, which reads a large text
    with the merge's pieces; else the whole text is read), tomlkit writes the document, copying
    a value theirs holds as merged from its text."""
    from statemerge.documents.tomlspans import TomlWriter, Unplaced

    if holds is None:
        from statemerge.jsonvalue import same

        def holds(written: str) -> bool:
            return same(parse_toml(written.encode(), "merged"), new)

    try:
        writer = TomlWriter(text, _value_text, _entry_text, donors[0] if donors else None,
                            donors[1][0] if len(donors) > 1 else None)
        written = writer.write(old, new)
        if holds(written):
            return written
    except (Unplaced, ValueError, KeyError, IndexError, ParseError):
        pass
    except Exception as error:  # tomlkit's own errors, for a value it cannot hold
        if not type(error).__module__.startswith("tomlkit"):
            raise
    return _write_tomlkit(text, old, new, donors)


def _value_text(written: str, before: Any, after: Any) -> str:
    """A changed value in place of `written` (which holds `before`): tomlkit edits it (an
    array of plain values item by item, so its comments stay)."""
    import tomlkit

    from statemerge.documents.tomlspans import Unplaced

    document = tomlkit.parse(f"v = {written}\n")
    _apply(document, {"v": before}, {"v": after}, 1, None)
    out = tomlkit.dumps(document)
    if not out.startswith("v = "):
        raise Unplaced("not a value")
    return out[4:].rstrip("\n")


def _entry_text(key: str, value: Any) -> str:
    """`key = value` for a key no side wrote as it is merged."""
    import tomlkit

    document = tomlkit.document()
    document[key] = _item(value, 1)
    return tomlkit.dumps(document)


def _write_tomlkit(text: str, old: Any, new: Any, donors: tuple[tuple[str, Any], ...]) -> str:
    import tomlkit

    document = tomlkit.parse(text)
    donor = None
    for donor_text, donor_value in donors[:1]:
        donor = (tomlkit.parse(donor_text), donor_value)
    _apply(document, old, new, 0, donor)
    return tomlkit.dumps(document)


def _item(value: Any, depth: int) -> Any:
    """A new value: a table of plain values below the top level as an inline table, as people
    write `tokio = { version = "1" }`; anything else as tomlkit converts it."""
    import tomlkit

    if depth and isinstance(value, dict) and all(
            not isinstance(item, dict | list) or (isinstance(item, list) and not any(
                isinstance(element, dict | list) for element in item)) for item in value.values()):
        table = tomlkit.inline_table()
        table.update(value)
        return table
    return value


def _apply(container: Any, old: dict[str, Any], new: dict[str, Any], depth: int,
           donor: tuple[Any, Any] | None) -> None:
    """Make `container` (tomlkit's, holding `old`) hold `new`; `donor`: (tomlkit's, value)."""
    from statemerge.jsonvalue import same

    def given(key: str, value: Any) -> Any:
        if donor is None or not isinstance(donor[1], dict) or key not in donor[1]:
            return None
        held = donor[1][key]
        return donor[0][key] if same(held, value) and type(held) is type(value) else None

    def below(key: str) -> tuple[Any, Any] | None:
        if donor is None or not isinstance(donor[1], dict) or not isinstance(donor[1].get(key), dict):
            return None
        return donor[0][key], donor[1][key]

    for key in [key for key in old if key not in new]:
        del container[key]
    for key, value in new.items():
        before = old.get(key)
        if key in old and same(before, value) and type(before) is type(value):
            continue
        if isinstance(before, dict) and isinstance(value, dict) and key in container:
            _apply(container[key], before, value, depth + 1, below(key))
        elif (isinstance(before, list) and isinstance(value, list) and len(before) == len(value)
              and all(isinstance(item, dict) for item in [*before, *value])):
            target = container[key]
            for index, (was, now) in enumerate(zip(before, value, strict=True)):
                _apply(target[index], was, now, depth + 1, None)
        elif (item := given(key, value)) is not None and not isinstance(value, dict):
            container[key] = item
        elif not (isinstance(before, list) and isinstance(value, list)
                  and _edit_array(container[key], before, value)):
            container[key] = _item(value, depth)


def _edit_array(array: Any, before: list[Any], after: list[Any]) -> bool:
    """Turn tomlkit's array (holding `before`) into `after` by inserting and deleting items,
    so the other items keep their lines and comments; False when it is not such an array."""
    from difflib import SequenceMatcher

    import tomlkit.items

    from statemerge.jsonvalue import identity

    if not isinstance(array, tomlkit.items.Array) or any(
            isinstance(element, dict) for element in [*before, *after]):
        return False
    matcher = SequenceMatcher(None, [identity(e) for e in before], [identity(e) for e in after],
                              autojunk=False)
    for tag, start, end, new_start, new_end in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        for index in range(end - 1, start - 1, -1):
            del array[index]
        for offset, element in enumerate(after[new_start:new_end]):
            array.insert(start + offset, element)
    return True
