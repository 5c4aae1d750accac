"""JSON with comments (JSONC: `tsconfig.json`, VS Code settings) and JSON5: parsing to plain data,
and the span tree of a text (values, members, the comments and commas around them) for writing.

Large texts are read by `jsoncfast` (one regex pass, orjson) when it can be sure of the value.
Otherwise reading takes a fast path first: comments are blanked out (same length, newlines kept) and
trailing commas dropped, and the strict JSON reader parses the rest, so errors keep their
line:col. What that cannot read (JSON5's single quotes, bare keys, hex numbers, `Infinity`)
the tokenizer below reads, which also records where every value stands.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from statemerge.errors import DuplicateKeyError, ParseError

if TYPE_CHECKING:
    from statemerge.documents.jsoncshared import SharedText

Dialect = Literal["jsonc", "json5"]
MAX_DEPTH = 1000

# a comma is trailing when white space and whole comments (atomic: a `]` inside one does not
# count) lead to `}` or `]`
_CANDIDATE = re.compile(r'//|/\*|,(?=(?:\s|(?>//[^\n]*)|(?>/\*[\s\S]*?\*/))*[}\]])')
_QUOTE_OR_ESCAPE = re.compile(r'\\.|"')
_BLANK = re.compile(r"[^\n]")


def _syntax(text: str) -> list[tuple[int, int]]:
    """Where the comments and trailing commas stand (outside strings): (start, end)."""
    found: list[tuple[int, int]] = []
    last_end = 0
    rfind, count, find = text.rfind, text.count, text.find
    position = 0
    while (match := _CANDIDATE.search(text, position)) is not None:  # from each comment's end
        start, position = match.start(), match.end()
        line_start = rfind("\n", 0, start) + 1
        if line_start < last_end:
            line_start = last_end
        if (count('"', line_start, start) % 2 if find("\\", line_start, start) < 0
                else _inside_string(text[line_start:start])):
            continue
        token = match.group()
        if token == ",":
            before = start - 1
            while before >= 0 and text[before] in " \t\r\n":
                before -= 1
            if before >= 0 and text[before] not in ",[{":  # `,,` and `[,` stay for the reader
                found.append((start, start + 1))
                last_end = start + 1
            continue
        if token == "//":
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
        else:
            end = text.find("*/", start + 2)
            if end < 0:
                break  # unterminated: the reader says where
            end += 2
        found.append((start, end))
        last_end = position = end
    return found


def _inside_string(line: str) -> bool:
    """Whether the end of a line's beginning is inside a string (JSON strings do not span
    lines): an odd number of unescaped quotes before it."""
    if "\\" not in line:
        return line.count('"') % 2 == 1
    inside = False
    for quote in _QUOTE_OR_ESCAPE.finditer(line):
        if quote.group() == '"':
            inside = not inside
    return inside


def has_jsonc_syntax(text: str) -> bool:
    """Whether a text that is not plain JSON has comments or trailing commas outside strings."""
    return bool(_syntax(text))


def _strip(text: str, syntax: list[tuple[int, int]]) -> str:
    """The text with comments and trailing commas (`syntax`) blanked, positions unchanged."""
    pieces, position = [], 0
    for start, end in syntax:
        pieces.append(text[position:start])
        pieces.append(" " if end - start == 1 else _BLANK.sub(" ", text[start:end]))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def parse_jsonc(data: bytes, source: str, dialect: Dialect = "jsonc",
                pieces: dict[Any, Any] | None = None) -> Any:
    """Parse JSONC or JSON5 bytes into plain data; errors name `source`, line and column.
    `pieces` (for large texts): the members read in other versions of the file (`jsoncpieces`)."""
    from statemerge.documents.jsontext import SMALL, _parse_exactly, decode, parse_json

    text = decode(data, source)
    if pieces is not None:
        from statemerge.documents.jsoncpieces import read_pieces

        value = read_pieces(text, pieces)
        if value is not None:
            return value
    if len(data) >= SMALL:  # orjson's import pays off
        from statemerge.documents.jsoncfast import parse_fast

        fast = parse_fast(text)
        if fast is not None and fast[1]:
            return fast[0]
        if fast is not None:  # plain JSON
            return parse_json(data, source)
    syntax = _syntax(text)
    if not syntax or not text.strip():  # plain JSON: its fast, exact reader
        try:
            return parse_json(data, source)
        except ParseError:
            if dialect == "jsonc":
                raise
            return scan(text, source, dialect)[0]
    try:  # positions kept: the exact reader's errors point into the original text
        return _parse_exactly(_strip(text, syntax), source)
    except DuplicateKeyError:
        raise
    except ParseError as strict:
        if dialect == "jsonc":
            raise
        try:
            return scan(text, source, dialect)[0]
        except ParseError as error:
            raise error from None if error.line is not None else strict


class Node:
    """Where a value stands; for containers, its members (None for scalars) and whether the
    last has a trailing comma. A container of `spans` is scanned when its members are first
    asked for."""

    __slots__ = ("_members", "_scanner", "end", "start", "trailing_comma")

    def __init__(self, start: int, end: int, members: list[Member] | None = None,
                 trailing_comma: bool = False) -> None:
        self.start, self.end = start, end
        self._members, self.trailing_comma = members, trailing_comma
        self._scanner: _Scanner | None = None  # set while the members are not scanned yet

    @property
    def scanned_members(self) -> list[Member] | None:
        """The members when they are scanned already (None otherwise): scans nothing."""
        return self._members if self._scanner is None else None

    @property
    def members(self) -> list[Member] | None:
        if self._scanner is not None:
            scanner, self._scanner = self._scanner, None
            scanner.position = self.start + 1
            _, scanned = scanner.container(self.start, "}" if scanner.text[self.start] == "{"
                                           else "]", 1)
            self._members, self.trailing_comma = scanned.members, scanned.trailing_comma
        return self._members


@dataclass
class Member:
    """One item of a container: `lead` (comments, blank lines) from `lead_start` to `start`,
    then the key and separator (objects), the value `node`, and up to `after_end` the comma
    and what follows it on the same line."""

    lead_start: int
    start: int
    key: str | None
    node: Node
    comma: int | None = None  # where its comma stands
    after_end: int = 0
    key_end: int = 0  # objects: where the key's token ends
    bare_key: bool = False


_TOKEN = re.compile(
    r"""(?P<space>[ \t\r\n\f\v\u00a0\ufeff\u2028\u2029]+)|(?P<line>//[^\n\r\u2028\u2029]*)"""
    r"""|(?P<block>/\*[\s\S]*?\*/)|(?P<string>"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*')"""
    r"""|(?P<punct>[{}\[\],:])|(?P<word>[^\s{}\[\],:"'/]+)""")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?\Z")
