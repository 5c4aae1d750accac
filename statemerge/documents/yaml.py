"""YAML for commands that read and write plain data (`check`, `diff`, `get`, `set`, the store):
the data a reader sees, and writing a changed value back into the file as it was written.

Reading goes through `yamlread` (libyaml's events; YAML 1.2 core schema, safe: no tag builds an
object, aliases are bounded); writing through `yamlspans` and `yamlwrite`, the package's one YAML
writer. A file of several documents reads as the list of its documents.
"""

from __future__ import annotations

from typing import Any

from statemerge.documents.jsontext import decode
from statemerge.jsonvalue import same


def parse_yaml_plain(data: bytes, source: str) -> Any:
    """A YAML file as the data a reader sees (None for an empty file)."""
    from statemerge.documents.yamlexpand import expanded
    from statemerge.documents.yamlread import read_stream

    stream = read_stream(decode(data, source), source)
    documents = expanded(stream, source, budget=100_000 + 10 * len(data))
    if len(documents) > 1:
        return documents
    return documents[0] if documents else None


def detect_indents(text: str) -> tuple[int, int]:
    """(mapping indent, sequence dash offset) of a block-style YAML text; defaults (2, 0)."""
    mapping: int | None = None
    offset: int | None = None
    parent: int | None = None  # indentation of the last `key:` line opening a block
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if parent is not None and indent >= parent:
            if stripped.startswith("- ") or stripped == "-":
                offset = indent - parent if offset is None else offset
            elif indent > parent:
                mapping = indent - parent if mapping is None else mapping
        if mapping is not None and offset is not None:
            break
        body = stripped.split(" #", 1)[0].rstrip()
        parent = indent if body.endswith(":") and not body.startswith("- ") else None
    return mapping or 2, offset or 0


def render_plain(text: str, source: str, value: Any) -> str:
    """`value` (plain data, as `parse_yaml_plain` gives) written into a YAML file's text: what
    did not change keeps its bytes, aliases whose data did not change stay aliases."""
    from statemerge.documents.yamldoc import Mode, holds, parse_side, render, side_value
    from statemerge.documents.yamlwrite import dump_yaml

    side = parse_side(text, source)
    mode: Mode = "single" if len(side.stream.roots) <= 1 else "position"
    authored = side_value(side, mode)
    seen = parse_yaml_plain(text.encode(), source)
    wanted = _reauthor(value, authored, seen)
    written = render(wanted, side, None, mode)
    if holds(written, wanted, mode, source) and same(parse_yaml_plain(written.encode(), source),
                                                     value):
        return written
    from statemerge.documents.yamldoc import yaml_style

    if mode == "position" and isinstance(value, list):
        return "---\n".join(dump_yaml(document, yaml_style(text)) for document in value)
    return dump_yaml(value, yaml_style(text))


def _reauthor(value: Any, authored: Any, seen: Any) -> Any:
    """`value` with ours' aliases (and merge keys) put back wherever the data under them did not
    change."""
    if value is seen or same(value, seen):
        return authored
    if isinstance(value, dict) and isinstance(authored, dict) and isinstance(seen, dict):
        if "<<" in authored and "<<" not in value:
            return value  # a changed mapping with merge keys is written out in full
        return {key: _reauthor(child, authored[key], seen[key]) if key in authored and key in seen
                else child for key, child in value.items()}
    if (isinstance(value, list) and isinstance(authored, list) and isinstance(seen, list)
            and len(authored) == len(seen)):
        return [_reauthor(child, authored[index], seen[index]) if index < len(seen) else child
                for index, child in enumerate(value)]
    return value
