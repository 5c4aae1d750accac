"""YAML files as the merge sees them: one value per file, written back in ours' own text.

A file of one document is that document's value. A file of several documents (`---`) is a list of
them, merged by position, or, when every document names itself Kubernetes-style (`kind` and
`metadata.name`), an object keyed `kind/namespace/name`, so that documents merge by identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from statemerge.documents.yamlread import Node, YamlStream, read_stream
from statemerge.documents.yamlspans import SpanWriter, _Fresh
from statemerge.documents.yamlwrite import YamlStyle, dump_yaml
from statemerge.errors import InputError
from statemerge.jsonvalue import ABSENT, same

Mode = Literal["single", "keyed", "position"]


@dataclass
class YamlSide:
    """One parsed side: its name, text and documents."""

    source: str
    text: str
    stream: YamlStream

    @property
    def empty(self) -> bool:
        """No document at all (an empty or comment-only file)."""
        return not self.stream.roots


def parse_side(text: str, source: str) -> YamlSide:
    """Parse one side's text."""
    return YamlSide(source, text, read_stream(text, source))


def document_key(document: Any) -> str | None:
    """`kind/namespace/name` of a Kubernetes-style document, else None."""
    if not isinstance(document, dict):
        return None
    kind, metadata = document.get("kind"), document.get("metadata")
    if not isinstance(kind, str) or not isinstance(metadata, dict):
        return None
    name, namespace = metadata.get("name"), metadata.get("namespace", "")
    if not isinstance(name, str) or not isinstance(namespace, str):
        return None
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


def document_mode(sides: list[YamlSide | None]) -> Mode:
    """How the files' documents merge: as one value, by identity, or by position."""
    present = [side for side in sides if side is not None]
    if all(len(side.stream.roots) <= 1 for side in present):
        return "single"
    for side in present:
        keys = [document_key(value) for value in side.stream.values]
        if None in keys or len(set(keys)) != len(keys):
            return "position"
    return "keyed"


def side_value(side: YamlSide, mode: Mode) -> Any:
    """The side's value in a mode: its document, its documents by key, or their list."""
    values = side.stream.values
    if mode == "single":
        return values[0] if values else None
    if mode == "keyed":
        return {document_key(value): value for value in values}
    return values


def yaml_style(text: str) -> YamlStyle:
    """The block style of a text: mapping indent and sequence dash offset."""
    from statemerge.documents.yaml import detect_indents

    unit, offset = detect_indents(text)
    return YamlStyle(unit, offset)


def render(value: Any, ours: YamlSide, peer: YamlSide | None, mode: Mode) -> str:
    """`value` written into ours' text, copying from `peer` what came from it; in ours' line
    ending (CRLF stays CRLF)."""
    return _newlines(_render(value, ours, peer, mode), ours.text)


def _render(value: Any, ours: YamlSide, peer: YamlSide | None, mode: Mode) -> str:
    style = yaml_style(ours.text)
    writer = SpanWriter(ours.stream, peer.stream if peer is not None else None, style)
    if mode == "single":
        if ours.empty:
            return _newlines(dump_yaml(value, style), ours.text)
        root = ours.stream.roots[0]
        peer_root = peer.stream.roots[0] if peer is not None and peer.stream.roots else None
        try:
            body = writer.root(value, root, peer_root)
        except _Fresh:
            return _newlines(ours.text[:root.start] + dump_yaml(value, style), ours.text)
        return ours.text[:root.start] + body + ours.text[writer.ours.block_end(root):]
    documents = list(value.values()) if mode == "keyed" else list(value)
    return _documents(documents, ours, peer, mode, writer, style)


def _regions(side: YamlSide) -> list[tuple[int, int]]:
    starts = side.stream.starts
    ends = [*starts[1:], len(side.text)]
    return list(zip(starts, ends, strict=True))


def _documents(documents: list[Any], ours: YamlSide, peer: YamlSide | None, mode: Mode,
               writer: SpanWriter, style: YamlStyle) -> str:
    ours_roots = ours.stream.roots
    peer_roots = peer.stream.roots if peer is not None else []
    ours_regions, peer_regions = _regions(ours), _regions(peer) if peer is not None else []
    ours_by_key = {document_key(root.value): position for position, root in enumerate(ours_roots)}
    peer_by_key = {document_key(root.value): position for position, root in enumerate(peer_roots)}
    used: set[int] = set()
    out: list[str] = []
    for position, document in enumerate(documents):
        mine = _find(document, ours_roots, ours_by_key, mode, position, used)
        if mine is not None:
            used.add(mine)
            root, (start, end) = ours_roots[mine], ours_regions[mine]
            other = _find(document, peer_roots, peer_by_key, mode, position, set())
            peer_root = peer_roots[other] if other is not None else None
            try:
                body = writer.root(document, root, peer_root)
            except _Fresh:
                body = dump_yaml(document, style)
            out.append(ours.text[start:root.start] + body
                       + ours.text[writer.ours.block_end(root):end])
            continue
        other = _find(document, peer_roots, peer_by_key, mode, position, set())
        if other is not None and peer is not None and peer_roots[other].value is document:
            start, end = peer_regions[other]
            out.append(peer.text[start:end])
        else:
            out.append("---\n" + dump_yaml(document, style))
    for index in range(1, len(out)):
        if not out[index].lstrip().startswith("---"):
            out[index] = "---\n" + out[index]
        if not out[index - 1].endswith("\n"):
            out[index - 1] += "\n"
    first_start = ours.stream.starts[0] if ours.stream.starts else 0
    return ours.text[:first_start] + "".join(out)


def _find(document: Any, roots: list[Node], by_key: dict[str | None, int], mode: Mode,
          position: int, used: set[int]) -> int | None:
    for index, root in enumerate(roots):
        if root.value is document and index not in used:
            return index
    if mode == "keyed":
        keyed = by_key.get(document_key(document))
        return keyed if keyed is not None and keyed not in used else None
    return position if position < len(roots) and position not in used else None


def _newlines(text: str, original: str) -> str:
    if "\r\n" not in original:
        return text
    import re

    return re.sub(r"(?<!\r)\n", "\r\n", text)


def holds(text: str, value: Any, mode: Mode, source: str) -> bool:
    """Whether `text` reads back (as YAML 1.2, as written) to exactly `value`."""
    try:
        side = parse_side(text, source)
    except InputError:
        return False
    if mode == "single" and len(side.stream.roots) > 1:
        return False
    return same(side_value(side, mode), value) and (value is not ABSENT)
