"""Both backends pass the one store contract (store_contract.StoreContract)."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_contract import StoreContract


class TestFileStore(StoreContract):
    """A JSON file on disk, locked with flock."""

    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return str(tmp_path / "state.json")


class TestEtcdStore(StoreContract):
    """A key of a real etcd, locked with etcd's lock service on a lease."""

    release_after_death = 2.0  # the lease's TTL in StoreContract.open

    @pytest.fixture
    def url(self, etcd_url: str) -> str:
        return etcd_url
