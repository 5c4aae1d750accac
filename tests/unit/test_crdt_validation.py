"""Malformed nodes are refused with the source and the JSON Pointer of what is wrong."""

from __future__ import annotations

from typing import Any

import pytest

from statemerge import crdt
from statemerge.errors import NodeError

GOOD_SET = {
    "$crdt": "or-set",
    "context": {"alice": 2},
    "entries": [{"dots": [["alice", 2]], "value": "x"}],
}


def refusal(document: Any) -> NodeError:
    """The error `validate` raises for a document in file s.json."""
    with pytest.raises(NodeError) as caught:
        crdt.validate(document, source="s.json")
    return caught.value


@pytest.mark.parametrize(
    ("document", "pointer", "reason"),
    [
        ({"$crdt": "counter"}, "/$crdt", "unknown CRDT type 'counter'"),
        ({"$crdt": 7}, "/$crdt", "unknown CRDT type a number"),
        ({"$crdt": "g-counter", "inc": {"alice": -1}}, "/inc/alice", "at least 0, found -1"),
        ({"$crdt": "g-counter", "inc": {"alice": True}}, "/inc/alice", "found a boolean"),
        ({"$crdt": "g-counter", "inc": [1]}, "/inc", "expected an object of replica ids"),
        ({"$crdt": "g-counter", "inc": {"": 1}}, "/inc/", "must not be empty"),
        ({"$crdt": "pn-counter", "dec": {"bob": 1.5}}, "/dec/bob", "expected an integer"),
        ({"$crdt": "g-set", "elements": {"a": 1}}, "/elements", "expected an array"),
        ({"$crdt": "g-set", "elemnts": []}, "/elemnts", "no field 'elemnts'"),
        ({**GOOD_SET, "context": {"alice": 1}}, "/entries/0/dots/0", "beyond the node's context"),
        (
            {**GOOD_SET, "entries": [{"dots": [], "value": 1}]},
            "/entries/0/dots",
            "at least one dot",
        ),
        (
            {**GOOD_SET, "entries": [{"dots": [["alice", 0]], "value": 1}]},
            "/entries/0/dots/0/1",
            "at least 1",
        ),
        (
            {**GOOD_SET, "entries": [{"dots": [["alice"]], "value": 1}]},
            "/entries/0/dots/0",
            "array of 1 items",
        ),
        ({**GOOD_SET, "entries": [{"dots": [["alice", 1]]}]}, "/entries/0", "needs a 'value'"),
        (
            {
                **GOOD_SET,
                "entries": [
                    {"dots": [["alice", 1]], "value": 1},
                    {"dots": [["alice", 1]], "value": 2},
                ],
            },
            "/entries/1/dots",
            "used by two entries",
        ),
        ({"$crdt": "lww-register", "value": 1}, "/at", "all of at, by and value"),
        (
            {"$crdt": "lww-register", "at": "yesterday", "by": "a", "value": 1},
            "/at",
            "not a hybrid logical clock timestamp",
        ),
        (
            {"$crdt": "lww-register", "at": "2026-11-27T12:00:00.000000Z/-1", "by": "a", "value": 1},
            "/at",
            "out of range",
        ),
        (
            {"$crdt": "lww-register", "at": "0001-01-01T00:00:00.000000Z/0000", "by": "a", "value": 1},
            "/at",
            "out of range",
        ),
        (
            {"$crdt": "rga", "items": [{"id": ["a", 2], "after": ["a", 1], "value": 1}]},
            "/items/0/after",
            "not in the list",
        ),
        (
            {"$crdt": "rga", "items": [{"id": ["a", 1], "after": ["b", 1], "value": 1}]},
            "/items/0/after",
            "smaller number",
        ),
        (
            {"$crdt": "rga", "items": [{"id": ["a", 1], "after": None}]},
            "/items/0",
            "needs a 'value'",
        ),
        (
            {
                "$crdt": "or-map",
                "context": {"a": 1},
                "entries": {"k": [{"dots": [["a", 1]], "node": {"$crdt": "nope"}}]},
            },
            "/entries/k/0/node/$crdt",
            "unknown CRDT type 'nope'",
        ),
        (
            {
                "$crdt": "or-map",
                "context": {"a": 1},
                "entries": {"k": [{"dots": [["a", 1]], "node": 5}]},
            },
            "/entries/k/0/node",
            "expected a CRDT node",
        ),
    ],
)
def test_malformed_node_names_file_pointer_and_reason(document: Any, pointer: str, reason: str) -> None:
    error = refusal(document)
    assert error.pointer == pointer
    assert reason in error.reason
    assert error.message.startswith(f"s.json at {pointer!r}: ")


def test_a_bad_node_deep_inside_a_state_file_is_named_by_its_full_pointer() -> None:
    state = {"agents": [{"name": "a"}, {"name": "b", "hits": {"$crdt": "g-counter", "inc": {"b": -2}}}]}
    assert refusal(state).pointer == "/agents/1/hits/inc/b"


def test_pointer_tokens_are_escaped_in_messages() -> None:
    state = {"a/b": {"c~d": {"$crdt": "g-set", "elements": 1}}}
    assert refusal(state).pointer == "/a~1b/c~0d/elements"


def test_a_node_at_the_root_is_named_as_the_root() -> None:
    with pytest.raises(NodeError, match=r"^s\.json at the root: expected a CRDT node"):
        crdt.join({"$crdt": "g-set"}, {"elements": []}, source="s.json")


def test_joining_two_types_is_an_error_naming_both() -> None:
    with pytest.raises(NodeError, match="cannot join a g-set with a g-counter") as caught:
        crdt.join(crdt.new("g-counter"), crdt.new("g-set"), pointer="/x", source="ours.json")
    assert caught.value.pointer == "/x"


def test_join_validates_its_inputs() -> None:
    with pytest.raises(NodeError, match="at least 0"):
        crdt.join(crdt.new("g-counter"), {"$crdt": "g-counter", "inc": {"a": -1}}, source="theirs")


def test_values_inside_nodes_are_data_not_nodes() -> None:
    register = crdt.apply(crdt.new("lww-register"), "set", [{"$crdt": "made up"}], replica="a", now_micros=0)
    crdt.validate({"r": register}, source="s.json")
    assert crdt.value_of({"r": register}) == {"r": {"$crdt": "made up"}}


def test_hand_written_nodes_are_read_leniently_and_written_canonically() -> None:
    messy = {
        "$crdt": "or-set",
        "context": {"bob": 1, "alice": 1, "carol": 0},
        "entries": [
            {"value": {"y": 1, "x": 2}, "dots": [["bob", 1]]},
            {"value": {"x": 2, "y": 1}, "dots": [["alice", 1]]},
        ],
    }
    tidy = crdt.join(messy, crdt.new("or-set"))
    assert tidy == {
        "$crdt": "or-set",
        "context": {"alice": 1, "bob": 1},
        "entries": [{"dots": [["alice", 1], ["bob", 1]], "value": {"x": 2, "y": 1}}],
    }
    assert list(tidy["entries"][0]["value"]) == ["x", "y"]
