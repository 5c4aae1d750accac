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
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.compose(text, Loader=loader)


def _yaml_line(_text: str, node: Any, path: Path) -> int | None:
    import yaml

    line: int = node.start_mark.line if node is not None else 0
    for token in path:
        if isinstance(node, yaml.MappingNode):
            pairs = [(key, value) for key, value in node.value
                     if isinstance(key, yaml.ScalarNode) and key.value == str(token)]
            if not pairs:
                return None
            key, node = pairs[-1]
            line = key.start_mark.line
        elif isinstance(node, yaml.SequenceNode) and isinstance(token, int) \
                and 0 <= token < len(node.value):
            node = node.value[token]
            line = node.start_mark.line
        else:
            return None
    return line + 1
