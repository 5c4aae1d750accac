"""JSON values: the canonical dump, the strict load and JSON equality, one place for every module.

Two codecs give the same bytes and the same values: the standard library's json, which costs
nothing to import, and orjson, which is several times faster but costs about 20 ms to import
(it loads uuid, dataclasses, datetime and enum). orjson runs where it pays: once something loaded
it, or for FAST_FROM bytes of JSON (`fast_json`); short commands on small files never load it.
What orjson would write or read otherwise falls to the standard library: integers beyond 64 bits
(which it refuses to write and reads as floats), floats it spells in another exponent form.

Strict loading refuses `NaN`, `Infinity` and numbers too large for a float (`1e400`), which
Python's `json` would accept but which are not JSON values. Equality is JSON's: `true` is not
`1`, and `1` is not `1.0` (a side that rewrote one as the other changed the document); key order
is layout.

>>> canonical_json({"b": [1, 2.5], "a": "é"})
b'{"a":"\\xc3\\xa9","b":[1,2.5]}'
>>> loads_strict("NaN")
Traceback (most recent call last):
    ...
ValueError: NaN is not a JSON value
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any, Final

# bytes of JSON from which orjson's import (about 20 ms) pays for itself: measured on event
# lines, 1,900 lines of 360 bytes (its parse and dump save 10 µs a line)
FAST_FROM: Final = 640 * 1024
# numbers orjson reads otherwise: integers beyond 64 bits (as floats): a run of 19 digits
_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19


def fast_json(size: int = 0) -> ModuleType | None:
    """orjson when it pays: already loaded, or `size` bytes of JSON to come (then it is loaded
    now); None when the standard library is the faster choice."""
    module = sys.modules.get("orjson")
    if module is None and size >= FAST_FROM:
        import orjson as module
    return module


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8, no trailing newline: equal values give equal bytes. These
    bytes are stored and hashed (event ids, element keys, conflict ids): they are orjson's
    whenever orjson can write the value, whichever codec runs. YAML's atoms are written as
    `json_default` writes them."""
    orjson: Any = sys.modules.get("orjson")
    if orjson is None:
        text = standard_canonical(value)
        if text is not None:
            return text
        import orjson
    option = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
    try:
        return bytes(orjson.dumps(value, option=option, default=json_default))
    except TypeError:  # integers beyond 64 bits, nesting deeper than orjson goes
        return _standard_dump(value, sort_keys=True, default=json_default)


def standard_canonical(value: Any) -> bytes | None:
    """`canonical_json` by the standard library, or None where orjson might write otherwise."""
    text = _standard_text(value, sort_keys=True, separators=(",", ":"), default=json_default)
    return None if text is None else text.encode()


def indented_json(value: Any) -> bytes:
    """Two-space indent, keys in their order, UTF-8, a final newline: as orjson writes it (by
    the standard library while orjson is not loaded and would write the same)."""
    if "orjson" not in sys.modules:
        written = standard_indented(value)
        if written is not None:
            return written
    import orjson

    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except TypeError:  # integers beyond 64 bits
        return (escape_surrogates(json.dumps(value, indent=2, ensure_ascii=False)) + "\n").encode()


def standard_indented(value: Any) -> bytes | None:
    """`indented_json` by the standard library, or None where orjson might write otherwise."""
    text = _standard_text(value, indent=2)
    return None if text is None else (text + "\n").encode()


def _standard_text(value: Any, **layout: Any) -> str | None:
    """JSON text by the standard library, or None where orjson might write otherwise: NaN (which
    orjson writes as null), a type only orjson knows, a float with an exponent (`1e-05`, which
    orjson may spell `0.00001`)."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, **layout)
    except (TypeError, ValueError):
        return None
    if ("e-" in text or "e+" in text) and re.search("[0-9]e[-+][0-9]", text):
        return None
    return escape_surrogates(text)


class Alias:
    """A YAML alias (`*name`) as written: it merges as one value, so it stays an alias and a
    change to its anchored node reaches it."""

    __slots__ = ("name",)
    name: str

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "name", name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __eq__(self, other: object) -> bool:
        return type(other) is Alias and self.name == other.name

    def __hash__(self) -> int:
        return hash((self.name,))

    def __repr__(self) -> str:
        return f"Alias(name={self.name!r})"

    def __reduce__(self) -> tuple[type[Alias], tuple[str]]:
        return Alias, (self.name,)


class Tagged:
    """A value under a custom YAML tag (`!Ref x`), compared by tag and value, merged whole."""

    __slots__ = ("tag", "value")
    tag: str
    value: Any

    def __init__(self, tag: str, value: Any) -> None:
        object.__setattr__(self, "tag", tag)
        object.__setattr__(self, "value", value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __eq__(self, other: object) -> bool:
        return type(other) is Tagged and (self.tag, self.value) == (other.tag, other.value)

    def __repr__(self) -> str:
        return f"Tagged(tag={self.tag!r}, value={self.value!r})"

    def __reduce__(self) -> tuple[type[Tagged], tuple[str, Any]]:
        return Tagged, (self.tag, self.value)

    def __hash__(self) -> int:
        return hash((self.tag, canonical_value(self.value)))


def json_default(value: Any) -> Any:
    """How YAML's atoms appear in JSON reports: `{"$alias": name}`, `{"$tag": tag, "value": v}`;
    TOML's dates and times as `isoformat` writes them (orjson is told to leave them here: it
    writes 10 ms past midnight as `00:00:00.10000` and drops an offset's seconds)."""
    if isinstance(value, Alias):
        return {"$alias": value.name}
    if isinstance(value, Tagged):
        return {"$tag": value.tag, "value": value.value}
    import datetime  # imported when needed

    if isinstance(value, datetime.date | datetime.time):  # TOML's dates and times
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON data")


