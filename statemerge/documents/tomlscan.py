"""TOML as statements: where each key/value, `[table]` header and `[[array]]` entry header of a
text stands, with the comment lines directly above it (its lead) and the address of what it
defines (keys, with the index of each array-of-tables entry on the way). The text is already
known to be valid TOML; this only finds spans, the values come from the reader."""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from statemerge.documents.agreement import common_prefix

_INDENT = re.compile(r"[ \t]*")
_KEY = re.compile(r"[ \t]*(?:([A-Za-z0-9_-]+)|\"((?:[^\"\\\n]++|\\.)*+)\"|'([^'\n]*)')[ \t]*")
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|.)")
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b",
                   '"': '"', "\\": "\\"}
_TOKENS = {
    '"""': re.compile(r'"""(?:[^"\\]++|\\[\s\S]|"(?!""))*+"""(?:"{1,2})?'),
    '"': re.compile(r'"(?:[^"\\\n]++|\\.)*+"'),
    "'''": re.compile(r"'''[\s\S]*?'''(?:'{1,2})?"),
    "'": re.compile(r"'[^'\n]*'"),
}
# the common lines, read whole by one match: `key = value  # comment` with a bare key and a
# value of numbers, dates, words, plain strings and one flat array; `[bare.keys]` headers
_PLAIN_VALUE = r"""(?:"[^"\\\n]*"|[^"'\[\]{}#\n])"""
_SIMPLE_KEY = re.compile(r"[ \t]*([A-Za-z0-9_-]+)[ \t]*=[ \t]*(" + _PLAIN_VALUE + r"*?(?:\[" + (
    _PLAIN_VALUE) + r"*\])?)[ \t]*(?:#[^\n]*)?(?:\n|\Z)")
_SIMPLE_HEADER = re.compile(r"[ \t]*(\[\[?)([A-Za-z0-9_.-]+)\]\]?[ \t]*(?:#[^\n]*)?(?:\n|\Z)")
# what a large text is mostly made of, read at C speed: runs of blank lines and key lines whose
# value is plain (numbers, dates, words, strings without escapes, one flat array) -- each of
# them a whole `_SIMPLE_KEY` statement -- with the comment lines above them; a section: the
# comment lines above a plain header, the header, and such a run
_COMMENTS = r"(?:[ \t]*+#[^\n]*+\n)*+"
_FLAT = r"""[^"'\[\]{}#\n]*+(?:"[^"\\\n]*+"[^"'\[\]{}#\n]*+)*+"""
_BLANK_OR_KEY = (r"[ \t]*+\r?\n|[ \t]*+[A-Za-z0-9_-]++[ \t]*+=" + _FLAT + r"(?:\[" + _FLAT
                 + r"\][ \t]*+)?+(?:#[^\n]*+)?+(?:\n|\Z)")
_RUN_PATTERN = f"(?:{_COMMENTS}(?:{_BLANK_OR_KEY}))*+"
_RUN = re.compile(_RUN_PATTERN)
_SECTION = re.compile(f"({_COMMENTS}){_SIMPLE_HEADER.pattern}({_RUN_PATTERN})")
_PLAIN = re.compile(r"[^\"'\[\]{}#\n]+")
_COMMENT = re.compile(r"#[^\n]*")

Address = tuple[Any, ...]  # keys (str) and array-of-tables indexes (int)


class Statement:
    """One statement: kind `key`, `table` or `array` (an `[[...]]` entry header), `comment` or
    `blank`; [start, end) are whole lines; `lead` is where its comment lines above start."""

    __slots__ = ("address", "end", "kind", "lead", "path", "section", "start", "value_end",
                 "value_start")

    def __init__(self, kind: str, start: int, end: int) -> None:
        self.kind, self.start, self.end, self.lead = kind, start, end, start
        self.path: tuple[str, ...] = ()  # the dotted key or the header's keys, as written
        self.address: Address = ()  # what it defines, from the root
        self.section: Address = ()  # the table it stands in (headers: their own)
        self.value_start = self.value_end = end


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uUx" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, code)

    return _ESCAPE.sub(one, text) if "\\" in text else text


def _keys(text: str, position: int, stop: str) -> tuple[tuple[str, ...], int]:
    """A dotted key from `position`; returns it and the position of `stop` after it."""
    keys = []
    while True:
        match = _KEY.match(text, position)
        if match is None:
            raise ValueError("not a key")
        bare, basic, literal = match.groups()
        keys.append(bare if bare is not None else _unescape(basic) if basic is not None
                    else literal)
        position = match.end()
        if text.startswith(".", position):
            position += 1
            continue
        if not text.startswith(stop, position):
            raise ValueError("not a key")
        return tuple(keys), position


