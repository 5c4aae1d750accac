"""`statemerge mcp`: the real server in a subprocess, spoken to over stdio with the MCP SDK's client."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mcp")

from mcp import Client, StdioServerParameters

TOOLS = {"state_get", "state_update", "state_commit", "merge_files", "conflicts_list",
         "conflicts_resolve", "log_append", "log_replay"}


def server() -> StdioServerParameters:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATEMERGE")}
    return StdioServerParameters(command=sys.executable, args=["-m", "statemerge", "mcp"], env=env)


def result(answer: Any) -> Any:
    """A tool's structured result, or its text for an error."""
    if answer.is_error:
        return {"error": answer.content[0].text}
    if answer.structured_content is not None:
        return answer.structured_content.get("result", answer.structured_content)
    return json.loads(answer.content[0].text)


def session(steps: Any) -> Any:
    async def main() -> Any:
        async with Client(server()) as client:
            return await steps(client)

    return asyncio.run(main())


def test_the_server_lists_the_tools() -> None:
    async def steps(client: Client) -> set[str]:
        return {tool.name for tool in (await client.list_tools()).tools}

    assert session(steps) == TOOLS


def test_state_tools_read_update_and_commit_with_merge(tmp_path: Path) -> None:
    store = str(tmp_path / "state.json")

    async def steps(client: Client) -> None:
        call = client.call_tool
        updated = result(await call("state_update", {"store": store, "ops": [
            {"op": "add", "path": "/tasks", "value": []}, {"op": "inc", "path": "/n", "value": 2}]}))
        read = result(await call("state_get", {"store": store}))
        assert read["value"] == {"tasks": [], "n": 2} and read["etag"] == updated["etag"]
        result(await call("state_update", {"store": store, "ops": [{"op": "inc", "path": "/n", "value": 1}]}))
        committed = result(await call("state_commit", {
            "store": store, "document": {"tasks": ["review"], "n": 2},
            "base": read["value"], "etag": read["etag"]}))
        assert committed["written"] is True
        assert result(await call("state_get", {"store": store}))["value"] == {"tasks": ["review"], "n": 3}
        refused = result(await call("state_commit", {
            "store": store, "document": {"tasks": ["review"], "n": 9},
            "base": read["value"], "etag": read["etag"]}))
        assert refused["written"] is False
        assert [(c["path"], c["ours"], c["theirs"]) for c in refused["conflicts"]] == [("/n", 9, 3)]

    session(steps)


def test_errors_are_tool_results_and_the_server_keeps_serving(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"n": ')

    async def steps(client: Client) -> None:
        bad = result(await client.call_tool("state_get", {"store": str(tmp_path / "bad.json")}))
        assert "bad.json" in bad["error"] and "exit 2" in bad["error"]
        gone = result(await client.call_tool("state_get", {"store": "etcd://nohost/"}))
        assert "error" in gone
        wrong = result(await client.call_tool("state_update", {"store": str(tmp_path / "s.json"),
                                                               "ops": [{"op": "jump"}]}))
        assert "error" in wrong
        fine = result(await client.call_tool("state_update", {
            "store": str(tmp_path / "s.json"), "ops": [{"op": "inc", "path": "/n", "value": 1}]}))
        assert "etag" in fine

    session(steps)


def test_merge_files_then_list_and_resolve_conflicts_by_id(tmp_path: Path) -> None:
    for name, value in {"base": {"port": 1, "a": 0}, "ours": {"port": 2, "a": 1},
                        "theirs": {"port": 3, "a": 0}}.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(value))
    out = str(tmp_path / "out.json")

    async def steps(client: Client) -> None:
        merged = result(await client.call_tool("merge_files", {
            "base": str(tmp_path / "base.json"), "ours": str(tmp_path / "ours.json"),
            "theirs": str(tmp_path / "theirs.json"), "output": out}))
        assert merged["clean"] is False
        [conflict] = merged["conflicts"]
        listed = result(await client.call_tool("conflicts_list", {"path": out}))["conflicts"]
        assert [(c["id"], c["path"], c["ours"], c["theirs"]) for c in listed] == [
            (conflict["id"], "/port", 2, 3)]
        left = result(await client.call_tool("conflicts_resolve", {
            "path": out, "answers": [{"id": conflict["id"], "take": "theirs"}]}))
        assert left["conflicts"] == []
        unknown = result(await client.call_tool("conflicts_resolve", {
            "path": out, "answers": [{"id": "nope", "take": "ours"}]}))
        assert "error" in unknown

    session(steps)
    assert json.loads(Path(out).read_text()) == {"port": 3, "a": 1}


def test_log_append_and_replay(tmp_path: Path) -> None:
    log = str(tmp_path / "events.jsonl")

    async def steps(client: Client) -> None:
        for agent in ("planner", "coder"):
            appended = result(await client.call_tool("log_append", {
                "log": log, "agent": agent, "ops": [{"op": "inc", "path": "/n", "value": 1}]}))
            assert appended["id"].startswith("sha256:")
        replayed = result(await client.call_tool("log_replay", {"log": log}))
        assert replayed["state"] == {"n": 2} and replayed["conflicts"] == []

    session(steps)
