"""Writing a merged value into ours' YAML text, keeping the exact bytes of what did not change.

Every node of ours is copied as it was written (comments, quoting, anchors, indentation) unless
the merge changed it. A block collection is a run of items, each a run of whole lines (its leading
comments, its key or dash, its value, its end-of-line comment): unchanged items are copied,
deleted ones dropped, changed ones rewritten inside their own lines. A value that came from
theirs is copied from theirs' text, with theirs' comments, re-indented to where it now stands.
Only what neither side wrote as it now is gets written afresh, in the style of its siblings.
"""

from __future__ import annotations

from typing import Any

from statemerge.documents.yamlread import Node, YamlStream, key_text
from statemerge.documents.yamlwrite import YamlStyle, block, flow, item, key, literal_block, scalar
from statemerge.jsonvalue import identity, record_key, same


def _line_end(text: str, position: int) -> int:
    """The position just after the line that holds `position - 1` (its newline included)."""
    newline = text.find("\n", max(position - 1, 0))
    return len(text) if newline == -1 else newline + 1


def _shift(text: str, delta: int) -> str:
    """Every line of `text` re-indented by `delta` columns (blank lines left as they are)."""
    if delta == 0:
        return text
    lines = text.split("\n")
    if delta > 0:
        pad = " " * delta
        return "\n".join(pad + line if line.strip() else line for line in lines)
    return "\n".join(line[min(-delta, len(line) - len(line.lstrip(" "))):] for line in lines)


def _strip_first_indent(text: str) -> str:
    return text.lstrip(" ")


class Side:
    """One side's text and nodes, with its items' line regions computed on demand."""

    def __init__(self, stream: YamlStream) -> None:
        self.stream = stream
        self.text = stream.text

    def block_end(self, node: Node) -> int:
        """Where a node's written text ends: whole lines for block collections."""
        if node.kind in ("map", "seq") and not node.flow and node.items:
            return _line_end(self.text, node.end)
        return node.end

    def items(self, node: Node) -> list[str]:
        """Each item of a block collection as whole lines (indentation included)."""
        text = self.text
        regions = []
        previous = None
        for entry in node.items:
            value = entry[1] if node.kind == "map" else entry
            end = _line_end(text, value.end)
            if previous is None:
                first = entry[0].start if node.kind == "map" else node.start
                if node.kind == "seq":
                    first = text.rfind("-", 0, value.start + 1) if value.start > node.start else (
                        node.start)
                start = first
                line_start = text.rfind("\n", 0, start) + 1
                regions.append(" " * (start - line_start) + text[start:end])
            else:
                regions.append(text[previous:end])
            previous = end
        return regions


