"""`statemerge log` against a tampered log: replay refuses it (exit 2, one line naming file:line),
verify lists it (exit 1); heads catch a log cut short; keys catch a re-hashed edit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from statemerge.cli.app import app
from statemerge.eventlog.events import event_id, event_line


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STATEMERGE_LOG_KEY", raising=False)
    monkeypatch.delenv("STATEMERGE_LOG_KEYS", raising=False)
    return tmp_path


def log(*args: str, **env: str) -> tuple[int, str, str]:
    """Run `statemerge log ARGS`: exit code, stdout, stderr."""
    result = CliRunner().invoke(app, ["log", *args], env={"COLUMNS": "200", **env})
    return result.exit_code, result.stdout, result.stderr


def write_log(*agents: str, path: str = "t.jsonl", **options: str) -> None:
    for step, agent in enumerate(agents):
        extra = [item for name, value in options.items() for item in (f"--{name}", value)]
        code, _, err = log("append", path, "--agent", agent, *extra, "inc", "/n", str(step + 1))
        assert code == 0, err


def events(path: str = "t.jsonl") -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


def rewrite(changed: list[dict[str, Any]], path: str = "t.jsonl") -> None:
    Path(path).write_bytes(b"".join(event_line(event) for event in changed))


def reid(event: dict[str, Any]) -> dict[str, Any]:
    event = {key: value for key, value in event.items() if key != "id"}
    event["id"] = event_id(event)
    return event


def test_replay_of_a_line_whose_id_does_not_match_exits_2_naming_the_line_and_writes_nothing() -> None:
    write_log("a", "b", "a")
    Path("t.jsonl").write_text(Path("t.jsonl").read_text().replace('"value":2', '"value":20'))
    code, out, err = log("replay", "t.jsonl", "-o", "state.json")
    assert code == 2 and out == ""
    assert err == "statemerge: t.jsonl:2: the id does not match the content: the line was changed.\n"
    assert not Path("state.json").exists()


def test_an_edit_with_a_recomputed_id_fails_verify_and_replay() -> None:
    write_log("a", "b", "a")
    changed = events()
    changed[0]["ops"][0]["value"] = 100
    rewrite([reid(changed[0]), *changed[1:]])
    code, out, _ = log("verify", "t.jsonl")
    assert code == 1
    assert "t.jsonl:3: 'prev' does not name the previous event of 'a' (line 1)" in out
    code, _, err = log("replay", "t.jsonl")
    assert (
        code == 2 and err.startswith("statemerge: t.jsonl:3: 'prev' does not name") and err.count("\n") == 1
    )


def test_a_recorded_head_catches_events_removed_from_the_end() -> None:
    write_log("a", "b", "a", "b")
    code, out, _ = log("head", "t.jsonl", "-o", "head.json")
    assert code == 0 and out == ""
    head = json.loads(Path("head.json").read_text())
    assert head == {"a": {"id": events()[2]["id"], "seq": 2}, "b": {"id": events()[3]["id"], "seq": 2}}
    assert log("verify", "t.jsonl", "--head", "head.json")[0] == 0

    rewrite(events()[:2])  # the last two events are gone
    assert log("verify", "t.jsonl")[0] == 0  # the log alone cannot tell
    code, out, _ = log("verify", "t.jsonl", "--head", "head.json")
    assert code == 1
    assert "t.jsonl:2: 'a' ends at seq 1, but the head records seq 2" in out
    code, out, _ = log("verify", "t.jsonl", "--head", Path("head.json").read_text())  # inline JSON
    assert code == 1 and "events were removed from the end" in out


def test_a_bad_head_is_bad_input() -> None:
    write_log("a")
    assert log("verify", "t.jsonl", "--head", '{"a": {"seq": "x"}}')[0] == 2
    assert log("verify", "t.jsonl", "--head", "missing.json")[0] == 2


def test_head_of_an_unsound_log_exits_1_and_prints_no_head() -> None:
    write_log("a", "a")
    Path("t.jsonl").write_text(Path("t.jsonl").read_text().replace('"value":2', '"value":3'))
    code, out, err = log("head", "t.jsonl")
    assert code == 1 and out == "" and "id does not match" in err


def test_signed_events_cannot_be_forged_without_the_key(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"a": "secret of a", "b": "secret of b"}))
    write_log("a", "b", keys=str(keys))
    code, _, err = log(
        "append", "t.jsonl", "--agent", "a", "inc", "/n", "3", STATEMERGE_LOG_KEY="secret of a"
    )
    assert code == 0, err
    assert all(event["sig"].startswith("hmac-sha256:") for event in events())
    assert log("verify", "t.jsonl", "--keys", str(keys))[0] == 0
    assert log("replay", "t.jsonl", "--keys", str(keys))[0] == 0

    changed = events()
    changed[2]["ops"][0]["value"] = 300  # the last event of a, re-hashed: only the key tells
    rewrite([*changed[:2], reid(changed[2])])
    assert log("verify", "t.jsonl")[0] == 0
    code, out, _ = log("verify", "t.jsonl", "--keys", str(keys))
    assert code == 1 and "t.jsonl:3: The signature does not match" in out
    code, _, err = log("replay", "t.jsonl", STATEMERGE_LOG_KEYS=str(keys))
    assert code == 2 and "t.jsonl:3: the signature does not match" in err


def test_append_with_a_keys_file_that_lacks_the_agent_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text('{"other": "k"}')
    code, _, err = log("append", "t.jsonl", "--agent", "a", "--keys", str(keys), "inc", "/n", "1")
    assert code == 2 and "has no key for agent 'a'" in err
    assert not Path("t.jsonl").exists() or Path("t.jsonl").read_bytes() == b""


def test_verify_with_require_signed_refuses_agents_without_keys(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text('{"a": "k"}')
    write_log("a", keys=str(keys))
    write_log("b")
    assert log("verify", "t.jsonl", "--keys", str(keys))[0] == 0
    code, out, _ = log("verify", "t.jsonl", "--keys", str(keys), "--require-signed")
    assert code == 1 and "No key for 'b'" in out


def test_an_old_log_without_chains_is_read_and_reported_as_unchained() -> None:
    from statemerge.clocks import Hlc
    from statemerge.eventlog.events import new_event

    ops = [{"op": "inc", "path": "/n", "value": 1}]
    old = [
        new_event("a", 1, {"a": 1}, Hlc(1_800_000_000_000_000), ops),
        new_event("a", 2, {"a": 2}, Hlc(1_800_000_000_000_001), ops),
    ]
    rewrite(old)
    code, out, _ = log("verify", "t.jsonl")
    assert code == 0
    assert out.splitlines()[-1] == (
        "t.jsonl: 2 events unchained (written before hash chains; --require-chain refuses them)."
    )
    code, out, _ = log("verify", "t.jsonl", "--require-chain")
    assert code == 1 and "t.jsonl:1: The event has no 'prev'" in out
    assert log("replay", "t.jsonl")[0] == 0
    write_log("a")  # chains on from the old events
    assert events()[2]["prev"] == old[1]["id"]
    assert log("verify", "t.jsonl")[0] == 0


def test_chains_go_on_past_a_truncating_compaction() -> None:
    write_log("a", "b", "a")
    before = events()
    assert log("compact", "t.jsonl", "--snapshot", "snap.json", "--truncate")[0] == 0
    (checkpoint,) = events()
    assert checkpoint["checkpoint"]["heads"] == {"a": before[2]["id"], "b": before[1]["id"]}
    write_log("a", "b")
    assert events()[1]["prev"] == checkpoint["checkpoint"]["heads"]["a"]
    assert log("verify", "t.jsonl")[0] == 0
    code, out, _ = log("replay", "t.jsonl", "--from", "snap.json")
    assert code == 0 and json.loads(out) == {"n": 9}
