"""Writing a merged value into ours' JSON text, keeping the exact bytes of what did not change.

Ours' text is scanned once for the spans of its values (where each starts and ends, and the
white space around the items of each container). Writing then copies every unchanged value's
bytes as they were; a changed container keeps its own white space (inline stays inline, the
indent stays the indent) and only its changed members are written anew.
"""

from __future__ import annotations

import json
import re
from typing import Any

from statemerge.documents.jsontext import JsonLayout
from statemerge.jsonvalue import escape_surrogates, identity, record_key, same

# Strings are matched with possessive runs, not as `"(?:[^"\\]|\\.)*"`: the same strings, in
# linear time without a backtracking stack (the alternation took seconds and gigabytes on 20 MB).
_TOKEN = re.compile(
    r'[ \t\r\n]*(?:("[^"\\]*+(?:\\.[^"\\]*+)*+")|([{}\[\],:])|([^ \t\r\n{}\[\],:"]+))')


class Span:
    """Where a value stands in the text; for containers, its members' spans and white space."""

    __slots__ = ("close_gap", "end", "item_gap", "key_gap", "members", "open_gap", "start")

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end
        self.members: list[tuple[str | None, int, Span]] = []  # key, key start, span
        self.open_gap = ""
        self.close_gap = ""
        self.item_gap: str | None = None
        self.key_gap = ": "


def scan(text: str) -> Span:
    """The span tree of a JSON text already known to parse."""
    span, _ = _value(text, 0)
    return span


def _next(text: str, position: int) -> tuple[re.Match[str], str]:
    match = _TOKEN.match(text, position)
    assert match is not None, "scan() is only called on valid JSON"
    return match, match.group(match.lastindex or 0)


def _value(text: str, position: int) -> tuple[Span, int]:
    match, token = _next(text, position)
    start = match.start(match.lastindex or 0)
    if token not in ("{", "["):
        return Span(start, match.end()), match.end()
    closing = "}" if token == "{" else "]"
    span = Span(start, 0)
    position = match.end()
    while True:
        match, token = _next(text, position)
        if token == closing:
            span.end = match.end()
            gap_start = span.members[-1][2].end if span.members else start + 1
            span.close_gap = text[gap_start:match.start(2)]
            return span, match.end()
        if token == ",":
            position = match.end()
            continue
        item_start = match.start(match.lastindex or 0)
        previous_end = span.members[-1][2].end if span.members else None
        key: str | None = None
        if closing == "}":
            key = json.loads(token) if "\\" in token else token[1:-1]
            colon, _ = _next(text, match.end())
            value_match = _TOKEN.match(text, colon.end())
            assert value_match is not None
            value_start = value_match.start(value_match.lastindex or 0)
            span.key_gap = text[match.end():value_start]
            child, position = _value(text, colon.end())
        else:
            child, position = _value(text, position)
        if previous_end is None:
            span.open_gap = text[start + 1:item_start]
        elif span.item_gap is None:
            comma = text.index(",", previous_end)
            span.item_gap = text[comma + 1:item_start]
        span.members.append((key, item_start, child))


