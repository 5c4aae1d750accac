"""The examples in examples/ run, and do what they say."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("langgraph")

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def test_two_parallel_langgraph_nodes_both_land_in_the_shared_state(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "langgraph_parallel.py"), str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    shared = json.loads((tmp_path / "shared.json").read_text())
    assert shared["tasks"]["outline"]["owner"] == "planner"
    assert shared["notes"]["sources"] == ["CRDTs survey", "CRDTs benchmarks"]
    assert shared["visits"] == 1
    assert list((tmp_path / "checkpoints").glob("*.json"))  # the graph's checkpoints, on disk
