"""Hybrid logical clock timestamps are written and read without datetime (its strptime costs
milliseconds at start-up), exactly as datetime writes and reads them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statemerge.clocks import Hlc
from statemerge.errors import InputError


def written_by_datetime(stamp: Hlc) -> str:
    seconds, micros = divmod(stamp.wall, 1_000_000)
    return (datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
            + f".{micros:06d}Z/{stamp.counter:04d}")


def read_by_datetime(text: str) -> Hlc:
    stamp, _, counter = text.partition("/")
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    whole = int(moment.replace(microsecond=0).timestamp())
    return Hlc(whole * 1_000_000 + moment.microsecond, int(counter) if counter else 0)


@given(st.integers(-30610224000 * 10**6, 253402300799_999999), st.integers(0, 10**6))
@settings(max_examples=500, deadline=None)
def test_a_timestamp_is_written_and_read_back_as_datetime_does(wall: int, counter: int) -> None:
    stamp = Hlc(wall, counter)  # from the year 1000 on: strptime reads four-digit years only

    assert str(stamp) == written_by_datetime(stamp)
    assert Hlc.parse(str(stamp)) == stamp == read_by_datetime(str(stamp))


@pytest.mark.parametrize("text", [
    "2024-02-29T00:00:00.000000Z", "2000-02-29T23:59:59.999999Z/12", "2026-1-1T1:2:3.5Z",
    "2026-01-01T00:00:00.000000Z/+3", "2026-01-01T00:00:00.000000Z/", "9999-12-31T23:59:59.999999Z",
])
def test_other_spellings_read_as_strptime_reads_them(text: str) -> None:
    assert Hlc.parse(text) == read_by_datetime(text)


@pytest.mark.parametrize("text", [
    "2026-02-29T00:00:00.000000Z", "1900-02-29T00:00:00.000000Z", "2026-04-31T00:00:00.000000Z",
    "2026-13-01T00:00:00.000000Z", "0000-01-01T00:00:00.000000Z", "2026-01-01T24:00:00.000000Z",
    "2026-01-01T23:60:00.000000Z", "2026-01-01T23:59:60.000000Z", "2026-01-01T00:00:00.000000Z/x",
])
def test_a_time_that_does_not_exist_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="not a hybrid logical clock timestamp"):
        Hlc.parse(text)
