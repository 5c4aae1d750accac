"""YAML: safe loading into plain data (YAML 1.2, no tags that build objects, bounded aliases),
and round-trip writing with ruamel.yaml that keeps comments, quoting and style.

ruamel is imported here only, and this module only when a YAML file is met.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from statemerge.documents.jsontext import decode
from statemerge.errors import DuplicateKeyError, ParseError

STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "omap")
)


def _yaml(typ: str = "rt") -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ=typ, pure=True)
    yaml.preserve_quotes = True
    yaml.width = 4096
    # Timestamps stay the strings they were written as: JSON has no dates.
    yaml.constructor.add_constructor(
        "tag:yaml.org,2002:timestamp",
        lambda constructor, node: constructor.construct_scalar(node),
    )
    return yaml


def load_roundtrip(data: bytes, source: str) -> Any:
    """The round-trip tree (ruamel's CommentedMap/Seq with comments) of one YAML document."""
    from ruamel.yaml.constructor import DuplicateKeyError as RuamelDuplicateKey
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    text = decode(data, source)
    yaml = _yaml()
    try:
        documents = list(yaml.load_all(text))
    except RuamelDuplicateKey as error:
        mark = error.problem_mark
        key = _duplicate_key_name(str(error.problem))
        raise DuplicateKeyError(source, key, mark.line + 1 if mark else None,
                                mark.column + 1 if mark else None) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = error.problem or error.context or "invalid YAML"
        raise ParseError(source, f"invalid YAML: {reason}.", mark.line + 1 if mark else None,
                         mark.column + 1 if mark else None) from None
    except YAMLError as error:
        raise ParseError(source, f"invalid YAML: {error}.") from None
    except RecursionError:
        raise ParseError(source, "nested too deeply.") from None
    if len(documents) > 1:
        raise ParseError(source, f"holds {len(documents)} YAML documents; statemerge merges "
                         "files of one document.")
    return documents[0] if documents else None


def _duplicate_key_name(problem: str) -> str:
    """The key in ruamel's `found duplicate key "KEY" with value ...`."""
    start = problem.find('"')
    end = problem.find('"', start + 1)
    return problem[start + 1:end] if 0 <= start < end else problem


def to_plain(tree: Any, source: str, budget: int) -> Any:
    """Plain JSON data from a round-trip tree; refuses object-building tags and alias bombs.

    Aliases stay shared (no copies); `budget` bounds the number of nodes they expand to, so a
    billion-laughs document is refused in time linear in its size.
    """
    sizes: dict[int, int] = {}

    def size(node: Any, depth: int) -> int:
        if depth > 1000:
            raise ParseError(source, "nested deeper than 1000 levels.")
        key = id(node)
        if key in sizes:
            return sizes[key]
        if isinstance(node, dict):
            total = 1 + sum(size(child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            total = 1 + sum(size(child, depth + 1) for child in node)
        else:
            total = 1
        sizes[key] = total
        if total > budget:
            raise ParseError(source, f"YAML aliases expand to more than {budget:,} nodes; "
                             "refusing a possible alias bomb.")
        return total

    size(tree, 0)
    converted: dict[int, Any] = {}

    def plain(node: Any, pointer: str) -> Any:
        key = id(node)
        if key in converted:
            return converted[key]
        _check_tag(node, source, pointer)
        result: Any
        if isinstance(node, dict):
            result = {}
            converted[key] = result
            for name, child in node.items():
                if not isinstance(name, str):
                    if isinstance(name, bool | int | float) or name is None:
                        name = _key_text(name)
                    else:
                        raise ParseError(source, f"a mapping key at {pointer or '/'} is not a "
                                         "scalar; JSON keys are strings.")
                result[name] = plain(child, f"{pointer}/{name}")
        elif isinstance(node, list):
            result = []
            converted[key] = result
            result.extend(plain(child, f"{pointer}/{index}") for index, child in enumerate(node))
        else:
            result = _scalar(node, source, pointer)
        return result

    return plain(tree, "")


def _key_text(name: Any) -> str:
    if name is None:
        return "null"
    if isinstance(name, bool):
        return "true" if name else "false"
    return str(name)


def _check_tag(node: Any, source: str, pointer: str) -> None:
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", tag) if tag is not None else None
    if isinstance(value, str) and value and value not in STANDARD_TAGS:
        raise ParseError(source, f"YAML tag {value!r} at {pointer or '/'} is not allowed "
                         "(statemerge reads plain data only).")


_NOT_JSON = object()


def _json_scalar(node: Any) -> Any:
    """A ruamel scalar as a plain JSON scalar (ruamel subclasses int, float, str), or _NOT_JSON."""
    if node is None or isinstance(node, bool):
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, datetime.date):
        return node.isoformat()
    return _NOT_JSON


def _scalar(node: Any, source: str, pointer: str) -> Any:
    value = _json_scalar(node)
    if value is not _NOT_JSON:
        return value
    raise ParseError(source, f"{type(node).__name__} value at {pointer or '/'} is not JSON data "
                     "(binary and custom YAML types are not allowed).")


def parse_yaml_plain(data: bytes, source: str) -> Any:
    """A YAML document as plain JSON data."""
    return to_plain(load_roundtrip(data, source), source, budget=100_000 + 10 * len(data))


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


def dump_roundtrip(tree: Any, original: str) -> str:
    """Write a round-trip tree in the indentation and document markers of `original`."""
    yaml = _yaml()
    mapping, offset = detect_indents(original)
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    yaml.explicit_start = original.lstrip().startswith("---")
    stream = io.StringIO()
    yaml.dump(tree, stream)
    text = stream.getvalue()
    if not original.endswith("\n") and text.endswith("\n"):
        text = text[:-1]
    if "\r\n" in original:
        text = text.replace("\n", "\r\n")
    return text


def patch_tree(tree: Any, merged: Any) -> Any:
    """Make a round-trip tree hold `merged`, keeping the nodes (and comments) of what is equal."""
    from statemerge.merging.values import same

    if isinstance(tree, dict) and isinstance(merged, dict):
        commented: Any = tree  # ruamel's CommentedMap: an ordered dict with insert()
        old_last = list(tree)[-1] if tree else None
        for key in [key for key in tree if key not in merged]:
            del tree[key]
        for position, (key, value) in enumerate(merged.items()):
            if key in tree:
                current = tree[key]
                if not same(_loose_plain(current), value):
                    tree[key] = patch_tree(current, value)
            else:
                commented.insert(position, key, _commented(value))
        order = list(merged)
        if list(tree) != order:
            for key in order:  # move keys into the merged order, keeping their comments
                commented.move_to_end(key)
        if old_last is not None and old_last in tree and list(tree)[-1] != old_last:
            value = tree[old_last]
            _move_trailing_comment(value if isinstance(value, dict | list) and value
                                   else _KeyHolder(commented, old_last), tree)
        return tree
    if isinstance(tree, list) and isinstance(merged, list):
        if len(tree) == len(merged):
            for index, value in enumerate(merged):
                if not same(_loose_plain(tree[index]), value):
                    tree[index] = patch_tree(tree[index], value)
            return tree
        return _patch_sequence(tree, merged)
    if not isinstance(tree, dict | list) and same(_loose_plain(tree), merged):
        return tree
    return merged


def _patch_sequence(tree: Any, merged: list[Any]) -> Any:
    """A sequence whose length changed: reuse the nodes (quoting, comments) of kept elements."""
    from statemerge.merging.values import identity

    unused: dict[Any, list[Any]] = {}
    for node in tree:
        unused.setdefault(identity(_loose_plain(node)), []).append(node)
    old_last = tree[-1] if len(tree) else None
    items = []
    for value in merged:
        reusable = unused.get(identity(value))
        items.append(reusable.pop(0) if reusable else _commented(value))
    tree[:] = items
    if old_last is not None and items and items[-1] is not old_last:
        _move_trailing_comment(old_last, tree)
    return tree


def _commented(value: Any) -> Any:
    """Plain data as ruamel nodes, so that comments can be attached to them."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        return CommentedMap((key, _commented(child)) for key, child in value.items())
    if isinstance(value, list):
        return CommentedSeq(_commented(child) for child in value)
    return value


class _KeyHolder:
    """A mapping key whose value is a scalar: its trailing comment lives in the mapping."""

    def __init__(self, mapping: Any, key: Any) -> None:
        self.mapping, self.key = mapping, key


def _last_slot(node: Any) -> tuple[Any, Any, int] | None:
    """Where the comment after a node's last line lives: (container, key or index, slot)."""
    if isinstance(node, _KeyHolder):
        return node.mapping, node.key, 2
    while True:
        if isinstance(node, dict) and node and hasattr(node, "ca"):
            key = list(node)[-1]
            if isinstance(node[key], dict | list) and node[key]:
                node = node[key]
                continue
            return node, key, 2
        if isinstance(node, list) and node and hasattr(node, "ca"):
            index = len(node) - 1
            if isinstance(node[index], dict | list) and node[index]:
                node = node[index]
                continue
            return node, index, 0
        return None


def _move_trailing_comment(old_last: Any, container: Any) -> None:
    """Blank lines and comments after what was the last item follow the new last item."""
    source = _last_slot(old_last)
    target = _last_slot(container)
    if source is None or target is None:
        return
    holder, key, slot = source
    entry = holder.ca.items.get(key)
    if not entry or len(entry) <= slot or entry[slot] is None:
        return
    token = entry[slot]
    text = getattr(token, "value", None)
    if not isinstance(text, str) or "\n" not in text:
        return
    head, tail = text.split("\n", 1)  # an end-of-line comment stays with its line
    if not tail:
        return
    import copy

    moved = copy.copy(token)
    moved.value = "\n" + tail
    if head.strip():
        token.value = head + "\n"
    else:
        entry[slot] = None
    new_holder, new_key, new_slot = target
    new_entry = new_holder.ca.items.setdefault(new_key, [None, None, None, None])
    new_entry[new_slot] = moved


def _loose_plain(node: Any) -> Any:
    """Plain data of a subtree already validated at load time."""
    if isinstance(node, dict):
        return {(k if isinstance(k, str) else _key_text(k)): _loose_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_loose_plain(child) for child in node]
    value = _json_scalar(node)
    return str(node) if value is _NOT_JSON else value
