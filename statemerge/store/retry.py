"""Backoff between attempts: exponential with full jitter.

Writers that lost a race all retry; if they waited the same time they would collide again. Each
waits a random time in [0, min(cap, base * 2**(attempt-1))], which spreads them out and keeps the
expected wait growing only while the contention lasts.

>>> backoff_delay(3, base=0.01, cap=1.0, unit=0.5)
0.02
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


def backoff_delay(attempt: int, *, base: float, cap: float, unit: float) -> float:
    """The wait after the `attempt`-th failed attempt, for a uniform random `unit` in [0, 1)."""
    ceiling = min(cap, base * 2.0 ** min(max(attempt - 1, 0), 62))
    return ceiling * unit


@dataclass
class RetryPolicy:
    """How long to wait between attempts; `rng` is injectable for tests."""

    base: float = 0.004
    cap: float = 0.5
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        """A jittered wait after the `attempt`-th failed attempt."""
        return backoff_delay(attempt, base=self.base, cap=self.cap, unit=self.rng.random())