def _value_end(text: str, position: int) -> tuple[int, int]:
    """Where the value from `position` ends (its last character) and where its statement ends
    (after the newline that closes it, outside strings and brackets)."""
    depth, last = 0, position
    length = len(text)
    while position < length:
        char = text[position]
        if char == "\n":
            position += 1
            if depth == 0:
                return last, position
        elif char in "[{":
            depth, position = depth + 1, position + 1
            last = position
        elif char in "]}":
            depth, position = depth - 1, position + 1
            last = position
        elif char == "#":
            position = _COMMENT.match(text, position).end()  # type: ignore[union-attr]
        elif char in "\"'":
            token = _TOKENS[text[position:position + 3]] if text.startswith(
                char * 3, position) else _TOKENS[char]
            match = token.match(text, position)
            if match is None:
                raise ValueError("unclosed string")
            position = last = match.end()
        else:
            match = _PLAIN.match(text, position)
            assert match is not None
            run = match.group().rstrip(" \t\r")
            if run:
                last = position + len(run)
            position = match.end()
    return last, length


def scan(text: str) -> list[Statement]:
    """The statements of a TOML text, in order; ValueError when it is not one this reads."""
    return _statements(text, 0, len(text), ())


def _statements(text: str, position: int, stop: int, section: Address) -> list[Statement]:
    """The statements from `position` to `stop` (a statement's start and end) after the top
    of the text or a key, blank line or header (of `section`)."""
    statements: list[Statement] = []
    arrays: dict[Address, int] = {}
    lead: int | None = None  # where the comment lines above the next statement start
    while position < stop:
        statement = _statement(text, position, section, arrays)
        lead = _lead(statement, lead)
        section = statement.section if statement.kind in ("table", "array") else section
        statements.append(statement)
        position = statement.end
    return statements


def _lead(statement: Statement, lead: int | None) -> int | None:
    """Gives a key or header the comment lines above it that start at `lead` (None: no
    comment line); what `lead` is for the next statement."""
    if statement.kind == "comment":
        return statement.start if lead is None else lead
    if statement.kind != "blank":
        statement.lead = statement.start if lead is None else lead
    return None


def _statement(text: str, start: int, section: Address, arrays: dict[Address, int]) -> Statement:
    """The statement at `start`, in `section` (a header: in its own); `arrays`: the entries
    seen of each array of tables, counted on."""
    length = len(text)
    position = _INDENT.match(text, start).end()  # type: ignore[union-attr]
    char = text[position] if position < length else "\n"
    if char in "\r\n#":
        end = text.find("\n", position)
        return Statement("comment" if char == "#" else "blank", start,
                         length if end == -1 else end + 1)
    if simple := (_SIMPLE_HEADER if char == "[" else _SIMPLE_KEY).match(text, start):
        if char == "[":
            return _header(start, simple.end(), simple.group(1), simple.group(2), arrays)
        statement = Statement("key", start, simple.end())
        statement.value_start, statement.value_end = simple.span(2)
        path: tuple[str, ...] = (simple.group(1),)
    elif char == "[":
        double = text.startswith("[[", position)
        path, close = _keys(text, position + (2 if double else 1), "]]" if double else "]")
        statement = Statement("array" if double else "table", start,
                              _value_end(text, close + (2 if double else 1))[1])
        section = _resolve(path, arrays, double)
    else:
        path, equals = _keys(text, position, "=")
        statement = Statement("key", start, 0)
        statement.value_start = _INDENT.match(text, equals + 1).end()  # type: ignore[union-attr]
        statement.value_end, statement.end = _value_end(text, statement.value_start)
    statement.path, statement.section = path, section
    statement.address = section if char == "[" else section + path
    return statement


def _header(start: int, end: int, brackets: str, dotted: str, arrays: dict[Address, int]
            ) -> Statement:
    """A plain header line: `[a.b]`, `[[a.b]]`."""
    double = len(brackets) == 2
    header = Statement("array" if double else "table", start, end)
    header.path = tuple(dotted.split("."))
    header.address = header.section = _resolve(header.path, arrays, double)
    return header


def _resolve(path: tuple[str, ...], arrays: dict[Address, int], entry: bool) -> Address:
    """A header's address: its keys, each array of tables on the way with its last entry."""
    address: Address = ()
    for key in path[:-1] if entry else path:
        address += (key,)
        if address in arrays:
            address += (arrays[address] - 1,)
    if entry:
        address += (path[-1],)
        arrays[address] = arrays.get(address, 0) + 1
        address += (arrays[address] - 1,)
    return address


