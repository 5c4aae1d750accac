"""The one YAML writer: any value it writes reads back as exactly that value, in a YAML 1.1
reader (PyYAML), a YAML 1.2 reader (ruamel.yaml) and statemerge's own reader."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from statemerge.documents.yamlread import read_stream
from statemerge.documents.yamlwrite import YamlStyle, dump_yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "yaml"))
from readers import read12, typed

TRICKY = st.sampled_from([
    "yes", "no", "on", "off", "y", "n", "Y", "NO", "~", "null", "Null", "12:30", "1:20:30", "0755",
    "0o17", "0x1F", "0b101", "1e3", "1E3", "1_000", ".inf", "-.Inf", ".NaN", "2024-01-01",
    "2001-12-14t21:59:43.10-05:00", "True", "1.0", "+1", ".5", "-", "- x", ": a", "a: b", "#x",
    "x #y", "", " lead", "trail ", "'q'", '"d"', "<<", "=", "!x", "&a", "*a", "%x", "@x", "`x",
    "[a]", "{a}", "?x", "|", "> x", "a\nb", "a\n", "\n\nx\n\n", "tab\there", "\u2028", "\x85",
    "é", "github-actions[bot]", "a,b"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(),
                    st.floats(allow_nan=False, allow_infinity=False), TRICKY, st.text(max_size=8))
VALUES = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4),
    st.dictionaries(st.one_of(TRICKY, st.text(max_size=5)), children, max_size=4)),
    max_leaves=20)
STYLES = st.sampled_from([YamlStyle(2, 0), YamlStyle(2, 2), YamlStyle(4, 2), YamlStyle(4, 0),
                          YamlStyle(2, 0, flow_width=60)])



@settings(max_examples=400, deadline=None)
@given(VALUES, STYLES)
def test_written_values_read_back_alike_in_yaml_11_and_12(value: Any, style: YamlStyle) -> None:
    text = dump_yaml(value, style)
    expected = typed(value)
    assert typed(yaml.safe_load(text)) == expected, text
    assert typed(read12(text)[0]) == expected, text
    assert typed(read_stream(text, "t.yaml").values[0]) == expected, text
