"""State-based CRDTs stored as JSON nodes: `{"$crdt": TAG, ...}`, whole files or inside state files.

Plain data in, plain data out; time is passed in. The types (see docs/crdt.md for their fields):
g-counter, pn-counter, g-set, 2p-set, or-set, lww-register, mv-register, or-map, rga.

>>> node = apply(new("g-counter"), "inc", [2], replica="alice", now_micros=0)
>>> value_of(join(node, apply(new("g-counter"), "inc", [3], replica="bob", now_micros=0)))
5
"""

from __future__ import annotations

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
