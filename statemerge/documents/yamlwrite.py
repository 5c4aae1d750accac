"""The one YAML writer of the package: values written so that YAML 1.1 and 1.2 readers both read
back exactly that value.

A string is written plain only when neither reader takes it for anything else (`yes`, `off`, `~`,
`12:30`, `0755`, `1e3` and dates are quoted); floats always carry a dot or an exponent both
readers accept. Block style follows a detected `YamlStyle` (mapping indent, sequence dash offset).

>>> print(dump_yaml({"debug": "no", "ports": ["22:22"], "n": 1e3}), end="")
debug: 'no'
ports:
- '22:22'
n: 1000.0
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from statemerge.jsonvalue import Alias, Tagged

_PLAIN_SAFE = re.compile(r"[A-Za-z0-9_/$^(][A-Za-z0-9_ ./$^()+=<>-]*\Z")
_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")
_BLOCK_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\r]")


@dataclass(frozen=True)
class YamlStyle:
    """How block YAML is indented: spaces per mapping level, and where a `-` stands relative to
    its parent key (0: `key:\\n- a`, 2: `key:\\n  - a`)."""

    unit: int = 2
    dash_offset: int = 0
    flow_width: int = 0  # collections of scalars that fit this many columns go on one line


def _resolves_as_string_in_yaml11(text: str) -> bool:
    from yaml.nodes import ScalarNode
    from yaml.resolver import Resolver

    tag = Resolver().resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag == "tag:yaml.org,2002:str")


def plain_is_safe(text: str) -> bool:
    """Whether `text` written plain reads back as this very string in YAML 1.1 and 1.2."""
    from statemerge.documents.yamlread import plain_scalar

    if not _PLAIN_SAFE.match(text) or text.endswith(" ") or "  " in text:
        return False
    if plain_scalar(text) != text or not isinstance(plain_scalar(text), str):
        return False
    return _resolves_as_string_in_yaml11(text)


def quote(text: str) -> str:
    """A string as a quoted YAML scalar: single quotes where they suffice, else double."""
    if "\n" not in text and not _NEEDS_ESCAPE.search(text) and "\t" not in text:
        return "'" + text.replace("'", "''") + "'"
    body = json.dumps(text, ensure_ascii=False)
    return _NEEDS_ESCAPE.sub(lambda match: f"\\u{ord(match.group()):04x}", body)


def scalar(value: Any) -> str:
    """A scalar (or alias, or tagged scalar) on one line, read back alike by both readers."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return value if plain_is_safe(value) else quote(value)
    if isinstance(value, Alias):
        return "*" + value.name
    if isinstance(value, Tagged):
        return f"{value.tag} {flow(value.value)}"
    raise TypeError(f"{type(value).__name__} is not YAML data")


def _float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    if "e" in text and "." not in text.split("e")[0]:  # YAML 1.1 wants a dot: 1e+16 -> 1.0e+16
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def key(name: str) -> str:
    """A mapping key."""
    return name if plain_is_safe(name) else quote(name)


def flow(value: Any) -> str:
    """A value on one line in flow style (`{a: 1, b: [x, y]}`)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key(name)}: {flow(child)}" for name, child in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(child) for child in value) + "]"
    if isinstance(value, str) and plain_is_safe(value) and "," not in value:
        return value
    if isinstance(value, str):
        return quote(value)
    return scalar(value)


def literal_block(text: str, indent: str) -> str | None:
    """A multi-line string as a `|` block (header and lines, without the first newline), or
    None when block style cannot hold it exactly."""
    if _BLOCK_UNSAFE.search(text) or not text.strip("\n"):
        return None
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    lines = body.split("\n")
    if lines[0].startswith((" ", "\t")) or any(line.endswith(" ") for line in lines[-1:]):
        return None
    out = [f"|{chomp}"]
    out.extend((indent + line) if line else "" for line in lines)
    out.extend("" for _ in range(trailing - 1))
    return "\n".join(out)


def block(value: Any, indent: str, style: YamlStyle, nl: str = "\n") -> str:
    """The text after `key:` (or after `- `) for a value at a block indentation `indent`:
    ` scalar`, or a newline and the nested lines."""
    unit = " " * style.unit
    if style.flow_width and _flat(value) and len(indent) + len(flow(value)) <= style.flow_width:
        return " " + flow(value)
    if isinstance(value, dict) and value:
        lines = []
        for name, child in value.items():
            lines.append(f"{nl}{indent}{unit}{key(name)}:{block(child, indent + unit, style, nl)}")
        return "".join(lines)
    if isinstance(value, list) and value:
        dash = indent + " " * style.dash_offset
        return "".join(f"{nl}{dash}-{item(child, dash, style, nl)}" for child in value)
    if isinstance(value, str) and "\n" in value:
        literal = literal_block(value, indent + unit)
        if literal is not None:
            return " " + literal.replace("\n", nl)
    return " " + flow(value) if isinstance(value, dict | list) else " " + scalar(value)


def item(value: Any, dash: str, style: YamlStyle, nl: str = "\n") -> str:
    """The text after a `-` for one sequence element (a mapping starts on the dash's line)."""
    inner = dash + "  "
    if isinstance(value, dict) and value:
        names = list(value)
        first = f" {key(names[0])}:{block(value[names[0]], inner, style, nl)}"
        rest = "".join(f"{nl}{inner}{key(name)}:{block(value[name], inner, style, nl)}"
                       for name in names[1:])
        return first + rest
    if isinstance(value, list) and value:
        return " " + flow(value)
    return block(value, dash, style, nl)


def dump_yaml(value: Any, style: YamlStyle | None = None) -> str:
    """A whole document in block style, ending with a newline."""
    style = style or YamlStyle()
    if isinstance(value, dict) and value:
        return "".join(f"{key(name)}:{block(child, '', style)}\n" for name, child in value.items())
    if isinstance(value, list) and value:
        return "".join(f"-{item(child, '', style)}\n" for child in value)
    return block(value, "", style).lstrip(" ") + "\n"


def _flat(value: Any) -> bool:
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return bool(children) and all(not isinstance(child, dict | list) for child in children) and (
        not any(isinstance(child, str) and "\n" in child for child in children))


def sorted_keys(value: Any) -> Any:
    """A value with every mapping's keys sorted (canonical output: equal values, equal text)."""
    if isinstance(value, dict):
        return {name: sorted_keys(value[name]) for name in sorted(value)}
    if isinstance(value, list):
        return [sorted_keys(child) for child in value]
    return value
