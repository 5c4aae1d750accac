"""Parsing large JSON documents written in the common 2-space layout, piece by piece.

Three versions of a state file share most of their bytes. The document is split at the member
(or element) lines of its large objects and arrays with a regular expression, each piece is parsed
once per distinct bytes, and identical pieces give one shared Python object: a merge then finds
unchanged subtrees by identity, and parsing costs about one version instead of three.

Each piece is proved exact by writing it back (identical bytes: no duplicate key, no integer
beyond 64 bits, no unusual float spelling), and the glue between pieces is checked byte for byte;
any difference returns None and the caller parses the whole document the ordinary way.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import orjson

SPLIT = 32768  # containers larger than this many bytes are split into pieces
Cache = dict[bytes, Any]


class _NotChunkable(Exception):
    """The document is not in the layout this parser proves exact."""


@lru_cache(maxsize=64)
def _piece_start(depth: int, in_object: bool) -> re.Pattern[bytes]:
    indent = b" " * (2 * depth)
    return re.compile(b"\n" + indent + (b'"' if in_object else b"[^ }\\]]"))


def _piece_starts(data: bytes, start: int, end: int, depth: int, in_object: bool) -> list[int]:
    """Where the members (or elements) of a container at `depth` start: their indent."""
    pattern = _piece_start(depth, in_object)
    return [match.start() + 1 for match in pattern.finditer(data, start, end)]


_KEY = re.compile(rb'"((?:[^"\\\n]|\\.)*)": ')


def parse_pieces(data: bytes, cache: Cache) -> Any | None:
    """The value of a 2-space-indented JSON document (trailing newline optional), or None."""
    end = len(data) - 1 if data.endswith(b"\n") else len(data)
    try:
        return _value(data, 0, end, 0, cache)
    except (_NotChunkable, orjson.JSONDecodeError):
        return None


def _value(data: bytes, start: int, end: int, depth: int, cache: Cache) -> Any:
    if end - start > SPLIT and data[start:start + 2] in (b"{\n", b"[\n"):
        return _container(data, start, end, depth, cache)
    piece = data[start:end]
    if piece in cache:
        return cache[piece]
    value = orjson.loads(piece)
    rendered = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    if depth:
        rendered = rendered.replace(b"\n", b"\n" + b" " * (2 * depth))
    if rendered != piece:
        raise _NotChunkable
    cache[piece] = value
    return value


def _container(data: bytes, start: int, end: int, depth: int, cache: Cache) -> Any:
    in_object = data[start] == ord("{")
    closing = b"\n" + b" " * (2 * depth) + (b"}" if in_object else b"]")
    if data[end - len(closing):end] != closing:
        raise _NotChunkable
    body_end = end - len(closing)
    starts = _piece_starts(data, start + 1, body_end, depth + 1, in_object)
    if not starts or starts[0] != start + 2:
        raise _NotChunkable
    bounds = [*starts[1:], body_end + 2]  # each piece ends two bytes (",\n") before the next
    prefix = 2 * (depth + 1)
    if in_object:
        members: dict[str, Any] = {}
        for piece_start, next_start in zip(starts, bounds, strict=True):
            key_match = _KEY.match(data, piece_start + prefix)
            if key_match is None:
                raise _NotChunkable
            piece_end = next_start - 2
            if next_start != bounds[-1] and data[piece_end:next_start] != b",\n":
                raise _NotChunkable
            key = orjson.loads(data[key_match.start():key_match.end() - 2])
            if key in members:
                raise _NotChunkable  # a duplicate key: the exact parser reports it
            members[key] = _value(data, key_match.end(), piece_end, depth + 1, cache)
        return members
    elements: list[Any] = []
    for piece_start, next_start in zip(starts, bounds, strict=True):
        piece_end = next_start - 2
        if next_start != bounds[-1] and data[piece_end:next_start] != b",\n":
            raise _NotChunkable
        elements.append(_value(data, piece_start + prefix, piece_end, depth + 1, cache))
    return elements
