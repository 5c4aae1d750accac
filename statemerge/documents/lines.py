"""The line on which a value stands in a JSON or YAML text, found by its JSON Pointer tokens.

For an object member this is the line of its key; for an array element, of the element. Used
to put a line number on problems found in parsed data (schema violations).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Path = tuple[str | int, ...]


def pointer_lines(data: bytes, fmt: str, paths: Iterable[Sequence[str | int]]) -> dict[Path, int]:
    """The 1-based line of each path found in `data` (a path not found is left out)."""
    text = data.decode("utf-8", "replace")
    finder = _json_line if fmt == "json" else _yaml_line
    try:
        root = _json_root(text) if fmt == "json" else _yaml_root(text)
    except Exception:  # a text the line finder cannot read just gets no line numbers
        return {}
    found: dict[Path, int] = {}
    for path in paths:
        line = finder(text, root, tuple(path))
        if line is not None:
            found[tuple(path)] = line
    return found


def _json_root(text: str) -> Any:
    from statemerge.documents.jsonspans import scan

    return scan(text)


def _json_line(text: str, span: Any, path: Path) -> int | None:
    start = span.start
    for token in path:
        for index, (key, key_start, child) in enumerate(span.members):
            if (key == token) if key is not None else (index == token):
                start, span = key_start, child
                break
        else:
            return None
    return text.count("\n", 0, start) + 1


def _yaml_root(text: str) -> Any:
    """statemerge's own YAML nodes (positions as written); several documents are a list."""
    from statemerge.documents.yamlread import read_stream

    roots = read_stream(text, "").roots
    return roots[0] if len(roots) == 1 else roots


def _yaml_line(text: str, node: Any, path: Path) -> int | None:
    from statemerge.documents.yamlread import key_text

    if isinstance(node, list):  # several documents: the first token picks one
        if not path or not isinstance(path[0], int) or not 0 <= path[0] < len(node):
            return None
        node, path = node[path[0]], path[1:]
    start = node.start if node is not None else 0
    for token in path:
        if node is not None and node.kind == "map":
            pairs = [(key, value) for key, value in node.items if key_text(key) == str(token)]
            if not pairs:
                return None
            key, node = pairs[-1]
            start = key.start
        elif node is not None and node.kind == "seq" and isinstance(token, int) and (
                0 <= token < len(node.items)):
            node = node.items[token]
            start = node.start
        else:
            return None
    return text.count("\n", 0, start) + 1
