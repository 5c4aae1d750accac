"""Backoff between attempts: exponential, capped, with full jitter."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from statemerge.store.retry import RetryPolicy, backoff_delay

attempts = st.integers(min_value=1, max_value=10_000)
units = st.floats(min_value=0.0, max_value=1.0, exclude_max=True)


@given(attempts, units)
def test_a_wait_lies_between_zero_and_the_capped_exponential(attempt: int, unit: float) -> None:
    delay = backoff_delay(attempt, base=0.01, cap=2.0, unit=unit)
    ceiling = 2.0 if attempt > 30 else min(2.0, 0.01 * 2.0 ** (attempt - 1))
    assert 0.0 <= delay <= ceiling


@given(attempts)
def test_the_longest_wait_doubles_until_the_cap(attempt: int) -> None:
    longest = backoff_delay(attempt, base=0.01, cap=2.0, unit=1.0)
    after = backoff_delay(attempt + 1, base=0.01, cap=2.0, unit=1.0)
    assert after == min(2.0, 2 * longest)


def test_waits_are_spread_out_not_in_lockstep() -> None:
    policy = RetryPolicy(base=0.01, cap=1.0, rng=random.Random(1))
    waits = [policy.delay(5) for _ in range(200)]
    assert len(set(waits)) == 200
    assert 0.04 < sum(waits) / len(waits) < 0.12  # the mean of uniform [0, 0.16]
