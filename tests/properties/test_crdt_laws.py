"""The laws every CRDT type obeys, stated once and checked for each type by subclassing.

A history is a random run of three replicas: each step either applies an operation at one replica
or merges one replica's state into another's, so every state checked is one that can occur.
"""

from __future__ import annotations

import contextlib
import itertools
from functools import reduce
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statemerge import crdt
from statemerge.documents import dump_canonical
from statemerge.errors import UsageError

REPLICAS = ("alice", "bob", "carol")

# Each law is one function run for every type (subclass): hypothesis calls that "differing
# executors"; it only means examples saved for one type are replayed for the others too.
LAWS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["a", "b", "c", "é"])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=2), st.dictionaries(st.sampled_from("xyz"), inner, max_size=2)
    ),
    max_leaves=4,
)
small_elements = st.one_of(st.sampled_from(["a", "b", "c", 1, 2]), json_values)
Operation = tuple[str, list[Any]]


def steps(operations: st.SearchStrategy[Operation]) -> st.SearchStrategy[list[Any]]:
    """Steps of a history: ("op", replica, (op, args), now) or ("merge", into, from)."""
    replica = st.integers(0, len(REPLICAS) - 1)
    apply = st.tuples(st.just("op"), replica, operations, st.integers(0, 3))
    merge = st.tuples(st.just("merge"), replica, replica)
    return st.lists(st.one_of(apply, apply, merge), max_size=14)


class CrdtLaws:
    """Subclass with `tag` and `operations()` (a strategy of `(op, args)`) to check one type."""

    tag: str

    def operations(self) -> st.SearchStrategy[Operation]:
        raise NotImplementedError

    def run(self, history: list[Any]) -> list[dict[str, Any]]:
        """The replicas' states after a history (operations that do not apply are skipped)."""
        states = [crdt.new(self.tag) for _ in REPLICAS]
        for step in history:
            if step[0] == "merge":
                states[step[1]] = crdt.join(states[step[1]], states[step[2]])
                continue
            _, index, (op, args), second = step
            with contextlib.suppress(UsageError):  # e.g. removing from an empty list
                states[index] = crdt.apply(
                    states[index], op, args, replica=REPLICAS[index], now_micros=second * 10**6
                )
        return states

    def histories(self) -> st.SearchStrategy[list[dict[str, Any]]]:
        return steps(self.operations()).map(self.run)

    @LAWS
    @given(data=st.data())
    def test_join_is_commutative(self, data: st.DataObject) -> None:
        a, b, _ = data.draw(self.histories())
        assert dump_canonical(crdt.join(a, b)) == dump_canonical(crdt.join(b, a))

    @LAWS
    @given(data=st.data())
    def test_join_is_associative(self, data: st.DataObject) -> None:
        a, b, c = data.draw(self.histories())
        left = crdt.join(crdt.join(a, b), c)
        right = crdt.join(a, crdt.join(b, c))
        assert dump_canonical(left) == dump_canonical(right)

    @LAWS
    @given(data=st.data())
    def test_join_is_idempotent_and_new_is_its_identity(self, data: st.DataObject) -> None:
        a, _, _ = data.draw(self.histories())
        assert crdt.join(a, a) == a
        assert crdt.join(crdt.new(self.tag), a) == a

    @LAWS
    @given(data=st.data())
    def test_every_operation_inflates_the_state(self, data: st.DataObject) -> None:
        state, _, _ = data.draw(self.histories())
        op, args = data.draw(self.operations())
        try:
            after = crdt.apply(state, op, args, replica="alice", now_micros=0)
        except UsageError:
            return
        assert crdt.join(state, after) == after

    @LAWS
    @given(data=st.data())
    def test_merging_in_any_order_gives_identical_bytes_and_values(
        self, data: st.DataObject
    ) -> None:
        states = data.draw(self.histories())
        outcomes = {
            dump_canonical(reduce(crdt.join, order)) for order in itertools.permutations(states)
        }
        assert len(outcomes) == 1

    @LAWS
    @given(data=st.data())
    def test_replicas_that_saw_the_same_operations_have_equal_values(
        self, data: st.DataObject
    ) -> None:
        history = data.draw(steps(self.operations()))
        states = self.run(history)
        # Every replica merges every other, each in its own order: then all have seen everything.
        synced = []
        for state in states:
            others = [states[i] for i in data.draw(st.permutations(range(len(states))))]
            synced.append(reduce(crdt.join, others, state))
        assert all(crdt.value_of(s) == crdt.value_of(synced[0]) for s in synced)
        assert all(s == synced[0] for s in synced)

    @LAWS
    @given(data=st.data())
    def test_states_are_canonical_and_valid(self, data: st.DataObject) -> None:
        for state in data.draw(self.histories()):
            crdt.validate(state, source="state")
            assert crdt.join(state, crdt.new(self.tag)) == state


class TestGCounter(CrdtLaws):
    tag = "g-counter"

    def operations(self) -> st.SearchStrategy[Operation]:
        return st.tuples(st.just("inc"), st.lists(st.integers(0, 5), max_size=1))


class TestPnCounter(CrdtLaws):
    tag = "pn-counter"

    def operations(self) -> st.SearchStrategy[Operation]:
        return st.tuples(st.sampled_from(["inc", "dec"]), st.lists(st.integers(0, 5), max_size=1))


class TestGSet(CrdtLaws):
    tag = "g-set"

    def operations(self) -> st.SearchStrategy[Operation]:
        return st.tuples(st.just("add"), st.lists(small_elements, min_size=1, max_size=2))


class TestTwoPhaseSet(CrdtLaws):
    tag = "2p-set"

    def operations(self) -> st.SearchStrategy[Operation]:
        return st.tuples(
            st.sampled_from(["add", "add", "remove"]),
            st.lists(small_elements, min_size=1, max_size=2),
        )


class TestOrSet(TestTwoPhaseSet):
    tag = "or-set"


class TestLwwRegister(CrdtLaws):
    tag = "lww-register"

    def operations(self) -> st.SearchStrategy[Operation]:
        return st.tuples(st.just("set"), st.lists(json_values, min_size=1, max_size=1))


class TestMvRegister(TestLwwRegister):
    tag = "mv-register"


class TestOrMap(CrdtLaws):
    tag = "or-map"

    def operations(self) -> st.SearchStrategy[Operation]:
        keys = st.sampled_from(["k", "l"])
        nested = st.sampled_from([crdt.new("g-counter"), crdt.new("or-set")])
        return st.one_of(
            st.tuples(st.just("put"), st.tuples(keys, st.one_of(json_values, nested)).map(list)),
            st.tuples(st.just("update"), st.tuples(keys, st.just("inc"), st.just(1)).map(list)),
            st.tuples(st.just("update"), st.tuples(keys, st.just("add"), scalars).map(list)),
            st.tuples(st.just("remove"), st.lists(keys, min_size=1, max_size=2)),
        )


class TestRga(CrdtLaws):
    tag = "rga"

    def operations(self) -> st.SearchStrategy[Operation]:
        index = st.integers(0, 3)
        return st.one_of(
            st.tuples(st.just("insert"), st.tuples(index, scalars).map(list)),
            st.tuples(st.just("append"), st.lists(scalars, min_size=1, max_size=2)),
            st.tuples(st.just("remove"), st.tuples(index).map(list)),
        )
