"""STORE arguments: a path, or etcd://HOST:PORT[,HOST:PORT...]/KEY."""

from __future__ import annotations

import pytest

from statemerge.errors import UsageError
from statemerge.store import open_store
from statemerge.store.etcd import EtcdAddress, EtcdStore, parse_etcd_url
from statemerge.store.files import FileStore


def test_several_endpoints_and_a_key_with_slashes() -> None:
    assert parse_etcd_url("etcd://10.0.0.1:2379,node-b.lan:2380,[::1]:2381/app/state") == (
        EtcdAddress((("10.0.0.1", 2379), ("node-b.lan", 2380), ("::1", 2381)), "app/state")
    )


@pytest.mark.parametrize(
    "url",
    [
        "etcd://h:1",
        "etcd://h:1/",
        "etcd://h/k",
        "etcd://:1/k",
        "etcd://h:0/k",
        "etcd://h:65536/k",
        "etcd://h:1,,h:2/k",
        "etcd://h:x/k",
        "etcd://user@h:1/k",
    ],
)
def test_a_malformed_etcd_url_is_a_usage_error_showing_the_form(url: str) -> None:
    with pytest.raises(UsageError, match=r"expected etcd://HOST:PORT\[,HOST:PORT\.\.\.\]/KEY"):
        parse_etcd_url(url)


def test_open_store_picks_the_backend_by_the_url() -> None:
    assert isinstance(open_store("state.json"), FileStore)
    assert isinstance(open_store("etcd://127.0.0.1:2379/k"), EtcdStore)  # nothing contacted yet
    with pytest.raises(UsageError, match="unknown scheme 's3'"):
        open_store("s3://bucket/state.json")
