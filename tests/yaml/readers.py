"""Two independent YAML readers for tests: PyYAML (YAML 1.1, as Ansible and many Kubernetes tools
read) and ruamel.yaml in YAML 1.2 mode. Custom tags read as `Tagged`, so tagged files compare."""

from __future__ import annotations

from typing import Any

import yaml

from statemerge.merging.values import Tagged


class _Loader11(yaml.SafeLoader):
    """PyYAML's safe loader, with custom tags kept as Tagged values."""


def _tagged11(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.ScalarNode):
        return Tagged(node.tag, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return Tagged(node.tag, loader.construct_sequence(node, deep=True))
    assert isinstance(node, yaml.MappingNode)
    return Tagged(node.tag, loader.construct_mapping(node, deep=True))


_Loader11.add_multi_constructor("!", _tagged11)


def read11(text: str) -> list[Any]:
    """Every document as a YAML 1.1 reader (PyYAML) sees it."""
    return list(yaml.load_all(text, Loader=_Loader11))


def read12(text: str) -> list[Any]:
    """Every document as a YAML 1.2 reader (ruamel.yaml, safe) sees it."""
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import SafeConstructor

    reader = YAML(typ="safe", pure=True)

    def tagged(constructor: Any, suffix: str, node: Any) -> Tagged:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        if isinstance(node, ScalarNode):
            return Tagged(node.tag.value if hasattr(node.tag, "value") else node.tag,
                          constructor.construct_scalar(node))
        if isinstance(node, SequenceNode):
            return Tagged(str(node.tag.value), constructor.construct_sequence(node, deep=True))
        assert isinstance(node, MappingNode)
        return Tagged(str(node.tag.value), constructor.construct_mapping(node, deep=True))

    reader.constructor.add_multi_constructor("!", tagged)
    del SafeConstructor
    return list(reader.load_all(text))


def typed(value: Any) -> Any:
    """The value with each scalar's type made visible, so 1, 1.0 and True do not pass for each
    other in a comparison."""
    if isinstance(value, dict):
        return {key: typed(child) for key, child in value.items()}
    if isinstance(value, list):
        return [typed(child) for child in value]
    return (type(value).__name__, value)