_NUMBER5 = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+|Infinity|NaN)\Z")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*\Z")
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "0": "\0",
            "\n": "", "\r": "", "\u2028": "", "\u2029": ""}


class _Scanner:
    def __init__(self, text: str, source: str, dialect: Dialect, *, lazy: bool = False,
                 like: SharedText | None = None) -> None:
        self.text, self.source, self.dialect = text, source, dialect
        self.position = 0
        self.lazy = lazy  # `spans`: containers below the one being scanned are passed over
        self.like = like  # `spans`: what a text agrees on with another, already scanned
        self._blanked: str | None = None

    def fail(self, reason: str, position: int) -> ParseError:
        line = self.text.count("\n", 0, position) + 1
        column = position - (self.text.rfind("\n", 0, position) + 1) + 1
        return ParseError(self.source, reason, line, column)

    def token(self) -> tuple[str, str, int]:
        """The next token after white space and comments: (kind, text, start)."""
        text = self.text
        while True:
            if self.position >= len(text):
                return "end", "", self.position
            match = _TOKEN.match(text, self.position)
            if match is None:
                what = "unterminated comment" if text.startswith("/*", self.position) else (
                    "unterminated string" if text[self.position] in "\"'" else "unexpected character")
                raise self.fail(f"{what}.", self.position)
            kind = match.lastgroup or ""
            self.position = match.end()
            if kind not in ("space", "line", "block"):
                return kind, match.group(), match.start()

    def peek(self) -> tuple[str, str, int]:
        saved = self.position
        token = self.token()
        self.position = saved
        return token

    def value(self, depth: int) -> tuple[Any, Node]:
        kind, token, start = self.token()
        if depth > MAX_DEPTH:
            raise self.fail(f"nested deeper than {MAX_DEPTH} levels.", start)
        if token in ("{", "[") and depth and self.lazy:
            return None, self._skipped(start)
        if token == "{":
            return self.container(start, "}", depth)
        if token == "[":
            return self.container(start, "]", depth)
        if kind == "string":
            return self.string(token, start), Node(start, start + len(token))
        if kind == "word":
            return self.word(token, start), Node(start, start + len(token))
        raise self.fail("end of file; expected a value." if kind == "end"
                        else f"unexpected {token!r}; expected a value.", start)

    def string(self, token: str, start: int) -> str:
        if token.startswith("'") and self.dialect == "jsonc":
            raise self.fail("single-quoted strings are JSON5, not JSONC.", start)
        if (token.startswith('"') and self.dialect == "jsonc") or "\\" not in token:
            try:
                return str(json.loads(token)) if token.startswith('"') else token[1:-1]
            except json.JSONDecodeError as error:
                raise self.fail(f"bad string ({error.msg}).", start + error.pos) from None
        out, index, body = [], 0, token[1:-1]
        while index < len(body):
            char = body[index]
            if char != "\\":
                out.append(char)
                index += 1
                continue
            escape = body[index + 1]
            if escape == "u" or escape == "x":
                size = 4 if escape == "u" else 2
                digits = body[index + 2:index + 2 + size]
                if not re.fullmatch(f"[0-9a-fA-F]{{{size}}}", digits):
                    raise self.fail("bad escape in a string.", start + 1 + index)
                out.append(chr(int(digits, 16)))
                index += 2 + size
                continue
            if escape == "\r" and body[index + 2:index + 3] == "\n":
                index += 1
            out.append(_ESCAPES.get(escape, escape))
            index += 2
        joined = "".join(out)
        try:  # surrogate pairs written as two \u escapes
            return joined.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:
            return joined

    def word(self, token: str, start: int) -> Any:
        if token in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[token]
        if _NUMBER.match(token):
            return json.loads(token)
        if self.dialect == "json5" and _NUMBER5.match(token):
            sign = -1 if token.startswith("-") else 1
            body = token.lstrip("+-")
            if body in ("Infinity", "NaN"):
                return sign * math.inf if body == "Infinity" else math.nan
            if body[:2] in ("0x", "0X"):
                return sign * int(body, 16)
            number = float(body)
            return sign * (int(number) if re.fullmatch(r"\d+", body) else number)
        raise self.fail(f"unexpected {token!r}; expected a value.", start)

    def container(self, start: int, closing: str, depth: int) -> tuple[Any, Node]:
        node = Node(start, 0, [])
        assert node.members is not None
        result: Any = {} if closing == "}" else []
        if self.like is not None and (shared := self.like.prefix_members(start)):
            node.members.extend(shared)  # the same bytes: the same members (values not needed)
            result = {member.key: None for member in shared} if closing == "}" else [None] * len(
                shared)
            self.position = shared[-1].after_end
            node.trailing_comma = shared[-1].comma is not None and self.peek()[1] == closing
        while True:
            lead_start = self.position
            kind, token, token_start = self.peek()
            if token == closing:
                self.token()
                node.end = token_start + 1
                return result, node
            key, bare = None, False
            if closing == "}":
                self.token()
                if kind == "string":
                    key = self.string(token, token_start)
                elif kind == "word" and self.dialect == "json5" and _IDENT.match(token):
                    key, bare = token, True
                else:
                    raise self.fail(f"unexpected {token or 'end of file'!r}; expected a key or "
                                    f"{closing!r}.", token_start)
                if key in result:
                    line = self.text.count("\n", 0, token_start) + 1
                    raise DuplicateKeyError(self.source, key, line,
                                            token_start - self.text.rfind("\n", 0, token_start))
                colon = self.token()
                if colon[1] != ":":
                    raise self.fail(f"expected ':' after the key {key!r}.", colon[2])
            value, child = self.value(depth + 1)
            member = Member(lead_start, token_start, key, child, key_end=token_start + len(token),
                            bare_key=bare)
            node.members.append(member)
            if closing == "}":
                result[key] = value
            else:
                result.append(value)
            kind, token, token_start = self.token()
            if token == ",":
                member.comma = token_start
                self.position = token_start + 1
                member.after_end = _line_rest(self.text, self.position)
                self.position = member.after_end
                if self.peek()[1] == closing:
                    node.trailing_comma = True
                continue
            if token == closing:
                member.after_end = child.end
                node.end = token_start + 1
                return result, node
            raise self.fail(f"expected ',' or {closing!r}.", token_start)


    def _skipped(self, start: int) -> Node:
        """A container below the one being scanned, passed over at C speed (its end found by
        the JSON decoder in the blanked text, or known from the text this one agrees with), to
        be scanned if its members are asked for."""
        end = None
        if self.like is not None:
            end = self.like.end_of(start) or self.like.end_in_middle(self.text, start)
        if end is None:
            if self._blanked is None:
                from statemerge.documents.jsoncfast import blank_fast

                self._blanked = blank_fast(self.text) or _strip(self.text, _syntax(self.text))
            try:
                end = _DECODER.raw_decode(self._blanked, start)[1]
            except ValueError:  # not plain JSON after blanking: scan it now
                self.position = start + 1
                return self.container(start, "}" if self.text[start] == "{" else "]", 1)[1]
        node = Node(start, end)
        node._scanner = self
        self.position = end
        return node


