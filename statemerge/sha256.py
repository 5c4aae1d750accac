"""SHA-256 without paying for OpenSSL on small inputs.

`hashlib` loads OpenSSL (`_hashlib`), which takes longer than hashing a small document: a merge
that leaves a conflict (its id) or a store write of a small file would pay it at every start.
Python's own module (`_sha256`, `_sha2` from 3.12) hashes small inputs; large ones go to
hashlib, which is faster per byte.
"""

from __future__ import annotations

SMALL = 1 << 16  # bytes


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data`, in hex."""
    if len(data) < SMALL:
        import importlib

        for name in ("_sha256", "_sha2"):
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue
            return str(module.sha256(data).hexdigest())
    import hashlib

    return hashlib.sha256(data).hexdigest()
