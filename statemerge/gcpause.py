"""Pausing the cyclic garbage collector while large acyclic data is built.

Merged documents, CRDT states and event logs hold no reference cycles; a full collection would
only walk every object again and again while they grow, making time superlinear. Reference
counting still frees everything as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run a block without the cyclic collector (restored after, if it was on)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
