"""JSON text: strict parsing with positions in errors, duplicate keys refused, layout detection
and rendering in a detected layout.

Parsing takes orjson's fast path and proves it safe by rendering the value back: when the bytes
come back identical, the document held no duplicate key, no integer beyond 64 bits and no float
spelled unusually. Otherwise the standard library parses it again, exactly (big integers kept,
duplicate keys refused with their line).
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

from statemerge.documents.utf8 import not_utf8
from statemerge.errors import DuplicateKeyError, ParseError
from statemerge.jsonvalue import escape_surrogates, loads_strict
from statemerge.records import Record

MAX_DEPTH = 1000


def decode(data: bytes, source: str) -> str:
    """UTF-8 text (a BOM is dropped); binary or other encodings are bad input."""
    if b"\x00" in data:
        raise ParseError(source, "binary content (NUL bytes); expected a UTF-8 text file.")
    bad = not_utf8(data)
    if bad is not None:
        raise ParseError(source, "not valid UTF-8 text.", bad.line)
    return data.decode("utf-8").removeprefix("\ufeff")


class JsonLayout(Record):
    """How a JSON document is written: enough to write a merged one the same way."""

    indent: str | None = "  "  # None: all on one line
    key_separator: str = ": "
    newline: str = "\n"
    final_newline: bool = True
    ascii_only: bool = False
    inline_gap: str = " "  # after a comma between items written on one line

    @property
    def orjson_native(self) -> bool:
        """Whether orjson renders this layout exactly (2-space indent or compact)."""
        return (self.newline == "\n" and not self.ascii_only
                and ((self.indent == "  " and self.key_separator == ": ")
                     or (self.indent is None and self.key_separator == ":")))


_INDENT = re.compile(r"\n([ \t]+)\S")
_INLINE_COMMA = re.compile(r',([ \t]*)[^\s]')
_KEY_SEPARATOR = re.compile(r'"(?:[^"\\\n]|\\.)*"([ \t]*:[ \t]*)')


def detect_layout(text: str) -> JsonLayout:
    """The layout of a JSON document, from its first lines."""
    head = text[:65536]
    indent_match = _INDENT.search(head)
    indent = indent_match.group(1) if indent_match else None
    separator_match = _KEY_SEPARATOR.search(head)
    key_separator = separator_match.group(1) if separator_match else (": " if indent else ":")
    newline = "\r\n" if "\r\n" in head else "\n"
    ascii_only = text.isascii() and "\\u" in head
    comma_match = _INLINE_COMMA.search(head)
    inline_gap = comma_match.group(1) if comma_match else (" " if indent or ": " in key_separator
                                                           else "")
    return JsonLayout(indent, key_separator.strip() + (" " if key_separator.endswith(" ") else ""),
                      newline, text.endswith("\n"), ascii_only, inline_gap)


SMALL = 65536  # below this many bytes the standard library is as fast and starts faster


def render(value: Any, layout: JsonLayout, *, small: bool = False) -> str:
    """A value as JSON text in a layout (orjson where it renders the layout exactly, unless the
    document is `small`: then the standard library, which needs no import of orjson)."""
    body: str | None = None
    if layout.orjson_native and not small:
        import orjson

        try:
            option = orjson.OPT_INDENT_2 if layout.indent else 0
            body = orjson.dumps(value, option=option).decode()
        except TypeError:  # integers beyond 64 bits, or nesting orjson refuses
            body = None
    if body is None:
        body = json.dumps(value, indent=layout.indent, ensure_ascii=layout.ascii_only,
                          separators=(",", layout.key_separator))
        if layout.newline != "\n":
            body = body.replace("\n", layout.newline)
        if not layout.ascii_only:
            body = escape_surrogates(body)
    return body + (layout.newline if layout.final_newline else "")


def render_bytes(value: Any, layout: JsonLayout) -> bytes:
    """`render` as bytes: orjson's output as it comes for the layouts orjson writes exactly."""
    if layout.orjson_native:
        import orjson

        try:
            body = orjson.dumps(value, option=orjson.OPT_INDENT_2 if layout.indent else 0)
        except TypeError:  # integers beyond 64 bits, or nesting orjson refuses
            pass
        else:
            return body + (b"\n" if layout.final_newline else b"")
    return render(value, layout).encode()


