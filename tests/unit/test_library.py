"""The library API as the README shows it: statemerge.merge / resolve on plain data."""

from __future__ import annotations

import subprocess
import sys

import statemerge


def test_merge_returns_value_and_conflicts() -> None:
    result = statemerge.merge({"n": 1, "tags": ["a"]}, {"n": 2, "tags": ["a"]},
                              {"n": 3, "tags": ["a", "b"]})
    assert not result.clean
    assert [(c.path, c.kind, c.base, c.ours, c.theirs) for c in result.conflicts] == [
        ("/n", "modify/modify", 1, 2, 3)]
    assert statemerge.resolve(result, "ours") == {"n": 2, "tags": ["a", "b"]}
    assert statemerge.resolve(result, "theirs") == {"n": 3, "tags": ["a", "b"]}


def test_merge_takes_rules_as_plain_data() -> None:
    rules = {"rules": [{"path": "/n", "strategy": "sum"}]}
    result = statemerge.merge({"n": 1}, {"n": 2}, {"n": 3}, rules=rules)
    assert result.clean and result.value == {"n": 4}
    assert [(r.path, r.strategy, r.rule) for r in result.resolved] == [("/n", "sum", "/n")]


def test_absent_base_is_an_add_add_merge() -> None:
    result = statemerge.merge(statemerge.ABSENT, {"a": 1}, {"b": 2})
    assert result.clean and result.value == {"a": 1, "b": 2}


# --- nesting: the library holds the 1,000 levels the CLI promises ----------------------------
# Run in a fresh interpreter: conftest raises this process's recursion limit for hypothesis.

DEEP_MERGE = """
import sys
import statemerge

def nested(levels, leaf, container):
    value = leaf
    for _ in range(levels):
        value = {"k": value} if container == "dict" else [value]
    return value

limit = sys.getrecursionlimit()
assert limit <= 1000, limit
checks = []
for container in ("dict", "list"):
    base, ours, theirs = (nested(1000, leaf, container) for leaf in (1, 2, 1))
    result = statemerge.merge(base, ours, theirs)
    checks.append((result.clean, result.value, ours))
    base, ours, theirs = (nested(1000, {"n": leaf}, container) for leaf in (1, 2, 3))
    result = statemerge.merge(base, ours, theirs)
    checks.append((len(result.conflicts) == 1, statemerge.resolve(result, "theirs"), theirs))
assert sys.getrecursionlimit() == limit  # put back after each call
sys.setrecursionlimit(10_000)  # for the test's own == on deep values
for fine, got, wanted in checks:
    assert fine and got == wanted
print("ok")
"""


def test_merge_and_resolve_of_documents_nested_1000_deep_do_not_raise_recursion_error() -> None:
    done = subprocess.run([sys.executable, "-c", DEEP_MERGE], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == "ok\n"
