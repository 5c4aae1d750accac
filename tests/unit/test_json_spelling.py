"""Numbers and strings keep their spelling in JSON merges: untouched ones are ours' bytes, and
those taken from theirs are theirs' bytes (`2.50` stays `2.50`, `1E+2` stays `1E+2`)."""

from __future__ import annotations

import pytest

from statemerge.mergefile import MergeOptions, merge_texts

BASE = b'{\n  "a": 1.50,\n  "b": 1,\n  "c": [1, 2]\n}\n'
OURS = b'{\n  "a": 1.50,\n  "b": 2,\n  "c": [1, 2]\n}\n'
THEIRS = b'{\n  "a": 2.50,\n  "b": 1,\n  "c": [1, 2],\n  "d": 1E+2,\n  "e": "\\u00e9"\n}\n'


@pytest.mark.parametrize("conflict", ["markers", "ours", "theirs"])
def test_scalars_taken_from_theirs_keep_theirs_spelling(conflict: str) -> None:
    outcome = merge_texts(BASE, OURS, THEIRS, names=("b.json", "o.json", "t.json"),
                          options=MergeOptions(path_hint="o.json", conflict=conflict))  # type: ignore[arg-type]
    assert outcome.output == (b'{\n  "a": 2.50,\n  "b": 2,\n  "c": [1, 2],\n  "d": 1E+2,\n'
                              b'  "e": "\\u00e9"\n}\n')