class Layout:
    """A text's statements indexed by address. Its headers are read first; the key/value
    statements of a section when first asked for (most of a large text is never asked for)."""

    def __init__(self, text: str, like: Layout | None = None) -> None:
        """`like`: the layout of another version of the text; the headers and runs of the
        part both open with are taken from it, not read again."""
        self.text = text
        self.sections: list[Statement] = []  # the headers, in order
        self.arrays: set[Address] = set()
        self._exact: dict[Address, Statement] = {}  # headers, and the keys of sections read
        # section -> where its keys stand: (start, end, the key) or (start, end, None): a run
        self._pieces: dict[Address, list[tuple[int, int, Statement | None]]] = {}
        self._keys: dict[Address, list[Statement]] = {}  # the sections read
        start, section, arrays = 0, (), {}  # where to read from, in which table
        shared = like.shared_headers(text) if like is not None else 0
        if like is not None and shared:  # read on from the end of the last header shared
            last = like.sections[shared - 1]
            start, section = last.end, last.address
            for header in like.sections[:shared]:
                self._add_header(header)
            arrays = {entry.address[:-1]: entry.address[-1] + 1 for entry in self.sections
                      if entry.kind == "array"}  # entries seen of each array of tables
            self._pieces = {address: list(pieces) for address, pieces in like._pieces.items()
                            if pieces[0][0] < last.start}
        self._read(start, section, arrays)
        self._under: dict[Address, list[Statement]] | None = None
        self.section_index = {header.start: index for index, header in enumerate(self.sections)}
        self._ends = {header.start: following.lead for header, following in zip(
            self.sections, self.sections[1:], strict=False)}
        if self.sections:
            self._ends[self.sections[-1].start] = len(text)

    def _read(self, position: int, section: Address, arrays: dict[Address, int]) -> None:
        """The headers from `position` (after a key, blank line or header, in `section`) and
        where the keys of each section stand: plain runs and sections at C speed, each
        other statement as `_statements` reads it."""
        text, length = self.text, len(self.text)
        lead: int | None = None  # as in `_statements`
        while position < length:
            if lead is None:
                if (run := _RUN.match(text, position).end()) > position:  # type: ignore[union-attr]
                    self._pieces.setdefault(section, []).append((position, run, None))
                    position = run
                while match := _SECTION.match(text, position):  # comments, [header], run
                    header = _header(match.end(1), match.start(4), match.group(2),
                                     match.group(3), arrays)
                    header.lead, section = match.start(), header.address
                    self._add_header(header)
                    if match.end() > match.start(4):
                        self._pieces.setdefault(section, []).append((*match.span(4), None))
                    position = match.end()
                if position == length:
                    break
            statement = _statement(text, position, section, arrays)
            lead = _lead(statement, lead)
            if statement.kind == "key":
                self._pieces.setdefault(section, []).append(
                    (statement.start, statement.end, statement))
            elif statement.kind in ("table", "array"):
                self._add_header(statement)
                section = statement.section
            position = statement.end

    def _add_header(self, header: Statement) -> None:
        self._exact[header.address] = header
        self.sections.append(header)
        if header.kind == "array":
            self.arrays.add(header.address[:-1])

    def shared_headers(self, text: str) -> int:
        """How many of the headers open a text that `text` opens with too (the headers,
        their sections and all before them: so each whole line of the header is in both)."""
        same = common_prefix(self.text, text)  # headers ending before it: a prefix of them
        return bisect_left(self.sections, same, key=lambda header: header.end)

    def find(self, address: Address) -> Statement | None:
        """The key/value or header that defines `address`."""
        found = self._exact.get(address)
        if found is None:
            for size in range(len(address)):  # the sections that may hold it as a (dotted) key
                self.keys_of(address[:size])
            found = self._exact.get(address)
        return found

    def keys_of(self, section: Address) -> list[Statement]:
        """The key/value statements written in the section of that address, in order."""
        keys = self._keys.get(section)
        if keys is None:
            keys = self._keys[section] = []
            for start, end, key in self._pieces.get(section, ()):
                keys.extend([key] if key is not None else (
                    statement for statement in _statements(self.text, start, end, section)
                    if statement.kind == "key"))
            for key in keys:
                self._exact.setdefault(key.address, key)
        return keys

    def section_end(self, header: Statement | None) -> int:
        """Where a section (header and its keys; None: the root's keys) ends: at the next
        header's lead, or the end of the text."""
        if header is None:
            return self.sections[0].lead if self.sections else len(self.text)
        return self._ends[header.start]

    def content_end(self, header: Statement | None) -> int:
        """The end of a section's last line that is not blank."""
        end = self.section_end(header)
        while end > 0 and end > (header.end if header is not None else 0):
            line_start = self.text.rfind("\n", 0, end - 1) + 1
            if self.text[line_start:end].strip():
                break
            end = line_start
        return end

    def headers_under(self, address: Address) -> list[Statement]:
        """The headers of `address` and of the tables below it, in order."""
        if self._under is None:
            self._under = {}
            for header in self.sections:
                for size in range(1, len(header.address) + 1):
                    self._under.setdefault(header.address[:size], []).append(header)
        return self._under.get(address, []) if address else []

    def under(self, address: Address) -> list[Statement]:
        """Every key/value and header below `address` (and its own), in order."""
        headers = self.headers_under(address)
        found = list(headers)
        for section in [*(address[:size] for size in range(len(address))),
                        *(header.address for header in headers)]:
            found.extend(key for key in self.keys_of(section)
                         if key.address[:len(address)] == address)
        return sorted(found, key=lambda statement: statement.start) if address else []