def comparable_json(value: Any, *, sort_keys: bool) -> bytes:
    """Compact JSON for comparing values within one run (never stored; YAML's atoms included):
    orjson only when something already loaded it, so a small merge does not pay for its import."""
    orjson: Any = sys.modules.get("orjson")
    if orjson is not None:
        option = (orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
                  | (orjson.OPT_SORT_KEYS if sort_keys else 0))
        try:
            return bytes(orjson.dumps(value, option=option, default=json_default))
        except TypeError:  # integers beyond 64 bits, nesting deeper than orjson goes
            pass
    return _standard_dump(value, sort_keys=sort_keys, default=json_default)


def _standard_dump(
    value: Any, *, sort_keys: bool, default: Callable[[Any], Any] | None = None
) -> bytes:
    text = json.dumps(value, sort_keys=sort_keys, separators=(",", ":"), ensure_ascii=False,
                      default=default)
    return escape_surrogates(text).encode()


def escape_surrogates(text: str) -> str:
    """JSON text with lone surrogates written as `\\udXXX` escapes, as the input spelled them.

    Only an escape such as `"\\ud800"` puts a lone surrogate in a string, and it cannot be
    written as UTF-8: written back raw it would fail, so it is escaped again.
    """
    if text.isascii():
        return text
    try:
        text.encode()  # much faster than searching, and fails only on a surrogate
        return text
    except UnicodeEncodeError:
        pass
    return re.sub("[\ud800-\udfff]", lambda match: f"\\u{ord(match.group()):04x}", text)


def same(a: Any, b: Any) -> bool:
    """JSON equality: key order ignored, booleans are not numbers, 1 is not 1.0.

    Python's `==` (C speed) settles most cases; a serialization check settles the rest.
    """
    if a is b:
        return True
    if type(a) is not type(b) or a != b:
        return False
    if isinstance(a, dict | list):
        return (comparable_json(a, sort_keys=False) == comparable_json(b, sort_keys=False)
                or comparable_json(a, sort_keys=True) == comparable_json(b, sort_keys=True))
    return True


def canonical_value(value: Any) -> bytes:
    """A canonical serialization: equal values (by `same`) give equal bytes."""
    return comparable_json(value, sort_keys=True)


def identity(value: Any) -> Any:
    """A hashable key for a value, distinguishing booleans from numbers and 1 from 1.0."""
    if isinstance(value, dict | list):
        return ("c", canonical_value(value))
    return (type(value).__name__, value)


KEY_FIELDS = ("id", "key", "name", "uuid")  # the fields that name a record, in order


def record_key(element: Any) -> Any:
    """A record's identity (its first id-like field, as `identity` keys it), or None: how the
    writers match a changed record to the one a side wrote."""
    if isinstance(element, dict):
        for name in KEY_FIELDS:
            value = element.get(name)
            if value is not None and not isinstance(value, dict | list):
                return ("record", name, identity(value))
    return None


def loads_strict(
    text: str | bytes, *, object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
    parse_float: Callable[[str], Any] | None = None,
) -> Any:
    """The standard library's exact parser (big integers kept), refusing `NaN`, `Infinity` and
    numbers too large for a float; ValueError (a `json.JSONDecodeError` for syntax, with its
    position) when it is not JSON."""
    return json.loads(text, object_pairs_hook=object_pairs_hook, parse_constant=_refuse_constant,
                      parse_float=parse_float or _finite_float)


def loads_fast(data: bytes, *, exact: bool = True) -> Any:
    """The value `loads_strict` reads, by orjson where it pays (`fast_json`); orjson's error (a
    ValueError) when the text is not JSON, whichever codec ran. orjson reads integers beyond 64
    bits as floats: `exact=False` leaves them to a caller that checks the value against its
    bytes anyway (an event against its id), sparing the search for them."""
    orjson: Any = sys.modules.get("orjson")
    if orjson is None:
        if len(data) < FAST_FROM:
            try:
                return loads_strict(data)
            except (ValueError, UnicodeDecodeError):
                pass  # orjson names the error, as it does for a large text
        import orjson
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        try:
            return loads_strict(data)
        except (ValueError, UnicodeDecodeError):
            pass
        raise
    if exact and _LONG_NUMBER in data.translate(_DIGITS):
        return loads_strict(data)
    return value


def _finite_float(text: str) -> float:
    number = float(text)
    if number - number != 0.0:  # infinite: the text overflows a float
        raise ValueError(f"{text} is too large for a 64-bit float")
    return number


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


class _Absent:
    """The value of a key or element that is not there (not the same as JSON null)."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT: Final = _Absent()
