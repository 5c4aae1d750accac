"""A 3-member etcd cluster losing members while agents write to it (real processes, kill -9)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from etcd_cluster import Cluster
from store_processes import statemerge, worker

from statemerge.store import open_store

# each update adds its own id and counts it, in one transaction: a lost or doubled update shows
ACK = ["set", "/acks/{name}-{i}", "true", "inc", "/n", "1"]


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    with Cluster(size=3) as started:
        yield started


def test_every_acknowledged_update_survives_the_loss_of_a_member(cluster: Cluster) -> None:
    url = cluster.url("shared")
    open_store(url).set("", {"n": 0, "acks": {}})
    agents = [worker("updates", f"a{k}", url, "30", *ACK, "--timeout", "20") for k in range(3)]
    assert agents[0].stdout is not None
    for _ in range(5):  # the agents are writing...
        assert agents[0].stdout.readline().endswith(" 0\n")
    cluster.kill(cluster.leader())  # ...when the leader dies
    acknowledged = [f"a0-{i}" for i in range(5)]
    for name, agent in zip(("a0", "a1", "a2"), agents, strict=True):
        out, err = agent.communicate(timeout=90)
        calls = [line.split() for line in out.splitlines()]
        assert all(code in ("0", "2") for _, code in calls), err
        acknowledged += [f"{name}-{i}" for i, code in calls if code == "0"]
    document = open_store(url).get()[0]
    assert set(acknowledged) <= set(document["acks"])
    assert document["n"] == len(document["acks"])  # nothing applied twice or by half
    assert len(acknowledged) >= 80  # a member's loss is ridden out, not failed


def test_without_quorum_calls_fail_within_their_timeout_and_write_nothing(
    cluster: Cluster,
) -> None:
    url = cluster.url("shared")
    open_store(url).set("", {"n": 0, "acks": {}})
    cluster.kill(0)
    cluster.kill(1)
    started = time.monotonic()
    done = statemerge(
        "update", url, "set", "/acks/doubt", "true", "inc", "/n", "1", "--timeout", "2"
    )
    assert done.returncode == 2
    assert time.monotonic() - started < 7  # 2 s, plus an interpreter's start on a busy machine
    assert done.stderr.startswith(f"statemerge: {url}: ") and done.stderr.count("\n") == 1
    assert statemerge("get", url, "--timeout", "1").returncode == 2
    cluster.restart(1)  # quorum is back: the update happened wholly or not at all
    document = json.loads(statemerge("get", url, "--timeout", "20").stdout)
    assert document["n"] == len(document["acks"]) <= 1
