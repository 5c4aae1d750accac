"""Operations on JSON documents: RFC 6902 JSON Patch plus `inc`, shared by event logs and the store.

Three steps, each usable alone:

- `parse_op_words` turns command-line words (`set /a 1 inc /n 2` or JSON) into ops;
- `validate_ops` checks the shape of ops read from a file or an event;
- `apply_ops` applies them all or none, returning a new document and leaving the input alone.

>>> apply_ops({"n": 1}, parse_op_words(["inc", "/n", "2", "set", "/s", '"x"']))
{'n': 3, 's': 'x'}

Applying copies only the containers along the changed paths (the rest is shared with the input), so
a small edit of a large document costs the depth of the path, not the size of the document.
`apply_ops_in_place` is the replay hot path: it edits the document itself and undoes a half-applied
event when a later op fails.
"""

from __future__ import annotations

from statemerge.patch.apply import (
    apply_ops,
    apply_ops_in_place,
    json_equal,
    set_member,
    split_pointer,
)
from statemerge.patch.opsparser import (
    OP_NAMES,
    SHORTHAND,
    Op,
    op_problem,
    parse_op_words,
    validate_ops,
)

__all__ = [
    "OP_NAMES",
    "SHORTHAND",
    "Op",
    "apply_ops",
    "apply_ops_in_place",
    "json_equal",
    "op_problem",
    "parse_op_words",
    "set_member",
    "split_pointer",
    "validate_ops",
]
