"""Fixtures of the agent-integration tests: a real etcd (as the store tests start one), and a
store URL of each backend."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "store"))
from etcd_cluster import Cluster


@pytest.fixture(scope="session")
def etcd() -> Iterator[Cluster]:
    with Cluster(size=1) as cluster:
        yield cluster


@pytest.fixture(params=["files", "etcd"])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A folder, or an etcd prefix no other test uses."""
    if request.param == "files":
        return str(tmp_path / "state")
    cluster: Cluster = request.getfixturevalue("etcd")
    return cluster.url(f"tests/{uuid.uuid4().hex}")
