"""Reading large JSONC texts member by member, so that the versions of a merge parse once.

The three versions of a file (and the merged text read back) share most of their bytes. A large
object or array written one member a line (`{` ending its line, `}` starting one) is cut at the
lines where its members start; each piece is read on its own by the fast reader (`jsoncfast`)
once per distinct text, and identical pieces give one shared value. What is read is proved to be
what the whole text means, else the answer is None and the whole text is read:
- each piece but the last reads as the members of an object (the elements of an array) followed
  by one more, `{piece "": 0}` (`[piece 0]`), and the last as `{piece}`: so each piece holds
  whole members, each followed by its comma, wherever the cuts fall (a cut inside a string or a
  comment leaves a piece unclosed);
- no key stands in two pieces;
- a large member is cut in turn only when its piece is exactly the key, the container and at
  most a comma.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

SPLIT = 1 << 14  # containers larger than this many characters are cut
MAX_LEVELS = 32  # containers within containers cut, at most
_INDENT = re.compile(r"[ \t]+")
_KEY = re.compile(r'[ \t]*"([^"\\\x00-\x1f]*)"[ \t]*:[ \t]*(?=[\[{]\n)')
_TAIL = re.compile(r"[ \t]*(,?)[ \t]*\n?\Z")
REFUSED = "refused"  # a cache key: a version was read whole, the others are too


class _Whole(Exception):
    """The text is not in the shape this reader proves: read it whole."""


def read_pieces(text: str, cache: dict[Any, Any], split: int = SPLIT) -> Any | None:
    """The value of a JSONC text read piece by piece (`cache`: piece -> value, shared by the
    versions of one merge; containers larger than `split` are cut), or None when only the whole
    text's reader can answer."""
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    if REFUSED in cache or text[start:start + 2] not in ("{\n", "[\n"):
        return None
    indent = _INDENT.match(text, start + 2)
    if indent is None:
        return None
    try:
        return _Cutter(cache, split, indent.group()).container(text, start, end - 1, "", 0)
    except _Whole:
        cache[REFUSED] = True
        return None


@lru_cache(maxsize=64)
def _member_line(indent: str, in_object: bool) -> re.Pattern[str]:
    return re.compile("\n" + re.escape(indent) + ('"' if in_object else r"[^\s\]}/]"))


class _Cutter:
    def __init__(self, cache: dict[Any, Any], split: int, unit: str) -> None:
        self.cache, self.split, self.unit = cache, split, unit  # unit: one level's indent

    def container(self, text: str, start: int, close: int, indent: str, level: int) -> Any:
        """The object or array from `start` (its `{` or `[`, ending the line) to `close` (its
        closing bracket, after `indent` at the start of a line)."""
        in_object = text[start] == "{"
        if (text[close] != ("}" if in_object else "]") or level > MAX_LEVELS
                or text[close - len(indent) - 1:close] != "\n" + indent):
            raise _Whole
        inner = indent + self.unit
        body_end = close - len(indent)  # the start of the closing line
        cuts = [match.start() + 1 for match in _member_line(inner, in_object).finditer(
            text, start + 1, body_end)]
        bounds = [start + 2, *(cut for cut in cuts if cut > start + 2), body_end]
        members: dict[str, Any] = {}
        elements: list[Any] = []
        last = len(bounds) - 2
        for index in range(last + 1):
            piece = text[bounds[index]:bounds[index + 1]]
            nested = self.nested(piece, inner, level, index == last, in_object)
            if nested is not None:
                key, value = nested
                if key is None:
                    elements.append(value)
                elif key in members:
                    raise _Whole
                else:
                    members[key] = value
                continue
            value = self.read(piece, in_object, index == last)
            if not in_object:
                elements.extend(value)
            elif members.keys().isdisjoint(value):
                members.update(value)
            else:
                raise _Whole  # a key in two pieces
        return members if in_object else elements

    def nested(self, piece: str, indent: str, level: int, last: bool, in_object: bool
               ) -> tuple[str | None, Any] | None:
        """A large member that is exactly a key (objects), a container and at most a comma,
        read by cutting the container in turn; None for any other piece."""
        if len(piece) <= self.split:
            return None
        key_match = _KEY.match(piece) if in_object else None
        if in_object and key_match is None:
            return None
        start = key_match.end() if key_match else len(piece) - len(piece.lstrip(" \t"))
        if piece[start:start + 2] not in ("{\n", "[\n"):
            return None
        line = piece.rfind("\n" + indent + ("}" if piece[start] == "{" else "]"))
        if line <= start:
            return None
        close = line + 1 + len(indent)
        tail = _TAIL.match(piece, close + 1)
        if tail is None or (not last and not tail.group(1)):
            return None
        value = self.container(piece, start, close, indent, level + 1)
        return (key_match.group(1) if key_match else None), value

    def read(self, piece: str, in_object: bool, last: bool) -> Any:
        """The members (a dict) or elements (a list) a piece holds, read by the fast reader."""
        from statemerge.documents.jsoncfast import parse_fast

        wrapped = ("{" + piece + ("}" if last else '"": 0}') if in_object
                   else "[" + piece + ("]" if last else "0]"))
        value = self.cache.get(wrapped)
        if value is None:
            read = parse_fast(wrapped)
            if read is None:
                raise _Whole
            value = read[0]
            if not last:
                end = value.pop("") if in_object else value.pop()
                if end != 0 or type(end) is not int:
                    raise _Whole
            self.cache[wrapped] = value
        return value