class SpanWriter:
    """Writes merged values into ours' text (see the module docstring)."""

    def __init__(self, text: str, layout: JsonLayout, peer_text: str | None = None) -> None:
        self.text = text
        self.layout = layout
        self.root = scan(text)
        self.unit = layout.indent or ""
        self.peer_text = peer_text  # theirs: scalars taken from it keep its spelling (2.50, 1E+2)
        self.peer_root = scan(peer_text) if peer_text is not None else None

    def document(self, value: Any, ours: Any, peer: Any = None) -> str:
        """The whole document: ours' leading and trailing white space around the merged root.
        `peer` is the value of `peer_text`, whose scalars' spellings are copied where taken."""
        self._peer = (peer, self.peer_root) if self.peer_root is not None else None
        body = self.write(value, ours, self.root, self._indent_at(self.root.start), self._peer)
        return self.text[:self.root.start] + escape_surrogates(body) + self.text[self.root.end:]

    def write(self, value: Any, ours: Any, span: Span | None, indent: str,
              peer: tuple[Any, Span] | None = None) -> str:
        """One value; `span` is ours' span for it (None when ours had nothing there), `peer`
        theirs' value and span at the same place."""
        if span is not None and (value is ours or (not isinstance(value, dict | list)
                                                   and same(value, ours))):
            return self.text[span.start:span.end]
        if peer is not None and self.peer_text is not None and not isinstance(
                value, dict | list) and same(value, peer[0]):
            return self.peer_text[peer[1].start:peer[1].end]
        if isinstance(value, dict) and isinstance(ours, dict) and span is not None:
            spans = {key: (key_start, child) for key, key_start, child in span.members}
            peer_spans: dict[str | None, Span] = {}
            if peer is not None and isinstance(peer[0], dict):
                peer_spans = {key: child for key, _, child in peer[1].members}
            items = []
            for key, child_value in value.items():
                if key in spans and key in ours:
                    key_start, child = spans[key]
                    head = self.text[key_start:child.start]
                    child_peer = (peer[0][key], peer_spans[key]) if peer is not None and (
                        key in peer_spans and key in peer[0]) else None
                    items.append(head + self.write(child_value, ours[key], child,
                                                   self._child_indent(span, indent), child_peer))
                elif key in peer_spans and peer is not None and not isinstance(
                        child_value, dict | list) and same(child_value, peer[0].get(key)):
                    assert self.peer_text is not None  # a scalar theirs added: its spelling
                    items.append(json.dumps(key, ensure_ascii=self.layout.ascii_only)
                                 + span.key_gap + self.peer_text[peer_spans[key].start:
                                                                 peer_spans[key].end])
                else:
                    items.append(json.dumps(key, ensure_ascii=self.layout.ascii_only)
                                 + span.key_gap + self.fresh(child_value,
                                                             self._child_indent(span, indent),
                                                             self._inline_children(span)))
            return self._container("{", "}", items, span, indent)
        if isinstance(value, list) and isinstance(ours, list) and span is not None:
            by_identity: dict[int, int] = {}
            by_value: dict[Any, list[int]] = {}
            for position, element in enumerate(ours):
                if isinstance(element, dict | list):
                    by_identity[id(element)] = position
                    record = record_key(element)
                    if record is not None:
                        by_value.setdefault(record, []).append(position)
                else:
                    by_value.setdefault(identity(element), []).append(position)
            items = []
            child_indent = self._child_indent(span, indent)
            inline_children = self._inline_children(span)
            for element in value:
                index: int | None
                if isinstance(element, dict | list):
                    index = by_identity.get(id(element))
                    if index is None:  # a record both sides kept, changed: match it by its id
                        queue = by_value.get(record_key(element))
                        index = queue.pop(0) if queue else None
                else:
                    queue = by_value.get(identity(element))
                    index = queue.pop(0) if queue else None
                if index is None:
                    items.append(self.fresh(element, child_indent, inline_children))
                else:
                    items.append(self.write(element, ours[index], span.members[index][2],
                                            child_indent))
            return self._container("[", "]", items, span, indent)
        return self.fresh(value, indent, span is not None and "\n" not in
                          self.text[span.start:span.end])

    def fresh(self, value: Any, indent: str, inline: bool) -> str:
        """A value ours did not have, in the document's layout, at an indentation."""
        if inline or self.layout.indent is None or not isinstance(value, dict | list) or not value:
            separators = (", ", self.layout.key_separator) if self.layout.indent else (
                ",", self.layout.key_separator)
            return json.dumps(value, ensure_ascii=self.layout.ascii_only, separators=separators)
        rendered = json.dumps(value, ensure_ascii=self.layout.ascii_only, indent=self.unit,
                              separators=(",", self.layout.key_separator))
        return rendered.replace("\n", self.layout.newline + indent)

    def _container(self, opening: str, closing: str, items: list[str], span: Span,
                   indent: str) -> str:
        if not items:
            return opening + closing
        inline = self._inline(span)
        if span.members:
            open_gap, close_gap = span.open_gap, span.close_gap
        else:
            open_gap = "" if inline else self.layout.newline + indent + self.unit
            close_gap = "" if inline else self.layout.newline + indent
        item_gap = span.item_gap
        if item_gap is None:
            item_gap = self.layout.inline_gap if inline else open_gap
        return opening + open_gap + ("," + item_gap).join(items) + close_gap + closing

    def _inline_children(self, span: Span) -> bool:
        """Whether new members of this container are written on one line: it is itself on
        one line, or its members that are containers are (records one per line)."""
        if self._inline(span):
            return True
        for _, _, child in span.members:
            if self.text[child.start] in "{[" and child.end - child.start > 2:
                return "\n" not in self.text[child.start:child.end]
        return False

    def _inline(self, span: Span) -> bool:
        return "\n" not in self.text[span.start:span.end] or self.layout.indent is None

    def _child_indent(self, span: Span, indent: str) -> str:
        gap = span.item_gap if span.item_gap is not None else span.open_gap
        if "\n" in gap:
            return gap[gap.rindex("\n") + 1:]
        return indent + self.unit

    def _indent_at(self, position: int) -> str:
        line_start = self.text.rfind("\n", 0, position) + 1
        line = self.text[line_start:position]
        return line[:len(line) - len(line.lstrip(" \t"))]
