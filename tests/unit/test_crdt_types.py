"""What each CRDT type means: the scenarios agents run into, one per test."""

from __future__ import annotations

from functools import reduce
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statemerge import crdt
from statemerge.documents import dump_canonical
from statemerge.errors import UsageError

NOON = 1_795_780_800_000_000  # 2026-11-27T12:00:00Z in microseconds


def do(node: dict[str, Any], op: str, *args: Any, by: str = "alice", now: int = NOON) -> Any:
    """Apply one operation as replica `by` at wall time `now`."""
    return crdt.apply(node, op, list(args), replica=by, now_micros=now)


def value(*nodes: dict[str, Any]) -> Any:
    """The value of the join of some nodes."""
    return crdt.value_of(reduce(crdt.join, nodes))


# Counters


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]), st.sampled_from(["inc", "dec"]), st.integers(0, 9)
        )
    ),
    st.randoms(use_true_random=False),
)
def test_pn_counter_value_is_increments_minus_decrements_across_replicas(
    operations: list[tuple[str, str, int]], rng: Any
) -> None:
    replicas = {name: crdt.new("pn-counter") for name in "abc"}
    for replica, op, amount in operations:
        replicas[replica] = do(replicas[replica], op, amount, by=replica)
        other = rng.choice("abc")  # gossip now and then, in no particular order
        replicas[other] = crdt.join(replicas[other], replicas[replica])
    expected = sum(n if op == "inc" else -n for _, op, n in operations)
    assert value(*replicas.values()) == expected


def test_g_counter_counts_every_replicas_increments_once() -> None:
    alice = do(do(crdt.new("g-counter"), "inc", 2), "inc")
    bob = do(crdt.join(crdt.new("g-counter"), alice), "inc", 5, by="bob")
    assert value(alice, bob, alice) == 8
    assert bob["inc"] == {"alice": 3, "bob": 5}


def test_g_counter_refuses_to_go_down() -> None:
    with pytest.raises(UsageError, match="non-negative integer"):
        do(crdt.new("g-counter"), "inc", -1)
    with pytest.raises(UsageError, match="no operation 'dec'"):
        do(crdt.new("g-counter"), "dec", 1)


# Sets


def test_set_elements_are_one_when_their_canonical_json_is_equal() -> None:
    grown = do(crdt.new("g-set"), "add", {"b": 2, "a": 1}, {"a": 1, "b": 2}, 1, 1.0, True)
    # Sorted by canonical JSON; 1, 1.0 and true are three elements; key order does not matter.
    assert dump_canonical(grown["elements"]) == b'[1,1.0,true,{"a":1,"b":2}]\n'


def test_2p_set_remove_is_forever() -> None:
    alice = do(crdt.new("2p-set"), "add", "x")
    bob = do(alice, "remove", "x", by="bob")
    alice_again = do(alice, "add", "x")
    assert value(alice_again, bob) == []
    assert value(do(bob, "add", "x")) == []


def test_or_set_add_wins_over_a_concurrent_remove() -> None:
    both = do(crdt.new("or-set"), "add", "x")
    removed_by_bob = do(both, "remove", "x", by="bob")
    readded_by_alice = do(both, "add", "x")
    assert value(removed_by_bob, readded_by_alice) == ["x"]
    assert value(readded_by_alice, removed_by_bob) == ["x"]


def test_or_set_observed_remove_sticks() -> None:
    alice = do(crdt.new("or-set"), "add", "x", "y")
    bob = do(alice, "remove", "x", by="bob")
    assert value(alice, bob) == ["y"]
    assert value(bob, alice, alice) == ["y"]
    carol = do(crdt.join(crdt.new("or-set"), alice), "add", "z", by="carol")
    assert value(carol, bob) == ["y", "z"]


def test_or_set_concurrent_adds_of_one_element_keep_it_until_both_are_seen_removed() -> None:
    alice = do(crdt.new("or-set"), "add", "x")
    bob = do(crdt.new("or-set"), "add", "x", by="bob")
    seen_alice_only = do(alice, "remove", "x", by="carol")
    assert value(seen_alice_only, bob) == ["x"]
    assert value(do(crdt.join(alice, bob), "remove", "x", by="carol"), alice, bob) == []


def test_or_set_that_removed_ten_thousand_elements_is_no_bigger_than_one_that_removed_one() -> None:
    many = do(crdt.new("or-set"), "add", *range(10_000))
    many = do(many, "remove", *range(10_000))
    one = do(do(crdt.new("or-set"), "add", 0), "remove", 0)
    assert many["entries"] == one["entries"] == []
    assert many["context"] == {"alice": 10_000} and one["context"] == {"alice": 1}
    # Beyond its version vector (the digits of one counter) the two are the same size.
    assert len(dump_canonical(many)) - len(dump_canonical(one)) == len("10000") - len("1")


def test_or_set_join_of_ten_thousand_removals_forgets_them_too() -> None:
    added = do(crdt.new("or-set"), "add", *range(10_000))
    removed = do(added, "remove", *range(10_000), by="bob")
    assert crdt.join(added, removed)["entries"] == []


# Registers


def test_lww_register_latest_timestamp_wins() -> None:
    early = do(crdt.new("lww-register"), "set", "early", by="zed", now=NOON)
    late = do(crdt.new("lww-register"), "set", "late", by="amy", now=NOON + 1)
    assert value(early, late) == value(late, early) == "late"
    assert late["at"] == "2026-11-27T12:00:00.000001Z/0000"


