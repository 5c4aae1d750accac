"""The asyncio store (`statemerge.store.aio`) on a file and on a real etcd: the same operations,
awaited, and many coroutines at once without a lost update or a blocked loop."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from statemerge.errors import ChangedSinceRead, LockTimeout, MergeConflict
from statemerge.store import open_store as open_sync
from statemerge.store.aio import AsyncStore, open_store

INC_N = [{"op": "inc", "path": "/n", "value": 1}]


@pytest.fixture(params=["file", "etcd"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "file":
        return str(tmp_path / "state.json")
    return str(request.getfixturevalue("etcd_url"))


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def test_get_set_and_compare_and_set(url: str) -> None:
    async def main() -> None:
        async with open_store(url, timeout=10) as store:
            etag = await store.set("", {"n": 1})
            assert await store.get() == ({"n": 1}, etag)
            assert await store.get("/n") == (1, etag)
            await store.set("/n", 2)
            with pytest.raises(ChangedSinceRead):
                await store.compare_and_set({"n": 3}, etag, deadline=time.monotonic() + 5)

    run(main())
    assert open_sync(url).get()[0] == {"n": 2}


def test_200_coroutines_incrementing_land_exactly_200(url: str) -> None:
    async def main() -> None:
        async with open_store(url, timeout=60) as store:
            await asyncio.gather(*(store.apply(INC_N, retries=1000) for _ in range(200)))

    run(main())
    assert open_sync(url).get("/n")[0] == 200


def test_200_coroutines_under_the_lock_land_exactly_200(url: str) -> None:
    async def main() -> None:
        async with open_store(url, timeout=60) as store:
            await asyncio.gather(*(store.apply(INC_N, lock=True) for _ in range(200)))

    run(main())
    assert open_sync(url).get("/n")[0] == 200


def test_the_loop_keeps_running_while_a_lock_is_waited_for(url: str) -> None:
    """A task waiting for the lock must not block the loop: a ticker keeps ticking meanwhile."""

    async def main() -> tuple[int, float]:
        async with open_store(url, timeout=10) as store:
            ticks = 0

            async def ticker() -> None:
                nonlocal ticks
                while True:
                    await asyncio.sleep(0.01)
                    ticks += 1

            async def holder(ready: asyncio.Event) -> None:
                async with store.lock(agent="holder"):
                    ready.set()
                    await asyncio.sleep(0.6)

            ready = asyncio.Event()
            ticking = asyncio.create_task(ticker())
            holding = asyncio.create_task(holder(ready))
            await ready.wait()
            started = time.monotonic()
            await store.apply(INC_N)  # waits for the holder's lock
            waited = time.monotonic() - started
            await holding
            ticking.cancel()
            return ticks, waited

    ticks, waited = run(main())
    assert waited > 0.3
    assert ticks >= 20  # ~60 without blocking; a blocked loop would give ~0


def test_a_lock_not_acquired_in_time_raises(url: str) -> None:
    async def main() -> None:
        async with open_store(url, timeout=10) as store, store.lock(agent="first"):
            other = open_store(url, timeout=10)
            try:
                with pytest.raises(LockTimeout):
                    async with other.lock(agent="second", timeout=0.3):
                        pass
            finally:
                await other.aclose()

    run(main())


def test_edit_merges_and_a_conflict_writes_nothing(url: str) -> None:
    async def main(store: AsyncStore) -> None:
        await store.set("", {"a": 0, "b": 0, "owner": "nobody"})
        async with store.edit() as doc:
            doc["a"] = 1
            await store.set("/b", 2)
        assert (await store.get())[0] == {"a": 1, "b": 2, "owner": "nobody"}
        with pytest.raises(MergeConflict) as raised:
            async with store.edit() as doc:
                doc["owner"] = "planner"
                await store.set("/owner", "coder")
        assert [c["path"] for c in raised.value.conflicts] == ["/owner"]
        assert (await store.get())[0]["owner"] == "coder"

    async def opened() -> None:
        async with open_store(url, timeout=10) as store:
            await main(store)

    run(opened())


def test_commit_with_a_kept_base(url: str) -> None:
    async def main() -> None:
        async with open_store(url, timeout=10) as store:
            etag = await store.set("", {"a": 0, "b": 0})
            await store.set("/b", 1)
            await store.commit({"a": 1, "b": 0}, base=({"a": 0, "b": 0}, etag))
            assert (await store.get())[0] == {"a": 1, "b": 1}

    run(main())
