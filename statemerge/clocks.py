"""Logical clocks shared by CRDTs and event logs: version vectors and hybrid logical clocks.

Pure: the wall-clock time is always passed in (microseconds since the epoch), never read here.

A version vector / vector clock is a plain `dict[str, int]` (replica -> counter; a missing replica
is 0). A hybrid logical clock timestamp (Kulkarni et al., 2014) is `Hlc(wall, counter)`, written as
`2026-11-27T12:00:00.000000Z/0003` so that string order is time order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from statemerge.errors import InputError

VersionVector = dict[str, int]


def vv_merge(*clocks: Mapping[str, int]) -> VersionVector:
    """The pointwise maximum (least upper bound) of version vectors, keys sorted."""
    merged: dict[str, int] = {}
    for clock in clocks:
        for replica, counter in clock.items():
            if counter > merged.get(replica, 0):
                merged[replica] = counter
    return dict(sorted(merged.items()))


def vv_leq(a: Mapping[str, int], b: Mapping[str, int]) -> bool:
    """Whether every entry of `a` is <= the same entry of `b` (a is dominated by b)."""
    return all(counter <= b.get(replica, 0) for replica, counter in a.items())


def happened_before(a: Mapping[str, int], b: Mapping[str, int]) -> bool:
    """Strict causal order: a <= b pointwise and a != b."""
    return vv_leq(a, b) and not vv_leq(b, a)


def concurrent(a: Mapping[str, int], b: Mapping[str, int]) -> bool:
    """Neither clock happened before the other, and they differ."""
    return not vv_leq(a, b) and not vv_leq(b, a)


def compare(a: Mapping[str, int], b: Mapping[str, int]) -> str:
    """One of `equal`, `before`, `after`, `concurrent`."""
    a_le_b, b_le_a = vv_leq(a, b), vv_leq(b, a)
    if a_le_b and b_le_a:
        return "equal"
    if a_le_b:
        return "before"
    if b_le_a:
        return "after"
    return "concurrent"


def vv_increment(clock: Mapping[str, int], replica: str) -> VersionVector:
    """A copy of `clock` with `replica`'s entry one higher."""
    bumped = dict(clock)
    bumped[replica] = bumped.get(replica, 0) + 1
    return dict(sorted(bumped.items()))


class Hlc(NamedTuple):
    """A hybrid logical clock timestamp: wall time in microseconds plus a logical counter."""

    wall: int
    counter: int = 0

    def __str__(self) -> str:
        from datetime import UTC, datetime

        seconds, micros = divmod(self.wall, 1_000_000)
        stamp = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        return f"{stamp}.{micros:06d}Z/{self.counter:04d}"

    @classmethod
    def parse(cls, text: str) -> Hlc:
        """Read `2026-11-27T12:00:00.000000Z/0003` (the counter part may be left out)."""
        from datetime import UTC, datetime

        stamp, _, counter = text.partition("/")
        try:
            moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
            whole = int(moment.replace(microsecond=0).timestamp())
            return cls(whole * 1_000_000 + moment.microsecond, int(counter) if counter else 0)
        except ValueError:
            raise InputError(
                f"{text!r} is not a hybrid logical clock timestamp "
                "(expected like 2026-11-27T12:00:00.000000Z/0003)."
            ) from None


def hlc_send(last: Hlc | None, wall: int) -> Hlc:
    """The timestamp of a local or send event, given the last one this node issued."""
    if last is None or wall > last.wall:
        return Hlc(wall, 0)
    return Hlc(last.wall, last.counter + 1)


def hlc_receive(last: Hlc | None, remote: Hlc, wall: int) -> Hlc:
    """The timestamp after receiving `remote`: greater than both `last` and `remote`."""
    if last is None:
        last = Hlc(0, 0)
    top = max(last.wall, remote.wall, wall)
    if top == last.wall == remote.wall:
        return Hlc(top, max(last.counter, remote.counter) + 1)
    if top == last.wall:
        return Hlc(top, last.counter + 1)
    if top == remote.wall:
        return Hlc(top, remote.counter + 1)
    return Hlc(top, 0)
