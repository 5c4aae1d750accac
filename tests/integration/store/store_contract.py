"""The contract of a store: every backend's test class subclasses StoreContract and provides a
`url` fixture (a store no other test uses). Real stores, real processes, no mocks."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import pytest
from store_processes import statemerge, worker

from statemerge.errors import (
    ChangedSinceRead,
    InputError,
    LockTimeout,
    PatchError,
    RetriesExhausted,
    UsageError,
)
from statemerge.store import CallStats, RetryPolicy, Store, open_store

INC_N = [{"op": "inc", "path": "/n", "value": 1}]


class StoreContract:
    """What get, set, compare-and-set, update and lock promise, whatever the backend."""

    #: seconds a dead holder's lock may outlive it (an etcd lease's TTL; 0 for a flock)
    release_after_death = 0.0

    def open(self, url: str, **options: Any) -> Store:
        return open_store(url, lease_ttl=2, **options)

    # -- get and set ------------------------------------------------------------------------------

    def test_a_store_never_written_does_not_exist(self, url: str) -> None:
        store = self.open(url)
        assert not store.read().exists
        with pytest.raises(InputError, match="does not exist yet"):
            store.get()

    def test_set_then_get_gives_the_value_and_its_etag(self, url: str) -> None:
        store = self.open(url)
        etag = store.set("", {"tasks": ["a"], "n": 1})
        assert store.get() == ({"tasks": ["a"], "n": 1}, etag)
        assert store.get("/tasks/0") == ("a", etag)

    def test_every_write_gives_a_new_etag(self, url: str) -> None:
        store = self.open(url)
        first = store.set("", {"n": 1})
        second = store.set("/n", 2)
        assert first != second == store.read().etag

    def test_set_if_match_with_the_current_etag_writes(self, url: str) -> None:
        store = self.open(url)
        etag = store.set("", {"n": 1})
        store.set("/n", 2, if_match=etag)
        assert store.get("/n")[0] == 2

    def test_set_if_match_with_a_stale_etag_is_refused_and_writes_nothing(self, url: str) -> None:
        store, rival = self.open(url), self.open(url)
        stale = store.set("", {"n": 1})
        rival.set("/n", 2)
        with pytest.raises(ChangedSinceRead, match="changed since you read it"):
            store.set("/n", 3, if_match=stale)
        assert store.get("/n")[0] == 2

    def test_if_match_on_a_store_never_written_creates_it_once(self, url: str) -> None:
        store, rival = self.open(url), self.open(url)
        absent = store.read().etag
        store.set("", {"n": 1}, if_match=absent)
        with pytest.raises(ChangedSinceRead):
            rival.set("", {"n": 2}, if_match=absent)
        assert store.get()[0] == {"n": 1}

    def test_an_etag_of_another_backend_is_bad_input(self, url: str) -> None:
        store = self.open(url)
        store.set("", {"n": 1})
        with pytest.raises(UsageError, match="is not an etag"):
            store.set("/n", 2, if_match="not-an-etag")

    def test_set_under_a_missing_parent_is_bad_input_and_writes_nothing(self, url: str) -> None:
        store = self.open(url)
        etag = store.set("", {"n": 1})
        with pytest.raises(PatchError, match="does not exist"):
            store.set("/missing/child", 1)
        assert store.read().etag == etag

    # -- update: compare-and-set with retries -----------------------------------------------------

    def test_a_lost_race_is_retried_and_both_updates_survive(self, url: str) -> None:
        store, rival = self.open(url), self.open(url)
        store.set("", {"n": 0, "rival": 0})
        calls = 0

        def change(document: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls == 1:  # another agent writes between our read and our write
                rival.apply([{"op": "inc", "path": "/rival", "value": 1}])
            document["n"] += 1
            return document

        stats = CallStats("update", url, "test")
        store.update(change, stats=stats)
        assert store.get()[0] == {"n": 1, "rival": 1}
        assert (stats.attempts, stats.retries, stats.conflicts, stats.outcome) == (2, 1, 1, "ok")

    def test_retries_run_out_and_the_error_says_after_how_many_attempts(self, url: str) -> None:
        store, rival = self.open(url), self.open(url)
        store.set("", {"n": 0})

        def always_overtaken(document: Any) -> Any:
            rival.apply(INC_N)
            return {**document, "mine": True}

        stats = CallStats("update", url, "test")
        with pytest.raises(RetriesExhausted, match="gave up after 3 attempts"):
            store.update(always_overtaken, retries=2, stats=stats, policy=RetryPolicy(base=0.001))
        assert (stats.attempts, stats.conflicts, stats.outcome) == (3, 3, "exhausted")
        assert store.get()[0] == {"n": 3}

    def test_retries_stop_when_the_timeout_runs_out(self, url: str) -> None:
        store, rival = self.open(url), self.open(url)
        store.set("", {"n": 0})

        def always_overtaken(document: Any) -> Any:
            rival.apply(INC_N)
            return document | {"mine": True}

        started = time.monotonic()
        with pytest.raises(RetriesExhausted, match="timeout ran out"):
            store.update(always_overtaken, retries=10_000, timeout=0.5)
        assert time.monotonic() - started < 2.0

    @pytest.mark.parametrize("mode", ["occ", "lock"])
    def test_four_processes_of_fifty_increments_leave_exactly_200(
        self, url: str, mode: str, tmp_path: Any
    ) -> None:
        self.open(url).set("", {"n": 0})
        metrics = tmp_path / "metrics.jsonl"
        words = ["inc", "/n", "1", "--agent", "{name}", "--metrics", str(metrics)]
        words += ["--lock"] if mode == "lock" else []
        workers = [worker("updates", f"w{k}", url, "50", *words) for k in range(4)]
        for process in workers:
            out, err = process.communicate(timeout=90)
            assert process.returncode == 0, err
            assert out.splitlines() == [f"{i} 0" for i in range(50)], err
        assert self.open(url).get("/n")[0] == 200
        lines = metrics.read_text().splitlines()
        assert len(lines) == 200 and all('"outcome": "ok"' in line for line in lines)

    def test_update_may_change_its_private_copy_in_place(self, url: str) -> None:
        store = self.open(url)
        store.set("", {"n": 1})

        def bump(document: Any) -> None:
            document["n"] += 1

        store.update(bump)
        assert store.get()[0] == {"n": 2}

    def test_update_under_the_lock_takes_one_attempt(self, url: str) -> None:
        store = self.open(url)
        store.set("", {"n": 0})
        stats = CallStats("update-lock", url, "test")
        store.apply(INC_N, lock=True, stats=stats)
        assert store.get("/n")[0] == 1
        assert (stats.attempts, stats.conflicts) == (1, 0)
        assert not store.lock_status().held

    # -- the lock ---------------------------------------------------------------------------------

    def test_the_lock_excludes_a_second_holder_until_released(self, url: str) -> None:
        first, second = self.open(url), self.open(url)
        with (
            first.lock(agent="first"),
            pytest.raises(LockTimeout, match="held by agent first"),
            second.lock(agent="second", timeout=0.3),
        ):
            pytest.fail("two holders at once")
        with second.lock(agent="second", timeout=2) as holder:
            assert holder.agent == "second"

    def test_lock_status_names_the_holder(self, url: str) -> None:
        store, observer = self.open(url), self.open(url)
        assert not observer.lock_status().held
        with store.lock(agent="planner") as holder:
            state = observer.lock_status()
            assert state.held and state.holder == holder
            assert (holder.agent, holder.pid) == ("planner", os.getpid())
        assert not observer.lock_status().held

    def test_writers_wait_for_the_holder_and_give_up_at_their_timeout(self, url: str) -> None:
        holder, writer = self.open(url), self.open(url)
        holder.set("", {"n": 0})
        with holder.lock(agent="holder"):
            with pytest.raises(LockTimeout, match="held by agent holder"):
                writer.apply(INC_N, timeout=0.4)
            holder.apply(INC_N)  # the holder's own writes go through
        writer.apply(INC_N, timeout=2)
        assert writer.get("/n")[0] == 2

    def test_a_command_run_under_the_lock_may_write_and_lock_the_store(self, url: str) -> None:
        self.open(url).set("", {"n": 0})
        update = f"statemerge update '{url}' inc /n 1 --timeout 5"
        script = f"{update} && {update} --lock"  # a nested --lock must not wait for its parent
        done = statemerge("lock", url, "--", "sh", "-c", script)
        assert done.returncode == 0, done.stderr
        assert self.open(url).get("/n")[0] == 2

    def test_lock_exits_with_the_status_of_its_command(self, url: str) -> None:
        done = statemerge("lock", url, "--agent", "t", "--", "sh", "-c", "exit 7")
        assert done.returncode == 7, done.stderr

    def test_a_lock_not_acquired_in_time_runs_nothing(self, url: str, tmp_path: Any) -> None:
        marker = tmp_path / "ran"
        with self.open(url).lock(agent="holder"):
            done = statemerge("lock", url, "--timeout", "0.5", "--", "touch", str(marker))
        assert done.returncode == 1
        assert done.stderr.count("\n") == 1 and "held by agent holder" in done.stderr
        assert not marker.exists()

    def test_a_holder_that_dies_releases_the_lock(self, url: str) -> None:
        doomed = worker("hold", url, "2")
        assert doomed.stdout is not None
        assert doomed.stdout.readline() == "locked\n"
        survivor = self.open(url)
        state = survivor.lock_status()
        assert state.held and state.holder is not None and state.holder.agent == "doomed"
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.communicate()
        started = time.monotonic()
        with survivor.lock(agent="survivor", timeout=self.release_after_death + 5):
            waited = time.monotonic() - started
        assert waited <= self.release_after_death + 3
