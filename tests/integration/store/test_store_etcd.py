"""What only the etcd backend does: finding out whether a write whose answer was lost landed,
keeping a lock's lease alive, and failing clearly when etcd is not there."""

from __future__ import annotations

import http.client
import json
import time
from typing import Any

import pytest
from etcd_cluster import Cluster, free_port
from store_processes import statemerge

from statemerge.errors import LockTimeout, ParseError
from statemerge.store import open_store
from statemerge.store.etcd import EtcdStore
from statemerge.store.etcdhttp import AmbiguousWrite, b64

INC_N = [{"op": "inc", "path": "/n", "value": 1}]


def open_etcd(url: str, **options: Any) -> EtcdStore:
    store = open_store(url, **options)
    assert isinstance(store, EtcdStore)
    return store


def lose_answers(
    monkeypatch: pytest.MonkeyPatch, store: EtcdStore, *, land: bool, rival: EtcdStore | None = None
) -> list[dict[str, Any]]:
    """Make the first transaction's answer get lost, after it landed (`land`) or before it was
    sent; a `rival` writes right after it. Returns the answers that were lost."""
    real_call = store.client.call
    lost: list[dict[str, Any]] = []

    def call(path: str, body: dict[str, Any], **options: Any) -> dict[str, Any]:
        if path != "/v3/kv/txn" or lost:
            return real_call(path, body, **options)
        lost.append(real_call(path, body, **options) if land else {"sent": False})
        if rival is not None:
            rival.apply([{"op": "inc", "path": "/rival", "value": 1}])
        raise AmbiguousWrite("the answer was lost.")

    monkeypatch.setattr(store.client, "call", call)
    return lost


def test_a_write_whose_answer_was_lost_after_it_landed_is_not_applied_again(
    etcd_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_etcd(etcd_url)
    store.set("", {"n": 0})
    lost = lose_answers(monkeypatch, store, land=True)
    store.apply(INC_N)
    assert lost[0]["succeeded"] is True
    assert store.get("/n")[0] == 1


def test_a_write_whose_answer_was_lost_before_it_was_sent_is_sent_again(
    etcd_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_etcd(etcd_url)
    store.set("", {"n": 0})
    lose_answers(monkeypatch, store, land=False)
    store.apply(INC_N)
    assert store.get("/n")[0] == 1


def test_a_lost_answer_is_found_in_the_history_after_a_rival_wrote(
    etcd_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, rival = open_etcd(etcd_url), open_etcd(etcd_url)
    store.set("", {"n": 0, "rival": 0})
    lose_answers(monkeypatch, store, land=True, rival=rival)
    store.apply(INC_N)
    assert store.get()[0] == {"n": 1, "rival": 1}


def test_a_lock_held_longer_than_its_lease_is_kept_alive(etcd_url: str) -> None:
    holder, other = open_etcd(etcd_url, lease_ttl=2), open_etcd(etcd_url)
    with holder.lock(agent="long"):
        time.sleep(3.5)  # past the lease's TTL: only the keepalive thread holds it
        assert other.lock_status().held
        with pytest.raises(LockTimeout), other.lock(timeout=0.2):
            pass
        assert not holder.lock_lost
    assert not other.lock_status().held


def test_a_value_that_is_not_json_is_a_clear_error(etcd: Cluster, etcd_url: str) -> None:
    key = etcd_url.rsplit("/", 2)[-2] + "/" + etcd_url.rsplit("/", 1)[-1]
    connection = http.client.HTTPConnection(*etcd.members[0].endpoint.split(":"), timeout=5)
    connection.request("POST", "/v3/kv/put", json.dumps({"key": b64(key), "value": b64("{no")}))
    assert connection.getresponse().status == 200
    with pytest.raises(ParseError, match=f"{etcd_url}:1"):
        open_etcd(etcd_url).read()


def test_an_unreachable_etcd_fails_within_its_timeout_with_one_clear_line() -> None:
    url = f"etcd://127.0.0.1:{free_port()}/state"
    started = time.monotonic()
    done = statemerge("update", url, "inc", "/n", "1", "--timeout", "1")
    assert done.returncode == 2
    assert time.monotonic() - started < 6  # 1 s, plus an interpreter's start on a busy machine
    assert done.stderr.startswith(f"statemerge: {url}: no etcd endpoint answered within 1.0 s")
    assert done.stderr.count("\n") == 1
