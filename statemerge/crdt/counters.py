"""Counters: `g-counter` (grow only) and `pn-counter` (increments and decrements).

Each replica counts only its own increments (and decrements) in its own entry, so the join is the
entry-wise maximum and the value is the sum over replicas:

    {"$crdt": "pn-counter", "dec": {"bob": 1}, "inc": {"alice": 3, "bob": 2}}   # value 4
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

from statemerge.clocks import vv_merge
from statemerge.crdt.base import Actor, CrdtType, register
from statemerge.crdt.fields import Where, encode_counts, read_counts

Counts = dict[str, int]


def _amount(kind: CrdtType[Any], op: str, args: Sequence[Any]) -> int:
    """The N of `inc N` / `dec N`: a non-negative integer, 1 when left out."""
    if len(args) > 1:
        raise kind.usage(op, f"expected at most one amount, got {len(args)} arguments")
    amount = args[0] if args else 1
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise kind.usage(op, f"the amount must be a non-negative integer, not {amount!r}")
    return amount


def _bump(counts: Counts, replica: str, amount: int) -> Counts:
    bumped = dict(counts)
    bumped[replica] = bumped.get(replica, 0) + amount
    return bumped


class GCounter(CrdtType[Counts]):
    """A counter that only grows: `inc N`."""

    tag = "g-counter"
    fields = frozenset({"inc"})
    operations = MappingProxyType({"inc": "inc [N]"})

    def empty(self) -> Counts:
        return {}

    def decode(self, node: dict[str, Any], where: Where) -> Counts:
        return read_counts(node.get("inc", {}), where.at("inc"))

    def encode(self, state: Counts) -> dict[str, Any]:
        return {"inc": encode_counts(state)}

    def join(self, ours: Counts, theirs: Counts) -> Counts:
        return vv_merge(ours, theirs)

    def value(self, state: Counts) -> int:
        return sum(state.values())

    def apply(self, state: Counts, op: str, args: Sequence[Any], actor: Actor) -> Counts:
        return _bump(state, actor.replica, _amount(self, op, args))


PnState = tuple[Counts, Counts]  # increments, decrements


class PnCounter(CrdtType[PnState]):
    """A counter that goes both ways: `inc N`, `dec N` (two grow-only counters)."""

    tag = "pn-counter"
    fields = frozenset({"inc", "dec"})
    operations = MappingProxyType({"inc": "inc [N]", "dec": "dec [N]"})

    def empty(self) -> PnState:
        return {}, {}

    def decode(self, node: dict[str, Any], where: Where) -> PnState:
        return (
            read_counts(node.get("inc", {}), where.at("inc")),
            read_counts(node.get("dec", {}), where.at("dec")),
        )

    def encode(self, state: PnState) -> dict[str, Any]:
        return {"dec": encode_counts(state[1]), "inc": encode_counts(state[0])}

    def join(self, ours: PnState, theirs: PnState) -> PnState:
        return vv_merge(ours[0], theirs[0]), vv_merge(ours[1], theirs[1])

    def value(self, state: PnState) -> int:
        return sum(state[0].values()) - sum(state[1].values())

    def apply(self, state: PnState, op: str, args: Sequence[Any], actor: Actor) -> PnState:
        amount = _amount(self, op, args)
        increments, decrements = state
        if op == "inc":
            return _bump(increments, actor.replica, amount), decrements
        return increments, _bump(decrements, actor.replica, amount)


register(GCounter())
register(PnCounter())
