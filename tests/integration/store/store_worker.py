"""A separate process for the store tests: `python store_worker.py MODE ARGS...`.

- `updates NAME STORE N WORD...`: run `statemerge update STORE WORD...` N times in this process
  (the real command, without paying an interpreter start per call); `{name}` and `{i}` in the
  words are replaced by NAME and the call's number. Prints `I CODE` after each call.
- `hold STORE TTL`: take the store's lock (an etcd lease of TTL seconds), print `locked`, sleep.
- `rewrite STORE SIZE`: set the whole document to version 1, 0, 1, 0, ... (each SIZE items) until
  killed, printing `wrote K` after each; `version(k, size)` builds them, so the test knows both.
- `edits NAME STORE N [overlap]`: N times `with store.edit() as doc:` record `NAME-I` under `/seen`
  and, with `overlap`, set `/winner` to it as every writer does; prints `I ok` or `I conflict`.
  With `BARRIER=FOLDER:COUNT` in the environment, it first waits until COUNT workers are ready,
  so that their edits overlap however loaded the machine is.
"""

from __future__ import annotations

import sys
import time
from typing import Any


def version(k: int, size: int) -> dict[str, Any]:
    """A large document that differs between k = 0 and k = 1 at its start and its end."""
    items = [{"id": i, "name": f"item-{i}-{k}", "tags": ["a", "b", str(k)]} for i in range(size)]
    return {"version": k, "items": items, "last": k}


def updates(name: str, store: str, count: int, words: list[str]) -> None:
    from typer.main import get_command

    from statemerge.cli.app import app

    command = get_command(app)  # built once: Typer builds it anew on every app() call
    for i in range(count):
        args = [word.replace("{name}", name).replace("{i}", str(i)) for word in words]
        code = command.main(["update", store, *args], standalone_mode=False)
        print(f"{i} {code or 0}", flush=True)


def hold(store: str, ttl: int) -> None:
    from statemerge.store import open_store

    with open_store(store, lease_ttl=ttl).lock(agent="doomed"):
        print("locked", flush=True)
        time.sleep(3600)


def rewrite(store: str, size: int) -> None:
    from statemerge.store import open_store

    opened = open_store(store)
    documents = [version(0, size), version(1, size)]
    k = 1
    while True:
        opened.set("", documents[k])
        print(f"wrote {k}", flush=True)
        k = 1 - k


def edits(name: str, store: str, count: int, overlap: bool) -> None:
    from statemerge.errors import MergeConflict
    from statemerge.store import open_store

    opened = open_store(store)
    _wait_for_the_others(name)
    for i in range(count):
        try:
            with opened.edit() as doc:
                doc.setdefault("seen", {})[f"{name}-{i}"] = True
                if overlap:
                    doc["winner"] = f"{name}-{i}"
            print(f"{i} ok", flush=True)
        except MergeConflict:
            print(f"{i} conflict", flush=True)


def _wait_for_the_others(name: str) -> None:
    """The barrier of `BARRIER=FOLDER:COUNT`: say ready, then wait until COUNT are (60 s at most)."""
    import os
    import time

    if "BARRIER" not in os.environ:
        return
    folder, count = os.environ["BARRIER"].rsplit(":", 1)
    open(os.path.join(folder, f"ready-{name}"), "w").close()
    deadline = time.monotonic() + 60
    while len(os.listdir(folder)) < int(count) and time.monotonic() < deadline:
        time.sleep(0.005)


def main(argv: list[str]) -> None:
    mode, args = argv[0], argv[1:]
    if mode == "updates":
        updates(args[0], args[1], int(args[2]), args[3:])
    elif mode == "hold":
        hold(args[0], int(args[1]))
    elif mode == "edits":
        edits(args[0], args[1], int(args[2]), args[3:] == ["overlap"])
    elif mode == "rewrite":
        rewrite(args[0], int(args[1]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
