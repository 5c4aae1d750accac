"""Room on the stack for documents nested as deep as statemerge promises (1,000 levels).

The merge, the CRDT walk and rendering recurse once or a few times per level, and Python's default
recursion limit (1,000 frames) runs out at about 450 levels. The library's entry points and the CLI
raise the limit for the call (and put it back after); each level costs well under a kilobyte of C
stack, so 10,000 frames fit in the default 8 MB stack of the main thread and of new threads alike.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

MAX_NESTING = 1000  # levels a document may nest: the readers refuse deeper ones
RECURSION_LIMIT = 10_000  # frames: enough for MAX_NESTING levels at a few frames per level


@contextmanager
def room_for_nesting() -> Iterator[None]:
    """Run a block with a recursion limit of at least RECURSION_LIMIT (restored after)."""
    limit = sys.getrecursionlimit()
    if limit >= RECURSION_LIMIT:
        yield
        return
    sys.setrecursionlimit(RECURSION_LIMIT)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)
