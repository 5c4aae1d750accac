"""Piecewise parsing of large 2-space JSON: exact, shared between versions, or declined."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statemerge.documents import chunks
from statemerge.documents.layout import parse_document
from statemerge.errors import DuplicateKeyError

values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=5)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=4), children,
                                                                      max_size=5),
    max_leaves=30,
)


@pytest.fixture(autouse=True)
def split_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "SPLIT", 0)


@settings(max_examples=300, deadline=None)
@given(values)
def test_pieces_parse_to_what_the_whole_parses_to_or_decline(value: Any) -> None:
    data = json.dumps(value, indent=2, ensure_ascii=False).encode() + b"\n"
    parsed = chunks.parse_pieces(data, {})
    assert parsed is None or parsed == json.loads(data)


def test_identical_pieces_of_two_versions_are_one_object(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "SPLIT", 80)  # the agents object splits, each agent is a piece
    base = {"agents": {"a": {"tasks": [1, 2]}, "b": {"tasks": [3]}}}
    ours = {"agents": {"a": {"tasks": [1, 2]}, "b": {"tasks": [3, 4]}}}
    cache: chunks.Cache = {}
    first, second = (chunks.parse_pieces(json.dumps(v, indent=2).encode(), cache) for v in (base, ours))
    assert first["agents"]["a"] is second["agents"]["a"]
    assert second == ours


@pytest.mark.parametrize(
    "text",
    [b'{\n    "a": 1\n}\n', b'{"a": 1}', b'{\n  "a": 1,\n  "a": 2\n}\n', b'{\n  "n": 1e-07\n}\n',
     b'{\n  "n": 123456789012345678901234567890\n}\n', b'{\n  "a": 1\n}\n\n'],
)
def test_other_layouts_and_inexact_values_are_declined(text: bytes) -> None:
    assert chunks.parse_pieces(text, {}) is None


def test_a_declined_duplicate_key_is_still_reported_by_the_exact_parser() -> None:
    data = b'{\n  "a": 1,\n  "a": 2\n}\n' + b" " * 70000
    with pytest.raises(DuplicateKeyError):
        parse_document(data, "s.json", "json", cache={})
