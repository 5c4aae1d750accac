"""Logical clocks shared by CRDTs and event logs: version vectors and hybrid logical clocks.

Pure: the wall-clock time is always passed in (microseconds since the epoch), never read here.

A version vector / vector clock is a plain `dict[str, int]` (replica -> counter; a missing replica
is 0). A hybrid logical clock timestamp (Kulkarni et al., 2014) is `Hlc(wall, counter)`, written as
`2026-11-27T12:00:00.000000Z/0003` so that string order is time order.
"""

from __future__ import annotations

import time
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
        seconds, micros = divmod(self.wall, 1_000_000)
        if _FIRST_SECOND <= seconds < _LAST_SECOND:  # years 1 to 9999: the C library's calendar
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
        else:  # the error datetime gives
            from datetime import UTC, datetime

            stamp = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        return f"{stamp}.{micros:06d}Z/{self.counter:04d}"

    @classmethod
    def parse(cls, text: str) -> Hlc:
        """Read `2026-11-27T12:00:00.000000Z/0003` (the counter part may be left out)."""
        stamp, _, counter = text.partition("/")
        wall = _written_wall(stamp)
        if wall is not None and ((counter.isdigit() and counter.isascii()) or not counter):
            return cls(wall, int(counter) if counter else 0)
        from datetime import UTC, datetime  # other spellings strptime reads, and the errors

        try:
            moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
            whole = int(moment.replace(microsecond=0).timestamp())
            return cls(whole * 1_000_000 + moment.microsecond, int(counter) if counter else 0)
        except ValueError:
            raise InputError(
                f"{text!r} is not a hybrid logical clock timestamp "
                "(expected like 2026-11-27T12:00:00.000000Z/0003)."
            ) from None


_FIRST_SECOND = -62135596800  # 0001-01-01T00:00:00Z
_LAST_SECOND = 253402300800  # 10000-01-01T00:00:00Z
_SHAPE = "0000-00-00T00:00:00.000000Z"


def _written_wall(stamp: str) -> int | None:
    """The wall time (µs) of a timestamp as `Hlc` writes it (`2026-11-27T12:00:00.000000Z`),
    read without datetime's strptime (whose import costs milliseconds); None for anything else,
    which strptime then reads or refuses."""
    if len(stamp) != 27 or not stamp.isascii() or stamp.translate(_ZEROS) != _SHAPE:
        return None
    fields = (int(stamp[0:4]), int(stamp[5:7]), int(stamp[8:10]), int(stamp[11:13]),
              int(stamp[14:16]), int(stamp[17:19]))
    year, month, day, hour, minute, second = fields
    if year < 1 or not 1 <= month <= 12 or hour > 23 or minute > 59 or second > 59:
        return None
    before = year - 1
    days = 365 * before + before // 4 - before // 100 + before // 400 - 719162  # since 1970
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days += _DAYS_BEFORE[month] + (month > 2 and leap) + day - 1
    seconds = days * 86400 + hour * 3600 + minute * 60 + second
    if tuple(time.gmtime(seconds)[:6]) != fields:  # a day the month does not have
        return None
    return seconds * 1_000_000 + int(stamp[20:26])


_ZEROS = str.maketrans("123456789", "000000000")
_DAYS_BEFORE = (0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


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