class SpanWriter:
    """Writes merged values into ours' text; `peer` is the side whose text values from it are
    copied from (theirs, or base for a base rendering)."""

    def __init__(self, ours: YamlStream, peer: YamlStream | None, style: YamlStyle) -> None:
        self.ours = Side(ours)
        self.peer = Side(peer) if peer is not None else None
        self.style = style

    def root(self, value: Any, node: Node, peer: Node | None) -> str:
        """One document's root rewritten: the text that replaces [node.start, block_end)."""
        return self.write(value, node, self.ours, peer)

    # -- one node ------------------------------------------------------------------------------

    def write(self, value: Any, node: Node, side: Side, peer: Node | None) -> str:
        """`value` in place of `node` of `side`; the text replaces [node.start, block_end)."""
        text = side.text
        if value is node.value or (node.kind in ("scalar", "alias") and _same_scalar(value, node)):
            return text[node.start:side.block_end(node)]
        if peer is not None and self.peer is not None and side is self.ours and (
                value is peer.value or (peer.kind in ("scalar", "alias")
                                        and _same_scalar(value, peer))):
            copied = self.peer.text[peer.start:self.peer.block_end(peer)]
            return _shift_after_first(copied, node.column - peer.column)
        if isinstance(value, dict) and node.kind == "map" and not node.flow and node.items:
            return self._mapping(value, node, side, peer)
        if isinstance(value, list) and node.kind == "seq" and not node.flow and node.items:
            return self._sequence(value, node, side, peer)
        return self._fresh_inline(value, node, side)

    def _fresh_inline(self, value: Any, node: Node, side: Side) -> str:
        """A value that replaces a node on its line (scalars, flow collections)."""
        anchor = f"&{node.anchor} " if node.anchor else ""
        if isinstance(value, str) and "\n" in value and node.style in ("|", ">"):
            indent = _content_indent(side.text, node)
            literal = literal_block(value, indent)
            if literal is not None:
                return anchor + literal
        if isinstance(value, dict | list) and value and not node.flow:
            raise _Fresh()
        if isinstance(value, str) and "\n" in value:
            raise _Fresh()
        return anchor + (flow(value) if isinstance(value, dict | list) else scalar(value))

    # -- block collections ---------------------------------------------------------------------

    def _mapping(self, value: dict[str, Any], node: Node, side: Side, peer: Node | None) -> str:
        regions = side.items(node)
        index = {key_text(key_node): position for position, (key_node, _) in enumerate(node.items)}
        peer_index: dict[str, int] = {}
        peer_regions: list[str] = []
        peer_side = self.peer if peer is not None and peer.kind == "map" and not peer.flow else None
        if peer_side is not None and peer is not None:
            peer_index = {key_text(k): position for position, (k, _) in enumerate(peer.items)}
            peer_regions = peer_side.items(peer)
        out = []
        for name, child in value.items():
            position = index.get(name)
            peer_child = None
            if peer_side is not None and peer is not None and name in peer_index:
                peer_child = peer.items[peer_index[name]][1]
            if position is not None and peer is not None and peer_child is not None and (
                    _from(child, peer_child) and not _from(child, node.items[position][1])):
                out.append(self._from_peer(peer_regions[peer_index[name]], child, peer_child,
                                           peer, node, name))
            elif position is not None:
                key_node, child_node = node.items[position]
                out.append(self._item(regions[position], child, child_node, side, peer_child,
                                      key_node.start, node, name))
            elif peer_child is not None and peer_side is not None and peer is not None:
                out.append(self._from_peer(peer_regions[peer_index[name]], child, peer_child,
                                           peer, node, name))
            else:
                out.append(self._fresh_entry(name, child, node.column))
        return self._join(out, node, side)

    def _sequence(self, value: list[Any], node: Node, side: Side, peer: Node | None) -> str:
        regions = side.items(node)
        mine = _Matcher(node.items)
        theirs = _Matcher(peer.items) if peer is not None and peer.kind == "seq" and not (
            peer.flow) and self.peer is not None else None
        peer_regions = self.peer.items(peer) if theirs is not None and peer is not None and (
            self.peer is not None) else []
        out = []
        for element in value:
            position = mine.find(element)
            peer_position = theirs.find(element) if theirs is not None else None
            peer_child = peer.items[peer_position] if peer_position is not None and (
                peer is not None) else None
            if position is not None and peer_child is not None and peer is not None and (
                    _from(element, peer_child) and not _from(element, node.items[position])):
                assert peer_position is not None
                out.append(self._from_peer(peer_regions[peer_position], element, peer_child,
                                           peer, node, None))
            elif position is not None:
                child = node.items[position]
                dash = side.text.rfind("-", 0, child.start)
                out.append(self._item(regions[position], element, child, side, peer_child, dash,
                                      node, None))
            elif peer_child is not None and peer is not None:
                assert peer_position is not None
                out.append(self._from_peer(peer_regions[peer_position], element, peer_child,
                                           peer, node, None))
            else:
                indent = " " * node.column
                out.append(f"{indent}-{item(element, indent, self.style)}\n")
        return self._join(out, node, side)

    def _item(self, region: str, value: Any, child: Node, side: Side, peer_child: Node | None,
              lead_end: int, parent: Node, name: str | None) -> str:
        """One item of ours, its value rewritten inside its own lines."""
        if value is child.value:
            return region
        text = side.text
        region_start = _line_end(text, side.block_end(child)) - len(region)
        try:
            written = self.write(value, child, side, peer_child)
        except _Fresh:
            lead = region[:max(0, text.rfind("\n", 0, lead_end) + 1 - region_start)]
            if name is None:
                dash = " " * parent.column
                return lead + f"{dash}-{item(value, dash, self.style)}\n"
            return lead + self._fresh_entry(name, value, parent.column)
        end = side.block_end(child)
        prefix_length = child.start - region_start
        suffix = text[end:_line_end(text, end)] if end < len(text) else ""
        if end == _line_end(text, end) or (end and text[end - 1] == "\n"):
            suffix = ""
        return region[:prefix_length] + written + suffix

    def _from_peer(self, region: str, value: Any, peer_child: Node, peer: Node, parent: Node,
                   name: str | None) -> str:
        """An item that ours does not have, from theirs' lines, re-indented to ours' column."""
        assert self.peer is not None
        delta = parent.column - peer.column
        if value is peer_child.value or (peer_child.kind in ("scalar", "alias")
                                         and _same_scalar(value, peer_child)):
            return _ended(_shift(region, delta))
        try:
            written = self.write(value, peer_child, self.peer, None)
        except _Fresh:
            if name is None:
                dash = " " * parent.column
                return f"{dash}-{item(value, dash, self.style)}\n"
            return self._fresh_entry(name, value, parent.column)
        text = self.peer.text
        end = self.peer.block_end(peer_child)
        region_start = _line_end(text, end) - len(region)
        suffix = "" if end == _line_end(text, end) or text[end - 1] == "\n" else text[
            end:_line_end(text, end)]
        return _ended(_shift(region[:peer_child.start - region_start] + written + suffix, delta))

    def _fresh_entry(self, name: str, value: Any, column: int) -> str:
        indent = " " * column
        return f"{indent}{key(name)}:{block(value, indent, self.style)}\n"

    def _join(self, items: list[str], node: Node, side: Side) -> str:
        if not items:
            return "{}" if node.kind == "map" else "[]"
        head = side.text[node.start:_first_item_start(node, side.text)]
        body = "".join(_ended(text) for text in items)
        end = side.block_end(node)
        if not side.text[:end].endswith("\n"):
            body = body[:-1]
        return head + _strip_first_indent(body)


