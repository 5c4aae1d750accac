"""JSON values as bytes: the canonical dump and the strict load, in one place for every module.

orjson is fast but its import costs tens of milliseconds, and it refuses integers beyond 64 bits;
the standard library is the fallback for those. Strict loading refuses `NaN` and `Infinity`, which
Python's `json` would accept but which are not JSON.

>>> canonical_json({"b": [1, 2.5], "a": "é"})
b'{"a":"\\xc3\\xa9","b":[1,2.5]}'
>>> loads_strict("NaN")
Traceback (most recent call last):
    ...
ValueError: NaN is not a JSON value
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8, no trailing newline: equal values give equal bytes. These
    bytes are stored and hashed (event ids, element keys), so orjson writes them whenever it can."""
    import orjson

    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # integers beyond 64 bits, nesting deeper than orjson goes
        return _standard_dump(value, sort_keys=True)


def comparable_json(value: Any, *, sort_keys: bool) -> bytes:
    """Compact JSON for comparing values within one run (never stored): orjson only when
    something already loaded it, so a small merge does not pay for its import."""
    orjson = sys.modules.get("orjson")
    if orjson is not None:
        try:
            return bytes(orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else 0))
        except TypeError:  # integers beyond 64 bits, nesting deeper than orjson goes
            pass
    return _standard_dump(value, sort_keys=sort_keys)


def _standard_dump(value: Any, *, sort_keys: bool) -> bytes:
    text = json.dumps(value, sort_keys=sort_keys, separators=(",", ":"), ensure_ascii=False)
    return text.encode()


def loads_strict(
    text: str | bytes, *, object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None
) -> Any:
    """The standard library's exact parser (big integers kept), refusing `NaN` and `Infinity`;
    ValueError (a `json.JSONDecodeError` for syntax, with its position) when it is not JSON."""
    return json.loads(text, object_pairs_hook=object_pairs_hook, parse_constant=_refuse_constant)


def loads_fast(data: bytes) -> Any:
    """orjson's parse, or the exact parser for what orjson refuses but JSON allows (integers
    beyond 64 bits); orjson's error (a ValueError) when neither reads it."""
    import orjson

    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        try:
            return loads_strict(data)
        except (ValueError, UnicodeDecodeError):
            pass
        raise


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")
