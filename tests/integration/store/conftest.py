"""Fixtures of the store tests: a real etcd (started once per session, killed at the end), store
URLs of their own per test, and how to run real statemerge processes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from etcd_cluster import Cluster


@pytest.fixture(scope="session")
def etcd() -> Iterator[Cluster]:
    """One etcd member on a free loopback port, for the whole session."""
    with Cluster(size=1) as cluster:
        yield cluster


@pytest.fixture
def etcd_url(etcd: Cluster) -> str:
    """A store URL on the session's etcd under a key no other test uses."""
    return etcd.url(f"tests/{uuid.uuid4().hex}")
