"""Reading YAML as it is written: libyaml's events become a tree of nodes with positions.

Each node knows where it stands in the text (character offsets), its anchor, tag and style, and
holds its value as the merge sees it: JSON data in which an alias is an `Alias` and a custom-tagged
value a `Tagged` (YAML 1.2 core schema for plain scalars; dates stay strings). Nothing is expanded,
so a merge works on the document as authored. `yamlexpand.expanded` gives the plain data a
reader sees (aliases and merge keys resolved), bounded against alias bombs.

The walk is iterative and checks depth as it goes: deep input is refused in linear time.
"""

from __future__ import annotations

import re
from typing import Any

from statemerge.errors import DuplicateKeyError, ParseError
from statemerge.jsonvalue import Alias, Tagged

MAX_DEPTH = 1000
MAX_INT_DIGITS = 4300  # Python's own limit for int(str)
CORE = "tag:yaml.org,2002:"

_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUES = frozenset(("true", "True", "TRUE"))
_FALSES = frozenset(("false", "False", "FALSE"))
_INFINITIES = {".inf": 1, ".Inf": 1, ".INF": 1, "+.inf": 1, "+.Inf": 1, "+.INF": 1,
               "-.inf": -1, "-.Inf": -1, "-.INF": -1}
_NANS = frozenset((".nan", ".NaN", ".NAN"))


_NO_ITEMS: list[Any] = []  # shared by scalars and aliases, never filled (saves a list per node)


class Node:
    """One YAML node: kind `map`, `seq`, `scalar` or `alias`, its span and its value."""

    __slots__ = ("anchor", "column", "end", "flow", "items", "kind", "line", "start", "style",
                 "tag", "value")

    def __init__(self, kind: str, start: int, line: int, column: int, anchor: str | None,
                 tag: str | None) -> None:
        self.kind = kind
        self.start = start
        self.end = start
        self.line = line  # 0-based, of the node's first character
        self.column = column
        self.anchor = anchor
        self.tag = tag
        self.style: str | None = None  # scalars: None (plain), "'", '"', "|", ">"
        self.flow = False  # collections written in flow style ({...} / [...])
        self.items: list[Any] = _NO_ITEMS  # map: [(key node, value node)]; seq: [node]
        self.value: Any = None

    def __repr__(self) -> str:
        return f"Node({self.kind}, {self.start}-{self.end}, {self.value!r:.40})"


class YamlStream:
    """A parsed YAML text: its documents (root nodes), with their values."""

    def __init__(self, text: str, roots: list[Node], starts: list[int], explicit: list[bool]
                 ) -> None:
        self.text = text
        self.roots = roots
        self.starts = starts  # where each document begins (its `---`, or its content)
        self.explicit = explicit  # whether each document starts with `---`
        self.aliased = False  # whether any alias (or merge key) occurs: then readers expand

    @property
    def values(self) -> list[Any]:
        """The value of each document, as written."""
        return [root.value for root in self.roots]


def plain_scalar(text: str) -> Any:
    """A plain scalar by the YAML 1.2 core schema (dates and anything else stay strings)."""
    if text in _NULLS:
        return None
    first = text[0]
    if first in "tTfF":
        if text in _TRUES:
            return True
        if text in _FALSES:
            return False
        return text
    if first in "0123456789+-.":
        if _INT.match(text):
            return _integer(text, 10)
        if _OCT.match(text):
            return _integer(text[2:], 8)
        if _HEX.match(text):
            return _integer(text[2:], 16)
        if _FLOAT.match(text):
            return float(text)
        if text in _INFINITIES:
            return float("inf") * _INFINITIES[text]
        if text in _NANS:
            return float("nan")
    return text


def _integer(text: str, radix: int) -> int:
    if len(text) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of more than {MAX_INT_DIGITS:,} digits")
    return int(text, radix)


def _tagged_scalar(tag: str, text: str) -> Any:
    """A scalar under an explicit tag: core tags construct, `!!python/...` is refused."""
    if tag == "!":
        return text
    if tag.startswith(CORE):
        name = tag[len(CORE):]
        if name in ("str", "timestamp"):
            return text
        if name == "null":
            return None
        if name == "bool":
            value = plain_scalar(text)
            return value if isinstance(value, bool) else Tagged(tag, text)
        if name == "int":
            value = plain_scalar(text)
            return value if isinstance(value, int) and not isinstance(value, bool) else Tagged(
                tag, text)
        if name == "float":
            value = plain_scalar(text)
            return float(value) if isinstance(value, int | float) and not isinstance(
                value, bool) else Tagged(tag, text)
        if name.startswith("python/"):
            raise ValueError(f"the tag {tag!r} builds Python objects")
    return Tagged(tag, text)


def read_stream(text: str, source: str) -> YamlStream:
    """Parse every document of a YAML text; errors name `source`, line and column."""
    from yaml import MarkedYAMLError, YAMLError
    from yaml._yaml import CParser

    from statemerge.gcpause import paused_gc

    parser = CParser(text)
    try:
        with paused_gc():  # a tree of acyclic nodes: collections would only slow it down
            return _build(parser, text, source)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = error.problem or error.context or "invalid YAML"
        raise ParseError(source, f"invalid YAML: {reason}.", mark.line + 1 if mark else None,
                         mark.column + 1 if mark else None) from None
    except YAMLError as error:
        raise ParseError(source, f"invalid YAML: {error}.") from None
    finally:
        parser.dispose()