def test_lww_register_equal_timestamps_go_to_the_greater_replica_id() -> None:
    amy = do(crdt.new("lww-register"), "set", "amy's", by="amy")
    zed = do(crdt.new("lww-register"), "set", "zed's", by="zed")
    assert value(amy, zed) == value(zed, amy) == "zed's"


def test_lww_register_overwrite_wins_even_when_the_wall_clock_went_back() -> None:
    first = do(crdt.new("lww-register"), "set", 1, now=NOON)
    second = do(first, "set", 2, now=NOON - 60_000_000)
    assert second["at"] == "2026-11-27T12:00:00.000000Z/0001"
    assert value(first, second) == 2


def test_lww_register_identical_stamps_from_one_replica_still_join_deterministically() -> None:
    one = do(crdt.new("lww-register"), "set", "one")
    two = do(crdt.new("lww-register"), "set", "two")
    assert crdt.join(one, two) == crdt.join(two, one)


def test_mv_register_keeps_concurrent_values_until_overwritten() -> None:
    red = do(crdt.new("mv-register"), "set", "red")
    blue = do(crdt.new("mv-register"), "set", "blue", by="bob")
    assert value(red, blue) == ["blue", "red"]
    green = do(crdt.join(red, blue), "set", "green", by="carol")
    assert value(red, blue, green) == ["green"]


def test_mv_register_overwrite_that_saw_one_value_keeps_the_other() -> None:
    red = do(crdt.new("mv-register"), "set", "red")
    blue = do(crdt.new("mv-register"), "set", "blue", by="bob")
    green = do(red, "set", "green", by="carol")
    assert value(red, blue, green) == ["blue", "green"]


# or-map


def test_or_map_plain_values_are_lww_registers() -> None:
    alice = do(crdt.new("or-map"), "put", "status", "idle")
    bob = do(alice, "put", "status", "busy", by="bob", now=NOON + 5)
    assert value(alice, bob) == {"status": "busy"}
    assert bob["entries"]["status"][0]["node"]["$crdt"] == "lww-register"


def test_or_map_nested_counters_join_recursively() -> None:
    base = do(crdt.new("or-map"), "put", "hits", crdt.new("g-counter"))
    alice = do(base, "update", "hits", "inc", 2)
    bob = do(base, "update", "hits", "inc", 3, by="bob")
    assert value(alice, bob) == {"hits": 5}
    assert value(do(crdt.join(alice, bob), "update", "hits", "inc", by="carol")) == {"hits": 6}


def test_or_map_update_wins_over_a_concurrent_remove() -> None:
    base = do(crdt.new("or-map"), "put", "hits", crdt.new("g-counter"))
    removed = do(base, "remove", "hits", by="bob")
    updated = do(base, "update", "hits", "inc", 1)
    assert value(removed, updated) == {"hits": 1}


def test_or_map_observed_remove_sticks_and_a_new_put_starts_fresh() -> None:
    alice = do(
        do(crdt.new("or-map"), "put", "hits", crdt.new("g-counter")), "update", "hits", "inc", 7
    )
    bob = do(alice, "remove", "hits", by="bob")
    assert value(alice, bob) == {}
    fresh = do(bob, "put", "hits", crdt.new("g-counter"), by="bob")
    assert value(alice, fresh) == {"hits": 0}


def test_or_map_update_of_a_missing_key_is_refused() -> None:
    with pytest.raises(UsageError, match="no key 'hits'"):
        do(crdt.new("or-map"), "update", "hits", "inc", 1)


# rga


def test_rga_keeps_both_concurrent_inserts_at_one_place_and_converges() -> None:
    base = do(crdt.new("rga"), "append", "a", "b")
    alice = do(base, "insert", 1, "from alice")
    bob = do(base, "insert", 1, "from bob", by="bob")
    assert value(alice, bob) == value(bob, alice) == ["a", "from bob", "from alice", "b"]
    assert crdt.join(alice, bob) == crdt.join(bob, alice)


def test_rga_a_later_insert_goes_where_it_was_put() -> None:
    seen = crdt.join(
        do(crdt.new("rga"), "append", "a", "c"), do(crdt.new("rga"), "append", "z", by="bob")
    )
    shown = crdt.value_of(seen)
    index = shown.index("a") + 1
    assert crdt.value_of(do(seen, "insert", index, "b", by="zed")) == [
        *shown[:index],
        "b",
        *shown[index:],
    ]


def test_rga_remove_leaves_a_tombstone_that_later_inserts_can_follow() -> None:
    base = do(crdt.new("rga"), "append", "a", "b", "c")
    removed = do(base, "remove", 1, by="bob")
    inserted = do(base, "insert", 2, "after b")
    assert value(removed, inserted) == ["a", "after b", "c"]
    assert {"after": ["alice", 1], "id": ["alice", 2], "removed": True} in crdt.join(
        removed, inserted
    )["items"]


def test_rga_refuses_an_index_out_of_range() -> None:
    with pytest.raises(UsageError, match="from 0 to 2"):
        do(do(crdt.new("rga"), "append", "a", "b"), "insert", 3, "x")
    with pytest.raises(UsageError, match="empty"):
        do(crdt.new("rga"), "remove", 0)


def test_each_type_is_found_by_its_tag_with_its_module_loaded_on_demand() -> None:
    from statemerge.crdt.base import HOMES, all_types, type_named

    assert sorted(all_types()) == sorted(HOMES) == sorted(crdt.TYPES)
    for tag, home in HOMES.items():
        kind = type_named(tag)
        assert kind is not None and kind.tag == tag
        assert type(kind).__module__ == f"statemerge.crdt.{home}"
    assert type_named("nope") is None and type_named(["g-set"]) is None
