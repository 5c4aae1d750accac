"""State-based CRDTs stored as JSON nodes: `{"$crdt": TAG, ...}`, whole files or inside state files.

Plain data in, plain data out; time is passed in. The types (see docs/crdt.md for their fields):
g-counter, pn-counter, g-set, 2p-set, or-set, lww-register, mv-register, or-map, rga.

>>> from statemerge.crdt import apply, join, new, value_of
>>> node = apply(new("g-counter"), "inc", [2], replica="alice", now_micros=0)
>>> value_of(join(node, apply(new("g-counter"), "inc", [3], replica="bob", now_micros=0)))
5

The names below load their module when first used, and each type's module is loaded when a node
of that type is first met, so a command loads only what it runs.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from statemerge.crdt import counters, maps, registers, rga, sets
    from statemerge.crdt.base import (
        TAG_FIELD,
        TYPES,
        Actor,
        CrdtType,
        apply,
        decode_node,
        encode_node,
        is_node,
        join,
        join_all,
        new,
        parse_arguments,
    )
    from statemerge.crdt.fields import Where
    from statemerge.crdt.walk import (
        join_documents,
        map_nodes,
        nodes,
        replace_at,
        validate,
        value_of,
    )

_HOMES = {
    **dict.fromkeys(("TAG_FIELD", "TYPES", "Actor", "CrdtType", "apply", "decode_node", "encode_node",
                     "is_node", "join", "join_all", "new", "parse_arguments"), "base"),
    "Where": "fields",
    **dict.fromkeys(("join_documents", "map_nodes", "nodes", "replace_at", "validate", "value_of"),
                    "walk"),
}
_SUBMODULES = frozenset(("counters", "maps", "registers", "rga", "sets"))

__all__ = [
    "TAG_FIELD",
    "TYPES",
    "Actor",
    "CrdtType",
    "Where",
    "apply",
    "counters",
    "decode_node",
    "encode_node",
    "is_node",
    "join",
    "join_all",
    "join_documents",
    "map_nodes",
    "maps",
    "new",
    "nodes",
    "parse_arguments",
    "registers",
    "replace_at",
    "rga",
    "sets",
    "validate",
    "value_of",
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = f"{__name__}.{name}"
        __import__(module)
        return sys.modules[module]
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = f"{__name__}.{home}"
    __import__(module)
    if name == "TYPES":  # the whole registry: every type's module
        return sys.modules[module].all_types()
    value = getattr(sys.modules[module], name)
    globals()[name] = value
    return value
