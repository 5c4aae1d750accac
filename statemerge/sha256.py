"""SHA-256 without paying for OpenSSL on small inputs.

`hashlib` loads OpenSSL (`_hashlib`), which takes longer than hashing a small document: a merge
that leaves a conflict (its id), a store write of a small file or an append to a short event log
would pay it at every start. Python's own module (`_sha256`, `_sha2` from 3.12) hashes small
inputs; large ones go to hashlib, which is faster per byte and per call. Both give one digest.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import suppress
from functools import cache
from typing import Any

SMALL = 1 << 16  # bytes


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data`, in hex."""
    if len(data) < SMALL:
        return str(sha256_now()(data).hexdigest())
    import hashlib

    return hashlib.sha256(data).hexdigest()


def sha256_now() -> Callable[[bytes], Any]:
    """The SHA-256 constructor to use now: OpenSSL's once hashlib is loaded, else Python's own,
    whose import costs a tenth."""
    hashlib = sys.modules.get("hashlib")
    return hashlib.sha256 if hashlib is not None else _own_sha256()


@cache
def _own_sha256() -> Callable[[bytes], Any]:
    for name in ("_sha256", "_sha2"):  # Python 3.11, 3.12+
        with suppress(ImportError):
            return __import__(name).sha256  # type: ignore[no-any-return]
    import hashlib  # a Python built without its own hashes

    return hashlib.sha256