def parse_json(data: bytes, source: str) -> Any:
    """Parse a JSON document into plain data; errors name the file, line and column."""
    return parse_json_layout(data, decode(data, source), source)[0]


def parse_json_layout(data: bytes, text: str, source: str) -> tuple[Any, JsonLayout, bool]:
    """The value, the layout, and whether rendering the value in that layout gives `text`."""
    if not text or text.isspace():
        raise ParseError(source, "empty file; expected a JSON document.", 1, 1)
    layout = detect_layout(text)
    if len(data) < SMALL:  # the exact parser is fast enough, and orjson's import is not free
        value = _parse_exactly(text, source)
        return value, layout, layout.orjson_native and render(value, layout, small=True) == text
    import orjson

    try:
        value = orjson.loads(data if not data.startswith(b"\xef\xbb\xbf") else text)
    except orjson.JSONDecodeError:
        pass  # the exact parser below says where
    else:
        try:
            if layout.orjson_native and render(value, layout) == text:
                return value, layout, True
        except RecursionError:
            pass  # deeper than the encoder goes: the exact parser decides
    return _parse_exactly(text, source), layout, False


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return value


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1  # type: ignore[assignment]
    return depth


class _UnrepresentableNumber(Exception):
    def __init__(self, spelling: str, reason: str) -> None:
        self.spelling = spelling
        self.reason = reason


def _checked_float(spelling: str) -> float:
    """A float that keeps its value: 1e400 (Infinity, invalid JSON when written back) and
    1e-400 (0.0) would not, so they are refused rather than silently changed."""
    value = float(spelling)
    if value != 0 and not math.isinf(value):
        return value
    if math.isinf(value):
        raise _UnrepresentableNumber(spelling, "is too large for a 64-bit float (it would become "
                                     "Infinity)")
    if value == 0 and any(digit in "123456789" for digit in spelling.lower().split("e")[0]):
        raise _UnrepresentableNumber(spelling, "is too small for a 64-bit float (it would "
                                     "become 0)")
    return value


def _parse_exactly(text: str, source: str) -> Any:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(_stack_depth() + MAX_DEPTH + 20)  # the C scanner nests one per level
    try:
        return loads_strict(text, object_pairs_hook=_pairs, parse_float=_checked_float)
    except _UnrepresentableNumber as number:
        at = text.find(number.spelling)
        number_line = text.count("\n", 0, at) + 1
        number_column = at - (text.rfind("\n", 0, at) + 1) + 1
        shown = number.spelling if len(number.spelling) <= 40 else number.spelling[:37] + "..."
        raise ParseError(source, f"the number {shown} {number.reason}; refused rather than "
                         "changed.", number_line, number_column) from None
    except json.JSONDecodeError as error:
        raise ParseError(source, _sentence(error.msg), error.lineno, error.colno) from None
    except _Duplicate as duplicate:
        line, column = _locate_duplicate(text, duplicate.key)
        raise DuplicateKeyError(source, duplicate.key, line, column) from None
    except RecursionError:
        raise ParseError(source, f"nested deeper than {MAX_DEPTH} levels.") from None
    except ValueError as error:
        raise ParseError(source, _sentence(str(error))) from None
    finally:
        sys.setrecursionlimit(limit)


def _sentence(message: str) -> str:
    first_word = message.split(" ", 1)[0]
    if first_word[:1].isupper() and first_word[1:].islower():
        message = message[0].lower() + message[1:]
    return f"invalid JSON: {message or 'not a JSON document'}."


_TOKEN = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"|[{}\[\]:,]')  # possessive: linear


def _locate_duplicate(text: str, key: str) -> tuple[int | None, int | None]:
    """The line and column of the second occurrence of `key` within one object."""
    stack: list[set[str] | None] = []
    expect_key = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token == "{":
            stack.append(set())
            expect_key = True
        elif token == "[":
            stack.append(None)
        elif token in "}]":
            if stack:
                stack.pop()
        elif token == ",":
            expect_key = bool(stack) and stack[-1] is not None
        elif token == ":":
            expect_key = False
        elif expect_key and stack and stack[-1] is not None:
            name = json.loads(token)
            if name in stack[-1] and name == key:
                line = text.count("\n", 0, match.start()) + 1
                column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
                return line, column
            stack[-1].add(name)
    return None, None