class _Fresh(Exception):
    """The node cannot be rewritten on its own line: its whole item is written afresh."""


class _Matcher:
    """Finds the item of a sequence that holds an element: by identity, record key or value."""

    def __init__(self, items: list[Node]) -> None:
        self.by_identity = {id(child.value): position for position, child in enumerate(items)
                            if isinstance(child.value, dict | list)}
        self.by_value: dict[Any, list[int]] = {}
        for position, child in enumerate(items):
            record = record_key(child.value)
            if record is None and not isinstance(child.value, dict | list):
                try:
                    record = identity(child.value)
                except TypeError:
                    continue
            if record is not None:
                self.by_value.setdefault(record, []).append(position)
        self.used: set[int] = set()

    def find(self, element: Any) -> int | None:
        position = self.by_identity.get(id(element)) if isinstance(element, dict | list) else None
        if position is None:
            record = record_key(element)
            if record is None and not isinstance(element, dict | list):
                record = identity(element)
            for candidate in self.by_value.get(record, ()):
                if candidate not in self.used:
                    position = candidate
                    break
        if position is not None and position in self.used:
            return None
        if position is not None:
            self.used.add(position)
        return position


def _from(value: Any, node: Node) -> bool:
    """Whether `value` is the node's own value as written there."""
    return value is node.value or _same_scalar(value, node)


def _same_scalar(value: Any, node: Node) -> bool:
    return not isinstance(value, dict | list) and same(value, node.value)


def _ended(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def _shift_after_first(text: str, delta: int) -> str:
    if delta == 0 or "\n" not in text:
        return text
    first, rest = text.split("\n", 1)
    return first + "\n" + _shift(rest, delta)


def _first_item_start(node: Node, text: str) -> int:
    if node.kind == "map":
        return int(node.items[0][0].start)
    first = node.items[0]
    dash = text.rfind("-", node.start, first.start) if first.start > node.start else node.start
    return dash if dash >= 0 else node.start


def _content_indent(text: str, node: Node) -> str:
    """The indentation of a block scalar's content lines."""
    newline = text.find("\n", node.start)
    if newline == -1:
        return "  "
    position = newline + 1
    while position < len(text):
        line_end = text.find("\n", position)
        line = text[position:line_end if line_end != -1 else len(text)]
        if line.strip():
            return line[:len(line) - len(line.lstrip(" "))]
        position = line_end + 1 if line_end != -1 else len(text)
    return " " * (node.column + 2)
