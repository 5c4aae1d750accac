"""The laws of event logs, stated as properties over random multi-agent histories:

- merge is commutative, associative and idempotent, down to the byte;
- replay of merged logs is the same whatever order they were merged in;
- transformation has TP1 for every pair of array op kinds;
- happens-before (clock order) is a strict partial order;
- hlc timestamps only grow along an agent and respect causality, even when wall clocks go back.
"""

from __future__ import annotations

from itertools import permutations
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from statemerge.clocks import happened_before
from statemerge.eventlog import merge_logs, replay, verify_log
from statemerge.eventlog.events import hlc_key, next_line, parse_line, split_lines
from statemerge.eventlog.ot import Edit, transform
from statemerge.patch import apply_ops

T0 = 1_800_000_000_000_000
AGENTS = ("ann", "bo", "cy")

random_ops = st.one_of(
    st.builds(lambda n: {"op": "inc", "path": "/n", "value": n}, st.integers(-3, 3)),
    st.builds(lambda v: {"op": "add", "path": "/l/-", "value": v}, st.integers(0, 99)),
    st.builds(
        lambda i, v: {"op": "add", "path": f"/l/{i}", "value": v},
        st.integers(0, 4),
        st.integers(0, 99),
    ),
    st.builds(lambda i: {"op": "remove", "path": f"/l/{i}"}, st.integers(0, 4)),
    st.builds(lambda i: {"op": "replace", "path": f"/l/{i}", "value": "r"}, st.integers(0, 4)),
    st.builds(
        lambda k, v: {"op": "add", "path": f"/k/{k}", "value": v},
        st.sampled_from("xy"),
        st.integers(0, 9),
    ),
    st.builds(
        lambda i, j: {"op": "move", "from": f"/l/{i}", "path": f"/l/{j}"},
        st.integers(0, 4),
        st.integers(0, 4),
    ),
)

# A step: an agent writes an op at a wall time (which may go back), or pulls another's log.
steps = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.sampled_from(AGENTS), random_ops, st.integers(-50, 100)),
        st.tuples(st.just("pull"), st.sampled_from(AGENTS), st.sampled_from(AGENTS)),
    ),
    max_size=14,
)


def histories(plan: list[Any]) -> dict[str, bytes]:
    """Run a plan: every agent starts from a shared first event and keeps its own log."""
    base = next_line(
        b"", "root", [{"op": "add", "path": "", "value": {"l": [0, 1, 2], "k": {}}}], T0, source="t"
    )
    logs = dict.fromkeys(AGENTS, base)
    wall = dict.fromkeys(AGENTS, T0)
    for step in plan:
        if step[0] == "write":
            _, agent, op, drift = step
            wall[agent] += drift
            logs[agent] += next_line(logs[agent], agent, [op], wall[agent], source=agent)
        else:
            _, puller, other = step
            logs[puller] = merge_logs([logs[puller], logs[other]], sources=[puller, other])
    return logs


def events(log: bytes) -> list[dict[str, Any]]:
    return [parse_line(raw, source="t", line=n) for n, raw in split_lines(log)]


@settings(max_examples=60, deadline=None)
@given(steps)
def test_merge_is_commutative_associative_and_idempotent_as_bytes(plan: list[Any]) -> None:
    a, b, c = histories(plan).values()

    def m(*logs: bytes) -> bytes:
        return merge_logs(list(logs), sources=["x"] * len(logs))

    assert m(a, b) == m(b, a)
    assert m(m(a, b), c) == m(a, m(b, c)) == m(a, b, c)
    assert m(a, a) == m(a) and m(m(a, b), b) == m(a, b)


@settings(max_examples=60, deadline=None)
@given(steps)
def test_replay_of_merged_logs_is_the_same_whatever_the_merge_order(plan: list[Any]) -> None:
    logs = list(histories(plan).values())
    states = set()
    for order in permutations(logs):
        step = merge_logs(list(order[:2]), sources=["x", "y"])
        whole = merge_logs([step, order[2]], sources=["xy", "z"])
        result = replay(split_lines(whole), source="m")
        states.add(repr(result.state))
        assert verify_log(whole, source="m") == []
    assert len(states) == 1


@settings(max_examples=60, deadline=None)
@given(steps)
def test_happens_before_is_a_strict_partial_order(plan: list[Any]) -> None:
    merged = merge_logs(list(histories(plan).values()), sources=list(AGENTS))
    clocks = [event["clock"] for event in events(merged)]
    for x in clocks:
        assert not happened_before(x, x)
        for y in clocks:
            if happened_before(x, y):
                assert not happened_before(y, x)
                for z in clocks:
                    if happened_before(y, z):
                        assert happened_before(x, z)


@settings(max_examples=60, deadline=None)
@given(steps)
def test_hlc_only_grows_and_respects_causality(plan: list[Any]) -> None:
    merged = events(merge_logs(list(histories(plan).values()), sources=list(AGENTS)))
    last: dict[str, tuple[str, int]] = {}
    for event in merged:
        stamp = hlc_key(event["hlc"])
        assert stamp > last.get(event["agent"], ("", -1))
        last[event["agent"]] = stamp
    for x in merged:
        for y in merged:
            if happened_before(x["clock"], y["clock"]):
                assert hlc_key(x["hlc"]) < hlc_key(y["hlc"])


def _array_op(draw: Any, length: int, tag: str) -> Edit:
    kind = draw(st.sampled_from(["insert", "remove", "replace", "move", "edit"]))
    if kind == "insert" or length == 0:
        index = draw(st.integers(0, length))
        return Edit("add", ("l", str(index)), value={"v": tag}, path_in_list=True)
    index = draw(st.integers(0, length - 1))
    if kind == "remove":
        return Edit("remove", ("l", str(index)), path_in_list=True)
    if kind == "replace":
        return Edit("replace", ("l", str(index)), value={"v": tag + "R"}, path_in_list=True)
    if kind == "edit":
        return Edit("replace", ("l", str(index), "v"), value=tag + "E")
    end = draw(st.integers(0, length - 1))
    return Edit(
        "move", ("l", str(end)), source=("l", str(index)), path_in_list=True, source_in_list=True
    )


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 6), st.booleans(), st.data())
def test_tp1_for_every_pair_of_array_op_kinds(length: int, a_first: bool, data: Any) -> None:
    document = {"l": [{"v": index} for index in range(length)]}
    a, b = _array_op(data.draw, length, "a"), _array_op(data.draw, length, "b")

    def after(*edits: Edit | None) -> Any:
        state = document
        for edit in edits:
            if edit is not None:
                state = apply_ops(state, [edit.to_op()])
        return state

    a_after_b = transform(a, b, a_first=a_first).edit
    b_after_a = transform(b, a, a_first=not a_first).edit
    assert after(a, b_after_a) == after(b, a_after_b)
