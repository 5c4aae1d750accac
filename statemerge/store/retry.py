"""Backoff between attempts: exponential with full jitter.

Writers that lost a race all retry; if they waited the same time they would collide again. Each
waits a random time in [0, min(cap, base * 2**(attempt-1))], which spreads them out and keeps the
expected wait growing only while the contention lasts. `retry_delay` decides, after a lost race,
whether a call may try again (its retries and its deadline) and how long it waits first: `update`,
merge on write and the asyncio store all ask it.

>>> backoff_delay(3, base=0.01, cap=1.0, unit=0.5)
0.02
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from statemerge.errors import RetriesExhausted

if TYPE_CHECKING:
    import random

    from statemerge.store.metrics import CallStats


def backoff_delay(attempt: int, *, base: float, cap: float, unit: float) -> float:
    """The wait after the `attempt`-th failed attempt, for a uniform random `unit` in [0, 1)."""
    ceiling = min(cap, base * 2.0 ** min(max(attempt - 1, 0), 62))
    return ceiling * unit


class RetryPolicy:
    """How long to wait between attempts; `rng` is injectable for tests."""

    def __init__(self, base: float = 0.004, cap: float = 0.5,
                 rng: random.Random | None = None) -> None:
        self.base = base
        self.cap = cap
        self._rng = rng

    @property
    def rng(self) -> random.Random:
        """The random source (created when first needed: `random` is slow to import)."""
        if self._rng is None:
            import random

            self._rng = random.Random()
        return self._rng

    def __repr__(self) -> str:
        return f"RetryPolicy(base={self.base!r}, cap={self.cap!r}, rng={self._rng!r})"

    def delay(self, attempt: int) -> float:
        """A jittered wait after the `attempt`-th failed attempt."""
        return backoff_delay(attempt, base=self.base, cap=self.cap, unit=self.rng.random())


def retry_delay(url: str, stats: CallStats, retries: int, deadline: float, policy: RetryPolicy) -> float:
    """How long to wait before the next attempt after a lost race; RetriesExhausted when there
    may be none (`retries` used up, or the wait would end after `deadline`)."""
    if stats.attempts > retries:
        raise RetriesExhausted(
            f"{url}: gave up after {stats.attempts} attempts: the value changed "
            f"before every write ({stats.conflicts} conflicts; raise --retries)."
        )
    delay = policy.delay(stats.attempts)
    if time.monotonic() + delay > deadline:
        raise RetriesExhausted(
            f"{url}: gave up after {stats.attempts} attempts: the timeout ran out "
            f"with the value still changing ({stats.conflicts} conflicts)."
        )
    return delay
