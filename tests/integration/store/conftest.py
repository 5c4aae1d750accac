"""Fixtures of the store tests: a real etcd (started once per session, killed at the end), store
URLs of their own per test, and how to run real statemerge processes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture(params=["files", "etcd"])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """For stores of many documents (LangGraph's): a folder, or an etcd prefix no other test uses."""
    if request.param == "files":
        return str(tmp_path / "state")
    return str(request.getfixturevalue("etcd_url"))
