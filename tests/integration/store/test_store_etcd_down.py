"""etcd down: every call fails within a few seconds with one clear line, not after its timeout."""

from __future__ import annotations

import socket
import time

from store_processes import statemerge


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_call_to_an_etcd_that_is_down_fails_fast_with_one_line() -> None:
    url = f"etcd://127.0.0.1:{free_port()}/state"
    for args in (["get", url], ["update", url, "inc", "/n", "1"], ["set", url, "/n", "1"]):
        started = time.monotonic()
        done = statemerge(*args, "--timeout", "30")
        elapsed = time.monotonic() - started
        assert done.returncode == 2, done.stderr
        [line] = done.stderr.strip().splitlines()
        assert "not reachable" in line and "is it running?" in line, line
        assert elapsed < 8, elapsed


def test_the_timeout_still_bounds_a_call_to_an_etcd_that_is_down() -> None:
    url = f"etcd://127.0.0.1:{free_port()}/state"
    started = time.monotonic()
    done = statemerge("get", url, "--timeout", "0.5")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert time.monotonic() - started < 4
