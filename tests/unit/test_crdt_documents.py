"""State files that hold CRDT nodes: plain values, N-way joins, and replacing one node."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from statemerge import crdt
from statemerge.errors import InputError


def counter(**counts: int) -> dict[str, Any]:
    return {"$crdt": "g-counter", "inc": counts}


def state(hits: Any, tags: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": "demo", "stats": {"hits": hits}, "tags": [tags or crdt.new("g-set"), "plain"]}


def test_value_of_replaces_every_node_by_its_value() -> None:
    tags = crdt.apply(crdt.new("g-set"), "add", ["b", "a"], replica="x", now_micros=0)
    assert crdt.value_of(state(counter(a=1, b=2), tags)) == {
        "name": "demo",
        "stats": {"hits": 3},
        "tags": [["a", "b"], "plain"],
    }


def test_value_of_a_plain_document_is_the_document() -> None:
    plain = {"a": [1, {"b": None}]}
    assert crdt.value_of(plain) == plain


def test_nodes_are_listed_in_document_order_with_their_pointers() -> None:
    assert [pointer for pointer, _ in crdt.nodes(state(counter()))] == ["/stats/hits", "/tags/0"]


def test_join_documents_joins_nodes_at_the_same_paths_in_any_order() -> None:
    files = [state(counter(a=1)), state(counter(b=2)), state(counter(a=3))]
    names = ["a.json", "b.json", "c.json"]
    results = {
        repr(crdt.join_documents([files[i] for i in order], [names[i] for i in order]))
        for order in itertools.permutations(range(3))
    }
    assert len(results) == 1
    assert crdt.value_of(crdt.join_documents(files, names))["stats"] == {"hits": 5}


def test_join_documents_sorts_object_keys() -> None:
    joined = crdt.join_documents([{"b": 1, "a": 2}, {"a": 2, "b": 1}], ["x", "y"])
    assert list(joined) == ["a", "b"]


def test_join_documents_refuses_plain_parts_that_differ() -> None:
    other = state(counter()) | {"name": "other"}
    with pytest.raises(
        InputError, match=r"^b\.json at '/name': a string unlike a\.json's; only CRDT"
    ):
        crdt.join_documents([state(counter()), other], ["a.json", "b.json"])


def test_join_documents_refuses_different_keys_and_lengths() -> None:
    with pytest.raises(InputError, match=re.escape("key 'extra' is in it or a.json, not both")):
        crdt.join_documents([{"a": 1}, {"a": 1, "extra": 2}], ["a.json", "b.json"])
    with pytest.raises(
        InputError, match=re.escape("b.json at '/list': 1 items where a.json has 2")
    ):
        crdt.join_documents([{"list": [1, 2]}, {"list": [1]}], ["a.json", "b.json"])


def test_join_documents_refuses_a_node_against_a_plain_value() -> None:
    with pytest.raises(
        InputError,
        match=re.escape("a.json at '/stats/hits': a plain value where b.json has a CRDT node"),
    ):
        crdt.join_documents([state(5), state(counter())], ["a.json", "b.json"])


def test_join_documents_tells_true_from_one() -> None:
    with pytest.raises(InputError, match="a boolean unlike"):
        crdt.join_documents([{"a": 1}, {"a": True}], ["a.json", "b.json"])


def test_replace_at_copies_only_the_path_to_the_node() -> None:
    document = state(counter(a=1))
    replaced = crdt.replace_at(document, "/stats/hits", counter(a=2))
    assert replaced["stats"]["hits"] == counter(a=2)
    assert document["stats"]["hits"] == counter(a=1)
    assert replaced["tags"] is document["tags"]
    assert crdt.replace_at([1, [2, 3]], "/1/0", 9) == [1, [9, 3]]


def test_walks_handle_documents_nested_deeper_than_the_recursion_limit() -> None:
    deep: Any = counter(a=1)
    for _ in range(3000):
        deep = {"d": deep}
    crdt.validate(deep, source="deep.json")
    assert crdt.join_documents([deep, deep], ["a", "b"]) is not None
    value = crdt.value_of(deep)
    for _ in range(3000):
        value = value["d"]
    assert value == 1
