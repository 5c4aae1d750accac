"""Appends from several real processes at once: every line whole, every seq used once, in order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from statemerge.eventlog import replay, verify_log
from statemerge.eventlog.events import split_lines

APPENDER = """
import sys, time
from statemerge.logfile import append_event
path, agent, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for _ in range(count):
    append_event(path, agent, [{"op": "inc", "path": "/n", "value": 1}], time.time_ns() // 1000)
"""


def run_appenders(log: Path, agents: list[str], count: int) -> None:
    processes = [
        subprocess.Popen([sys.executable, "-c", APPENDER, str(log), agent, str(count)])
        for agent in agents
    ]
    assert [process.wait(timeout=120) for process in processes] == [0] * len(agents)


def test_four_processes_appending_200_events_each_leave_800_valid_lines(tmp_path: Path) -> None:
    log = tmp_path / "shared.jsonl"
    agents = ["a0", "a1", "a2", "a3"]
    run_appenders(log, agents, 200)
    data = log.read_bytes()
    events = [json.loads(raw) for _, raw in split_lines(data)]
    assert len(events) == 800 and data.count(b"\n") == 800
    for agent in agents:
        assert [e["seq"] for e in events if e["agent"] == agent] == list(range(1, 201))
    assert verify_log(data, source=str(log)) == []
    assert replay(split_lines(data), source=str(log)).state == {"n": 800}


def test_processes_sharing_one_agent_id_still_get_gapless_seqs(tmp_path: Path) -> None:
    log = tmp_path / "shared.jsonl"
    run_appenders(log, ["same", "same"], 50)
    events = [json.loads(raw) for _, raw in split_lines(log.read_bytes())]
    assert [event["seq"] for event in events] == list(range(1, 101))
    assert verify_log(log.read_bytes(), source=str(log)) == []
