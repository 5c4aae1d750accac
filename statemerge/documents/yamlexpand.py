"""The data a YAML reader sees: aliases resolved to their (shared) values and merge keys
(`<<: *x`) applied, from the nodes `yamlread` built. Bounded: an alias bomb is refused in time
linear in the file's size."""

from __future__ import annotations

from typing import Any

from statemerge.documents.yamlread import Node, YamlStream, key_text
from statemerge.errors import ParseError
from statemerge.jsonvalue import Tagged


def expanded(stream: YamlStream, source: str, budget: int) -> list[Any]:
    """Each document's data as a reader sees it: aliases resolved to their (shared) values and
    merge keys applied; custom-tagged values stay `Tagged`. `budget` bounds the nodes aliases
    expand to (a billion-laughs document is refused in time linear in its size)."""
    if not stream.aliased:  # nothing to expand: the values are what a reader sees
        return stream.values
    anchored: dict[str, Any] = {}
    sizes: dict[int, int] = {}
    results = []
    for root in stream.roots:
        results.append(_expand(root, anchored, source))
    for value in results:
        _bounded(value, sizes, budget, source)
    return results


def _expand(root: Node, anchored: dict[str, Any], source: str) -> Any:
    done: dict[int, Any] = {}
    # iterative post-order walk: children first, then the node
    work: list[tuple[Node, bool]] = [(root, False)]
    while work:
        node, ready = work.pop()
        if node.kind == "alias":
            done[id(node)] = anchored[node.value.name]
            continue
        if node.kind == "scalar":
            done[id(node)] = node.value
            if node.anchor is not None:
                anchored[node.anchor] = node.value
            continue
        if not ready:
            work.append((node, True))
            children = [pair[1] for pair in node.items] if node.kind == "map" else node.items
            work.extend((child, False) for child in reversed(children))
            continue
        value: Any = ([done[id(child)] for child in node.items] if node.kind == "seq"
                      else _merged_mapping(node, done, source))
        done[id(node)] = Tagged(node.value.tag, value) if isinstance(node.value, Tagged) else value
        if node.anchor is not None:
            anchored[node.anchor] = done[id(node)]
    return done[id(root)]


def _merged_mapping(node: Node, done: dict[int, Any], source: str) -> dict[str, Any]:
    """A mapping with its merge keys (`<<: *x`, `<<: [*x, *y]`) applied: own keys win."""
    own: dict[str, Any] = {}
    inherited: dict[str, Any] = {}
    for key_node, value_node in node.items:
        key = key_text(key_node)
        value = done[id(value_node)]
        if key == "<<" and key_node.style is None and key_node.tag is None:
            sources = value if isinstance(value, list) else [value]
            for merged in reversed(sources):
                if not isinstance(merged, dict):
                    raise ParseError(source, "a merge key (<<) takes a mapping or a list of "
                                     "mappings.", value_node.line + 1, value_node.column + 1)
                inherited.update(merged)
        else:
            own[key] = value
    if not inherited:
        return own
    inherited.update(own)
    return inherited


def _bounded(value: Any, sizes: dict[int, int], budget: int, source: str) -> int:
    """The number of nodes `value` expands to (shared values counted once per use)."""
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, ready = stack.pop()
        if not isinstance(item, dict | list) or id(item) in sizes:
            continue
        children = list(item.values()) if isinstance(item, dict) else item
        if not ready:
            stack.append((item, True))
            stack.extend((child, False) for child in children if isinstance(child, dict | list)
                         and id(child) not in sizes)
            continue
        total = 1 + sum(sizes.get(id(child), 1) for child in children)
        if total > budget:
            raise ParseError(source, f"YAML aliases expand to more than {budget:,} nodes; "
                             "refusing a possible alias bomb.")
        sizes[id(item)] = total
    return sizes.get(id(value), 1)
