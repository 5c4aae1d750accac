"""Writing a changed value in the layout of ours, keeping the exact bytes of untouched parts.

JSON: when rendering ours' value in its detected layout gives ours' text exactly (a file written
by a program), the new value is rendered the same way; otherwise a span writer copies every
unchanged value's bytes. YAML: the span writer of `documents.yaml.render_plain`. Either way the
result is parsed back: layout is kept where possible, data always.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from statemerge.documents.formats import Format
from statemerge.documents.jsontext import SMALL, JsonLayout, decode, render, render_bytes
from statemerge.jsonvalue import ABSENT, same


class Document:
    """One parsed side: its text, plain value, and what is needed to write in its layout."""

    def __init__(self, source: str, fmt: Format, data: bytes, value: Any,
                 layout: JsonLayout | None = None, reproduced: bool = False) -> None:
        self.source = source
        self.fmt = fmt
        self.data = data
        self.value = value
        self.layout = layout  # JSON only
        self.reproduced = reproduced  # JSON: rendering `value` in `layout` gives `text` exactly

    def __repr__(self) -> str:
        return (f"Document(source={self.source!r}, fmt={self.fmt!r}, data={self.data!r}, "
                f"value={self.value!r}, layout={self.layout!r}, reproduced={self.reproduced!r})")

    @cached_property
    def text(self) -> str:
        """The document's text (decoded when first needed: large files often never need it)."""
        return decode(self.data, self.source)

    def render_bytes(self, value: Any, peer: Document | None = None) -> bytes:
        """`render` as bytes, without a detour through text for large reproduced JSON."""
        if value is self.value:
            return self.data
        if self.fmt == "json" and self.reproduced and len(self.data) >= SMALL and (
                not _spelled_apart(peer)):
            assert self.layout is not None
            return render_bytes(value, self.layout)
        return self.render(value, peer).encode()

    def render(self, value: Any, peer: Document | None = None) -> str:
        """`value` written in this document's layout (see the module docstring). Scalars taken
        from `peer` (theirs) keep the spelling they have there (`2.50`, `1E+2`, `"\u00e9"`)."""
        if value is self.value:
            return self.text
        if self.fmt == "json":
            assert self.layout is not None
            spelled_apart = _spelled_apart(peer)
            if self.reproduced and not spelled_apart:
                return render(value, self.layout, small=len(self.text) < SMALL)
            from statemerge.documents.jsonspans import SpanWriter

            peer_text = peer.text if spelled_apart and peer is not None else None
            written = SpanWriter(self.text, self.layout, peer_text).document(
                value, self.value, peer.value if peer_text is not None and peer else None)
            if self._holds(written, value):
                return written
            return render(value, self.layout, small=len(self.text) < SMALL)
        from statemerge.documents.yaml import render_plain

        return render_plain(self.text, self.source, value)

    def _holds(self, text: str, value: Any) -> bool:
        from statemerge.documents.formats import parse_value
        from statemerge.errors import InputError

        try:
            return same(parse_value(text.encode(), self.source, self.fmt), value)
        except InputError:
            return False


def _spelled_apart(peer: Document | None) -> bool:
    """Whether a JSON side's text is not what rendering its value gives (so its scalars may be
    spelled in ways a fresh rendering would not keep)."""
    return peer is not None and peer.fmt == "json" and not peer.reproduced and (
        peer.value is not ABSENT)


def parse_document(data: bytes, source: str, fmt: Format, *, empty_is_absent: bool = False,
                   cache: dict[bytes, Any] | None = None) -> Document:
    """Parse one side. With `empty_is_absent`, an empty or blank file has the value ABSENT.
    `cache` is shared by the sides of one merge: identical JSON pieces parse once."""
    if fmt == "json" and cache is not None and len(data) >= SMALL and data[:2] in (b"{\n", b"[\n"):
        from statemerge.documents.chunks import parse_pieces

        pieces = parse_pieces(data, cache)  # exact, or None
        if pieces is not None:
            layout = JsonLayout("  ", ": ", "\n", data.endswith(b"\n"))
            return Document(source, fmt, data, pieces, layout, reproduced=True)
    text = decode(data, source)
    if empty_is_absent and (not text or text.isspace()):
        return Document(source, fmt, data, ABSENT)
    if fmt == "json":
        from statemerge.documents.jsontext import parse_json_layout

        value, layout, reproduced = parse_json_layout(data, text, source)
        document = Document(source, fmt, data, value, layout, reproduced)
    else:
        from statemerge.documents.yaml import parse_yaml_plain

        document = Document(source, fmt, data, parse_yaml_plain(data, source))
    document.text = text  # already decoded: fill the cached property
    return document

