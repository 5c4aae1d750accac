"""YAML merges on random documents written with comments and either sequence style: the merge
never crashes, and a clean output reads back, in YAML 1.1 and 1.2 readers alike, to exactly the
structural merge of the three values."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statemerge.documents.yamlwrite import YamlStyle, dump_yaml
from statemerge.mergefile import MergeOptions, merge_texts
from statemerge.merging.threeway import merge

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "yaml"))
from readers import read12, typed

KEYS = st.sampled_from(["a", "b", "c", "id", "name", "yes", "on", "x y", "k1", "k2"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(
    ["s", "t", "yes", "0755", "1e3", "12:30", "~", "a\nb\n", "line one\nline two", "#x", "a: b"]))
TREES = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=4)), max_leaves=12)
ROOTS = st.dictionaries(KEYS, TREES, min_size=1, max_size=5)


@st.composite
def edited(draw: st.DrawFn, tree: Any) -> Any:
    """`tree` with a few random edits: values replaced, keys added or dropped, items appended."""
    if isinstance(tree, dict):
        result = {}
        for key, value in tree.items():
            action = draw(st.sampled_from(["keep", "keep", "keep", "edit", "drop"]))
            if action == "keep":
                result[key] = value
            elif action == "edit":
                result[key] = draw(edited(value)) if isinstance(value, dict | list) else draw(TREES)
        if draw(st.booleans()):
            result[draw(KEYS)] = draw(TREES)
        return result
    if isinstance(tree, list):
        items = [draw(edited(item)) if draw(st.booleans()) else item for item in tree]
        if draw(st.booleans()):
            items.append(draw(SCALARS))
        return items
    return tree


def _commented(text: str, seed: int) -> str:
    """Comments on some lines: whole-line comments before keys, and end-of-line ones."""
    out = []
    for number, line in enumerate(text.splitlines(keepends=True)):
        stripped = line.strip()
        if (number + seed) % 3 == 0 and stripped and not stripped.startswith(("-", "|")) and (
                ":" in stripped and not line.startswith(" " * 40)):
            indent = line[:len(line) - len(line.lstrip())]
            out.append(f"{indent}# note {number}\n")
        out.append(line)
    return "".join(out)



@settings(max_examples=int(__import__("os").environ.get("YAML_LAWS_EXAMPLES", "150")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), ROOTS, st.sampled_from([YamlStyle(2, 0), YamlStyle(2, 2), YamlStyle(4, 2)]),
       st.integers(0, 2))
def test_clean_yaml_merges_read_back_as_the_structural_merge(data: st.DataObject, base: Any,
                                                               style: YamlStyle, seed: int) -> None:
    ours, theirs = data.draw(edited(base)), data.draw(edited(base))
    texts = [_commented(dump_yaml(value, style), seed + n) for n, value in
             enumerate((base, ours, theirs))]
    outcome = merge_texts(*(text.encode() for text in texts), names=("b.yaml", "o.yaml", "t.yaml"),
                          options=MergeOptions(path_hint="o.yaml"))
    expected = merge(base, ours, theirs)
    if outcome.clean:
        assert expected.clean
        output = outcome.output.decode()
        assert typed(read12(output)[0]) == typed(expected.value), output
        assert typed(yaml.safe_load(output)) == typed(expected.value), output
    else:
        assert outcome.exit_code == 1