def _build(parser: Any, text: str, source: str) -> YamlStream:
    roots: list[Node] = []
    starts: list[int] = []
    explicit: list[bool] = []
    anchors: dict[str, Node | None] = {}  # None: anchored node still open (an alias to it recurs)
    stack: list[Node] = []
    pending_key: list[Node | None] = []  # per open mapping: the key waiting for its value
    get_event = parser.get_event
    merge_keys = "<<" in text

    def fail(reason: str, mark: Any) -> ParseError:
        return ParseError(source, reason, mark.line + 1, mark.column + 1)

    from yaml.events import ScalarEvent

    while True:
        event: Any = get_event()
        if event.__class__ is ScalarEvent:  # most events: the fast path first
            mark: Any = event.start_mark
            tag = event.tag
            node = Node("scalar", mark.index, mark.line, mark.column, event.anchor, tag)
            end_mark: Any = event.end_mark
            node.end = end_mark.index
            style = event.style or None  # libyaml says "" for plain
            node.style = style
            try:
                if tag is not None and tag != "!":
                    node.value = _tagged_scalar(tag, event.value)
                elif style is None and event.implicit[0]:
                    node.value = plain_scalar(event.value)
                else:
                    node.value = event.value
            except ValueError as error:
                raise fail(f"{error}; not allowed.", mark) from None
            if style == "|" or style == ">":
                node.end = _block_end(text, node.start, node.end)
            if node.anchor is not None:
                anchors[node.anchor] = node
            if stack:
                parent = stack[-1]
                if parent.kind == "seq":
                    parent.items.append(node)
                elif pending_key[-1] is None:
                    pending_key[-1] = node
                else:
                    parent.items.append((pending_key[-1], node))
                    pending_key[-1] = None
            else:
                roots.append(node)
            continue
        kind = type(event).__name__
        if kind == "AliasEvent":
            mark = event.start_mark
            name = event.anchor
            if name not in anchors:
                raise fail(f"the alias *{name} refers to no anchor.", mark)
            if anchors[name] is None:
                raise fail(f"the alias *{name} refers to a node that holds it (a recursive "
                           "alias); not allowed.", mark)
            node = Node("alias", mark.index, mark.line, mark.column, None, None)
            node.end = event.end_mark.index
            node.value = Alias(name)
        elif kind in ("MappingStartEvent", "SequenceStartEvent"):
            mark = event.start_mark
            if len(stack) >= MAX_DEPTH:
                raise fail(f"nested deeper than {MAX_DEPTH} levels.", mark)
            node = Node("map" if kind == "MappingStartEvent" else "seq", mark.index, mark.line,
                        mark.column, event.anchor, event.tag)
            node.flow = bool(event.flow_style)
            node.items = []
            if event.tag is not None and event.tag.startswith(CORE + "python/"):
                raise fail(f"the tag {event.tag!r} builds Python objects; not allowed.", mark)
            if event.anchor is not None:
                anchors[event.anchor] = None
            stack.append(node)
            pending_key.append(None)
            continue
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            node = stack.pop()
            pending_key.pop()
            if node.flow:
                node.end = event.end_mark.index
            elif node.items:
                last = node.items[-1]
                node.end = (last[1] if node.kind == "map" else last).end
            if node.kind == "map":
                node.value = _mapping(node, source)
            else:
                node.value = [item.value for item in node.items]
            if node.tag is not None and node.tag != "!" and not node.tag.startswith(CORE):
                node.value = Tagged(node.tag, node.value)
        elif kind == "DocumentStartEvent":
            starts.append(event.start_mark.index)
            explicit.append(bool(event.explicit))
            continue
        elif kind == "StreamEndEvent":
            stream = YamlStream(text, roots, starts, explicit)
            stream.aliased = bool(anchors) or merge_keys
            return stream
        else:  # StreamStart, DocumentEnd
            continue
        if node.anchor is not None:
            anchors[node.anchor] = node
        if not stack:
            roots.append(node)
            continue
        parent = stack[-1]
        if parent.kind == "seq":
            parent.items.append(node)
        elif pending_key[-1] is None:
            if node.kind != "scalar" and node.kind != "alias":
                raise ParseError(source, "a mapping key is not a scalar; JSON keys are strings.",
                                 node.line + 1, node.column + 1)
            pending_key[-1] = node
        else:
            parent.items.append((pending_key[-1], node))
            pending_key[-1] = None


def key_text(node: Node) -> str:
    """A mapping key as a JSON key: strings as they are, other scalars as written."""
    value = node.value
    if isinstance(value, str):
        return value
    if node.kind == "alias":
        return "*" + str(node.value.name)
    return _scalar_source(node)


def _scalar_source(node: Node) -> str:
    value = node.value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Tagged):
        return str(value.value)
    return str(value)


def _mapping(node: Node, source: str) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.items:
        key = key_text(key_node)
        if key in mapping:
            raise DuplicateKeyError(source, key, key_node.line + 1, key_node.column + 1)
        mapping[key] = value_node.value
    return mapping


def _block_end(text: str, start: int, end: int) -> int:
    """A block scalar ends with its last line of content, not the blank lines after it."""
    position = end
    while position > start and text[position - 1] in " \t\r\n":
        position -= 1
    newline = text.find("\n", position)
    if newline == -1 or newline > end:
        return end if end > position else position
    return newline
