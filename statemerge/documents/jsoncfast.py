"""The fast reader of large JSONC texts: comments and trailing commas are dropped, orjson parses
the rest. With no escaped quote in the text they are found without regard to strings and kept
only if an even number of quotes stands before each (two C-speed splits); otherwise one regex
pass matches strings whole, so `//` inside a string stays.

It answers only when the exact reader (`jsonc.parse_jsonc`'s blank-and-parse path) would give
the same value; otherwise it says `None` and the exact reader decides (and names the error):
- every `"` must open a string closed on its line, every `/*` must be closed;
- the comments and commas dropped are those `jsonc._syntax` finds (`,,` and `[,` kept);
- no duplicate key: the structural colons of the text and of the value dumped must agree
  (a colon escaped as `\\u003a` in the text sends it to the exact reader);
- no number orjson reads differently (19+ digits, a 3-digit exponent) and no nesting beyond
  what orjson dumps (255 levels, below the exact reader's 1000).
"""

from __future__ import annotations

import re
from itertools import repeat
from operator import itemgetter
from typing import Any

_SPACE = " \t\r\n"
_STRING = r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"'
_TRAILING = r"(?:\s|(?>//[^\n]*)|(?>/\*[\s\S]*?\*/))*[}\]]"  # after a comma: it is trailing
# plain text (whole strings; `[`, `{` or a comma that is not trailing, each with the commas
# right after it, which stay; `/` not opening a comment), then a comment, a trailing comma,
# the end, or (not well-formed) a quote or `/*` left unclosed
_PASS = re.compile(r"((?:[^\",\[{/]++|" + _STRING + r"|[\[{](?:\s*+,)*+|,(?!" + _TRAILING
                   + r")(?:\s*+,)*+|/(?![/*]))*+)(,(?=" + _TRAILING
                   + r")|//[^\n]*+|/\*[\s\S]*?\*/|\Z|(?=[\"/]))")
# numbers orjson reads otherwise: integers beyond 64 bits (a float), 1e-400 (0.0); with every
# digit written 0 and every exponent `e-`, a run of 19 digits or an exponent of 3
_DIGITS = bytes.maketrans(b"123456789E+", b"000000000e-")
_COMMENT = re.compile(r"/(?:/[^\n]*+|\*[\s\S]*?\*/)")
_TRAILING_COMMA = re.compile(r",(?=\s*[}\]])")
_NOT_NEWLINE = re.compile(r"[^\n]")
_KEEPS_COMMA = frozenset(("", ",", "[", "{"))  # `,,` `[,` `{,` stay, as `jsonc._syntax` does
_LAST = itemgetter(slice(-1, None))


def strip_fast(text: str) -> tuple[str, int] | None:
    """The text with comments and trailing commas dropped (each becomes one space), and how
    many were dropped; None when the text is not well-formed enough to be sure."""
    if "/*" in text and text.rfind("/*") > text.rfind("*/"):  # perhaps unclosed: the exact reader says where
        return None
    if '\\"' not in text:
        stripped = _strip_by_quotes(text)
        if stripped is not None:
            return stripped
    parts = _PASS.split(text)
    if any(parts[0::3]):  # a quote or comment left unclosed stopped the pass
        return None
    dropped = parts[2::3]
    if any(len(comment) > 1 and comment.rstrip()[-1] in ",[{" for comment in dropped):
        return None  # `jsonc._syntax` keeps a comma right after such a comment
    return " ".join(parts[1::3]), len(dropped) - dropped.count("")


def blank_fast(text: str) -> str | None:
    """The text with comments and trailing commas blanked, positions and newlines kept (what
    `jsonc._strip(text, jsonc._syntax(text))` gives, for a text that reads as JSONC: the writer
    blanks only such texts) when it holds no escaped quote; None when unsure."""
    if '\\"' in text or ("/*" in text and text.rfind("/*") > text.rfind("*/")):
        return None
    stripped = _strip_by_quotes(text, keep_places=True)
    if stripped is None or "/*" in stripped[0]:
        return None  # a `/*` left: perhaps a comment left open, where the exact reader stops
    return stripped[0]


def _strip_by_quotes(text: str, *, keep_places: bool = False) -> tuple[str, int] | None:
    """`strip_fast` for a text with no escaped quote: comments, then trailing commas, are found
    without regard to strings; they are all outside strings when none holds a quote and an
    even number of quotes stands before each. Else (or when unsure of a comma) None.
    `keep_places`: each comment becomes as many spaces (newlines kept), not one."""
    comments = 0
    if "/" in text:
        parts = _COMMENT.split(text)
        comments = len(parts) - 1
        if comments:
            for piece in parts:
                if piece.count('"') & 1:
                    return None
            found = _COMMENT.findall(text)
            for comment in found:
                if '"' in comment or comment.rstrip(_SPACE)[-1] in _KEEPS_COMMA:
                    return None  # a quote in it, or `jsonc._syntax` keeps a comma after it
            if keep_places:
                blanks = [_NOT_NEWLINE.sub(" ", comment) for comment in found] + [""]
                text = "".join([piece for pair in zip(parts, blanks, strict=True)
                                for piece in pair])
            else:
                text = " ".join(parts)
    pieces = _TRAILING_COMMA.split(text)
    # C-level maps: each piece's count of quotes is even, and what precedes each comma not
    # `,`, `[`, `{` or nothing
    if any(map(int.__and__, map(str.count, pieces, repeat('"')), repeat(1))):
        return None
    befores = map(str.rstrip, pieces[:-1], repeat(_SPACE))
    if any(map(_KEEPS_COMMA.__contains__, map(_LAST, befores))):
        return None
    return " ".join(pieces), comments + len(pieces) - 1


def parse_fast(text: str) -> tuple[Any, int] | None:
    """The value of a JSONC text and how many comments and trailing commas it held, or None
    when only the exact reader can be trusted with it (see the module docstring)."""
    stripped = strip_fast(text)
    if stripped is None:
        return None
    body, dropped = stripped
    data = body.encode()
    digits = data.translate(_DIGITS)
    if b"\\u003" in data or b"0" * 19 in digits or b"e000" in digits or b"e-000" in digits:
        return None
    import orjson

    try:
        value = orjson.loads(data)
        dumped = orjson.dumps(value)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return None
    if data.count(b":") != dumped.count(b":"):  # a duplicate key kept once
        return None
    return value, dropped
