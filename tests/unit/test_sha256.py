"""Python's own SHA-256 (small inputs, no OpenSSL import) and OpenSSL's give one digest."""

from __future__ import annotations

import hashlib

from statemerge.sha256 import SMALL, _own_sha256, sha256_hex, sha256_now


def test_both_sha256_give_one_digest() -> None:
    for data in (b"", b"{}", "é".encode() * 100, b"x" * (SMALL + 1)):
        expected = hashlib.sha256(data).hexdigest()
        assert _own_sha256()(data).hexdigest() == expected
        assert sha256_now()(data).hexdigest() == expected == sha256_hex(data)
