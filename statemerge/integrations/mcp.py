"""`statemerge mcp`: a Model Context Protocol server on stdio (the official `mcp` SDK), so that an
LLM agent uses statemerge as tools (`pip install 'statemerge[mcp]'`).

Tools: `state_get`, `state_update`, `state_commit` (merge on write), `merge_files`,
`conflicts_list`, `conflicts_resolve`, `log_append`, `log_replay`. A failure is a tool error
result carrying statemerge's one-line message; the server keeps serving.

`merge_files` writes conflicts left as `{"$conflict": {"id", "base", "ours", "theirs"}}` objects
in place, which `conflicts_list` reads and `conflicts_resolve` answers by id.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from statemerge.errors import StatemergeError, UsageError

T = TypeVar("T")


def _call(work: Callable[[], T]) -> T:
    """Run a tool's work; a statemerge error becomes the SDK's tool error (one line)."""
    from mcp.server.mcpserver.exceptions import ToolError

    try:
        return work()
    except StatemergeError as error:
        raise ToolError(f"{type(error).__name__} (exit {error.exit_code}): {error.message}") from None


def state_get(store: str, pointer: str = "") -> dict[str, Any]:
    """Read the value at JSON Pointer `pointer` of a store (a file, or etcd://HOST:PORT/KEY) and its
    etag (pass the etag and the value to state_commit as the base)."""
    from statemerge.store import open_store

    def work() -> dict[str, Any]:
        with open_store(store) as opened:
            value, etag = opened.get(pointer)
        return {"value": value, "etag": etag}

    return _call(work)


def state_update(store: str, ops: list[dict[str, Any]]) -> dict[str, Any]:
    """Apply operations to a store without losing concurrent updates (compare-and-set with retries):
    a JSON Patch list, plus {"op": "inc", "path": P, "value": N}. Returns the new etag."""
    from statemerge.patch.opsparser import validate_ops
    from statemerge.store import open_store

    def work() -> dict[str, Any]:
        checked = validate_ops(ops, source="ops")
        with open_store(store) as opened:
            return {"etag": opened.apply(checked)}

    return _call(work)


def state_commit(
    store: str, document: Any, base: Any, etag: str | None = None, on_conflict: str | None = None
) -> dict[str, Any]:
    """Write a whole new `document` computed from `base` (the value state_get gave, with its `etag`),
    merging whatever other agents wrote since. Conflicts left: nothing is written and they are
    returned (id, path, kind, base/ours/theirs), unless on_conflict is "ours" or "theirs"."""
    from statemerge.errors import MergeConflict
    from statemerge.store import open_store

    def work() -> dict[str, Any]:
        with open_store(store) as opened:
            try:
                written = opened.commit(document, base=(base, etag), on_conflict=on_conflict)
            except MergeConflict as conflict:
                return {"written": False, "message": conflict.message, "conflicts": conflict.conflicts}
        return {"written": True, "etag": written, "conflicts": []}

    return _call(work)


def merge_files(base: str, ours: str, theirs: str, output: str) -> dict[str, Any]:
    """Three-way merge of JSON/YAML files into `output` (rules of .statemerge.yaml apply). Conflicts
    left are written in place as {"$conflict": {...}} objects: answer them with conflicts_resolve."""
    from statemerge.documents import read_bytes, write_atomic
    from statemerge.mergefile import MergeOptions, merge_texts
    from statemerge.store.mergewrite import conflict_entry

    def work() -> dict[str, Any]:
        texts = [read_bytes(path) for path in (base, ours, theirs)]
        options = MergeOptions(conflict="object", path_hint=ours)
        outcome = merge_texts(*texts, names=(base, ours, theirs), options=options)
        report = [conflict_entry(conflict) for conflict in outcome.conflicts]
        ids = {entry["path"]: entry["id"] for entry in report}
        write_atomic(Path(output), _with_ids(outcome.output, output, ids))
        return {"clean": outcome.clean, "output": output, "conflicts": report}

    return _call(work)


def conflicts_list(path: str) -> dict[str, Any]:
    """The conflicts left in a file merge_files wrote: id, path (JSON Pointer), base/ours/theirs."""
    from statemerge.documents import read_value

    return _call(lambda: {"conflicts": _conflicts_in(read_value(path), "")})


def conflicts_resolve(path: str, answers: list[dict[str, Any]]) -> dict[str, Any]:
    """Answer conflicts of a file by id: [{"id": ID, "take": "ours"|"theirs"|"base"}] or
    [{"id": ID, "value": V}]. The file is rewritten; the conflicts still left are returned."""
    from statemerge.documents import read_value

    def work() -> dict[str, Any]:
        value = read_value(path)
        by_id = {found["id"]: found for found in _conflicts_in(value, "")}
        for answer in answers:
            if not isinstance(answer, dict) or answer.get("id") not in by_id:
                raise UsageError(f"{path}: no conflict {answer!r} there (see conflicts_list).")
            if "value" not in answer and answer.get("take") not in ("ours", "theirs", "base"):
                raise UsageError(f"{path}: answer {answer!r} needs take ours|theirs|base, or a value.")
        chosen = {a["id"]: a["value"] if "value" in a else by_id[a["id"]].get(a["take"]) for a in answers}
        resolved = _answer(value, chosen)
        _write_value(path, resolved)
        return {"conflicts": _conflicts_in(resolved, "")}

    return _call(work)


def log_append(log: str, agent: str, ops: list[dict[str, Any]]) -> dict[str, Any]:
    """Append one event of `agent` (ops: JSON Patch plus inc) to an event log; returns its id."""
    from statemerge.logfile import append_event
    from statemerge.patch.opsparser import validate_ops

    def work() -> dict[str, Any]:
        done = append_event(log, agent, validate_ops(ops, source="ops"), time.time_ns() // 1000)
        return {"id": done.event["id"]}

    return _call(work)


def log_replay(log: str, until: str | None = None) -> dict[str, Any]:
    """The state an event log replays to (as of hlc `until`, if given), its conflicts and the
    events skipped."""
    from statemerge.eventlog.replayer import Replayer
    from statemerge.logfile import numbered_lines, open_log

    def work() -> dict[str, Any]:
        replayer = Replayer(source=log, start=None, until=until, keys=None)
        with open_log(log) as handle:
            for number, raw in numbered_lines(handle):
                replayer.feed(number, raw)
        return {"state": replayer.result.state, **replayer.result.report()}

    return _call(work)


TOOLS = (state_get, state_update, state_commit, merge_files, conflicts_list, conflicts_resolve,
         log_append, log_replay)


def serve() -> None:
    """Serve the tools on stdio until the client closes it."""
    try:
        from mcp.server.mcpserver import MCPServer
    except ImportError:
        raise UsageError(
            "statemerge mcp needs the MCP SDK (2.x): pip install 'statemerge[mcp]'."
        ) from None
    server = MCPServer("statemerge")
    for tool in TOOLS:
        server.add_tool(tool)
    server.run("stdio")


# -- conflict objects in a merged document --------------------------------------------------------


def _conflicts_in(value: Any, pointer: str) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        if set(value) == {"$conflict"} and isinstance(value["$conflict"], dict):
            return [{"path": pointer, **value["$conflict"]}]
        items = value.items()
    elif isinstance(value, list):
        items = ((str(i), v) for i, v in enumerate(value))  # type: ignore[assignment]
    else:
        return []
    found = []
    for key, inner in items:
        found += _conflicts_in(inner, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}")
    return found


def _answer(value: Any, chosen: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        inner = value.get("$conflict")
        if len(value) == 1 and isinstance(inner, dict) and inner.get("id") in chosen:
            return chosen[inner["id"]]
        return {k: _answer(v, chosen) for k, v in value.items()}
    if isinstance(value, list):
        return [_answer(v, chosen) for v in value]
    return value


def _with_ids(output: bytes, name: str, ids: dict[str, str]) -> bytes:
    """The merged file with each `$conflict` object given its conflict's id."""
    from statemerge.documents import parse_value
    from statemerge.documents.formats import detect_format

    fmt = detect_format(name)
    value = parse_value(output, name, fmt)
    if not _conflicts_in(value, ""):
        return output
    return _render(_identify(value, "", ids), fmt)


def _identify(value: Any, pointer: str, ids: dict[str, str]) -> Any:
    """`value` with each `$conflict` object given the id of the conflict reported at its path."""
    from statemerge.store.mergewrite import short_id

    if isinstance(value, dict):
        inner = value.get("$conflict")
        if len(value) == 1 and isinstance(inner, dict):
            return {"$conflict": {"id": ids.get(pointer) or short_id(pointer, "", inner), **inner}}
        return {k: _identify(v, f"{pointer}/{k.replace('~', '~0').replace('/', '~1')}", ids)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_identify(v, f"{pointer}/{i}", ids) for i, v in enumerate(value)]
    return value


def _render(value: Any, fmt: str) -> bytes:
    if fmt == "yaml":
        from statemerge.documents.yamlwrite import dump_yaml

        return dump_yaml(value).encode()
    import json

    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode()


def _write_value(path: str, value: Any) -> None:
    from statemerge.documents import write_atomic
    from statemerge.documents.formats import detect_format

    write_atomic(Path(path), _render(value, detect_format(path)))
