"""Reading and writing JSON/YAML documents: formats, positions in errors, layout, atomic writes."""

from __future__ import annotations

from statemerge.documents.atomic import write_atomic
from statemerge.documents.formats import (
    Format,
    detect_format,
    dump_canonical,
    parse_value,
    read_bytes,
    read_value,
)

__all__ = [
    "Format",
    "detect_format",
    "dump_canonical",
    "parse_value",
    "read_bytes",
    "read_value",
    "write_atomic",
]
