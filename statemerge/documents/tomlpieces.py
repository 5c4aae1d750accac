"""Reading large TOML texts table by table, so that the versions of a merge parse once.

The three versions of a file (and the merged text read back) share most of their bytes. The
text is cut before each `[table]` header at the start of a line; each piece is read on its own
(rtoml) once per distinct text, and the pieces are put together as TOML does. What is read is
proved to be what the whole text means, else the answer is None and the whole text is read:
- every piece reads on its own, so every cut stands outside strings and arrays (a cut inside
  one leaves the piece that opened it unclosed): each cut line is a real header;
- a piece holds only its header's table (arrays of tables under it included), nothing else;
- tables go together only where TOML allows it and the result is unambiguous: a header's
  table is new, or one that only headers below it made (then no key is defined twice);
  a header reaches it only through such tables or tables headers defined; any other meeting
  (a key defined twice, a table of dotted keys or an inline one, an array) sends the text
  whole to the reader.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

# a cut: a `[table]` header at the start of a line; group 1 when it is not a plain one
_CUT = re.compile(r"\n\[(?!\[)(?:(?=[A-Za-z0-9_.-]+\][ \t]*(?:#[^\n]*)?\r?\n)|())")
_HEADER = re.compile(r"\[([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\][ \t]*(?:#[^\n]*)?\r?\n")
REFUSED = "refused"  # a cache key: a version was read whole, the others are too


class _Whole(Exception):
    """The text is not in the shape this reader proves: read it whole."""


def read_pieces(text: str, cache: dict[Any, Any]) -> dict[str, Any] | None:
    """The value of a TOML text read piece by piece (`cache`: piece -> what it holds, shared
    by the versions of one merge), or None when only the whole text's reader can answer."""
    import rtoml

    if REFUSED in cache:
        return None
    cuts = list(_CUT.finditer(text))
    if any(cut.group(1) is not None for cut in cuts):  # `["quoted"]`, `[ spaced ]`: read whole
        return None
    header_first = text.startswith("[") and not text.startswith("[[")
    bounds = [*([0] if header_first else []), *(cut.start() + 1 for cut in cuts), len(text)]
    try:
        lead = text[:bounds[0]]  # the keys before the first header
        root = cache.get((None, lead))
        if root is None:
            root = cache[None, lead] = rtoml.loads(lead)
        tables = _Tables(dict(root))
        for start, end in pairwise(bounds):
            piece = text[start:end]
            table = cache.get(piece)
            if table is None:
                table = cache[piece] = _table(piece, rtoml.loads(piece))
            tables.define(*table)
    except (_Whole, ValueError):  # rtoml's TomlParsingError is one
        cache[REFUSED] = True
        return None
    return tables.root


def _table(piece: str, value: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """The path of the table a piece defines, and the table (which must be all it holds)."""
    header = _HEADER.match(piece)
    if header is None:
        raise _Whole
    path = header.group(1).split(".")
    table: Any = value
    for key in path:
        if not isinstance(table, dict) or len(table) != 1 or key not in table:
            raise _Whole  # the piece holds more than its header's table
        table = table[key]
    return path, table


class _Tables:
    """The document being put together, and how each of its tables came to be."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.implicit: set[int] = set()  # made by headers below them only (ours to change)
        self.defined: set[int] = set()  # a header's own table, as read (shared: copied first)
        self.owned: set[int] = {id(root)}  # root: a copy of the keys before the first header
        self.keep: list[dict[str, Any]] = []  # the ids above stay valid while they live

    def define(self, path: list[str], table: dict[str, Any]) -> None:
        """Put a header's table (as read) in place."""
        parent = self.root
        for key in path[:-1]:
            parent = self._enter(parent, key)
        last = path[-1]
        existing = parent.get(last)
        if existing is None:
            parent[last] = table
        elif id(existing) in self.implicit and not existing.keys() & table.keys():
            existing.update(table)  # `[a.b]` then `[a]`: the table is defined now, and
            parent[last] = parent.pop(last)  # moves after its siblings, as rtoml has it
            self.implicit.discard(id(existing))
            table = existing
        else:
            raise _Whole  # defined twice, or a key, an array, a dotted or inline table
        self.defined.add(id(table))
        self.keep.append(table)

    def _enter(self, parent: dict[str, Any], key: str) -> dict[str, Any]:
        """The table `key` of `parent` on a header's way, made when missing."""
        child = parent.get(key)
        if child is None:
            child = parent[key] = {}
            self.implicit.add(id(child))
            self.owned.add(id(child))
            self.keep.append(child)
        elif id(child) in self.defined and id(child) not in self.owned:
            copy = parent[key] = dict(child)  # the read table is shared with other versions
            self.defined.add(id(copy))
            self.owned.add(id(copy))
            self.keep.append(copy)
            child = copy
        elif id(child) not in self.implicit and id(child) not in self.defined:
            raise _Whole
        return child