_DECODER = json.JSONDecoder()


def _line_rest(text: str, position: int) -> int:
    """After a comma: the end of the same-line white space and comments, with the newline."""
    match = re.compile(r"[ \t]*(?://[^\n]*|/\*[^\n]*?\*/[ \t]*)?(?:\r?\n)?").match(text, position)
    return match.end() if match else position


def spans(text: str, source: str, dialect: Dialect, like: tuple[str, Node] | None = None
          ) -> Node:
    """The span tree of a JSONC/JSON5 text that reads (for writing into it): only the root's
    members are scanned at first, the others when asked for, so writing a change into a large
    text scans the containers on the way to it, not the whole text (JSONC; JSON5 is scanned
    whole). `like`: another version's text and span tree (ours, for theirs): what lies where
    the two agree is taken from it, not scanned again."""
    if dialect != "jsonc":
        return _scan(_Scanner(text, source, dialect))[1]
    shared = None
    if like is not None:
        from statemerge.documents.jsoncshared import SharedText

        shared = SharedText(text, *like)
    return _scan(_Scanner(text, source, dialect, lazy=True, like=shared))[1]


def scan(text: str, source: str, dialect: Dialect) -> tuple[Any, Node]:
    """Parse a JSONC/JSON5 text into its value and span tree."""
    return _scan(_Scanner(text, source, dialect))


def _scan(scanner: _Scanner) -> tuple[Any, Node]:
    source, dialect = scanner.source, scanner.dialect
    kind, token, start = scanner.peek()
    if kind == "end":
        raise ParseError(source, f"empty file; expected a {dialect.upper()} document.", 1, 1)
    value, node = scanner.value(0)
    kind, token, start = scanner.token()
    if kind != "end":
        raise scanner.fail(f"unexpected {token!r} after the document.", start)
    return value, node
