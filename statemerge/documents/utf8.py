r"""The UTF-8 check every reader shares: the first byte that is not UTF-8, and its line.

>>> not_utf8(b'{"a": 1,\n "b": "\xff"}')
NotUtf8(byte=255, line=2)
>>> not_utf8("{}".encode()) is None
True
"""

from __future__ import annotations

from statemerge.records import Record


class NotUtf8(Record):
    """Where bytes stop being UTF-8: the offending byte and its 1-based line."""

    byte: int
    line: int


def not_utf8(data: bytes) -> NotUtf8 | None:
    """The first byte of `data` that is not UTF-8, or None when all of it is."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return NotUtf8(data[error.start], data.count(b"\n", 0, error.start) + 1)
    return None
