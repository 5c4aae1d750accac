"""Hostile input through real processes: FIFOs and devices refused at once, a size cap, stdin
as `-`, lone surrogates kept escaped, numbers that cannot round-trip refused, deep documents
in every command, and a 20 MB string merged in linear time and memory."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures"
CLEAN = [FIXTURES / "merge" / "agents-clean" / f"{side}.json" for side in ("base", "ours", "theirs")]
LOG = FIXTURES / "eventlog" / "base.jsonl"


def run(*args: str | Path, env: dict[str, str] | None = None, stdin: bytes = b"",
        timeout: float = 30) -> subprocess.CompletedProcess[bytes]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("STATEMERGE")}
    return subprocess.run([sys.executable, "-m", "statemerge", *map(str, args)], input=stdin,
                          capture_output=True, env={**environ, "NO_COLOR": "1", **(env or {})},
                          timeout=timeout, check=False)


def error_line(done: subprocess.CompletedProcess[bytes]) -> str:
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "state.json"
    os.mkfifo(path)
    return path


def commands_reading(path: Path, tmp_path: Path) -> list[list[str | Path]]:
    base, ours, theirs = CLEAN
    return [
        ["merge", base, path, theirs],
        ["merge", path, ours, theirs],
        ["merge", base, ours, theirs, "--rules", path],
        ["diff", path, ours],
        ["crdt", "value", path],
        ["crdt", "merge", ours, path],
        ["log", "replay", path],
        ["log", "verify", path],
        ["log", "merge", LOG, path],
        ["log", "history", path, "/tasks"],
        ["log", "replay", LOG, "--from", path],
        ["get", path],
        ["stats", path],
        ["check", ours, "--schema", path],
    ]


def test_a_fifo_is_refused_at_once_by_every_command(fifo: Path, tmp_path: Path) -> None:
    for command in commands_reading(fifo, tmp_path):
        done = run(*command, timeout=20)  # reading a FIFO nobody writes would block forever

        line = error_line(done)
        assert "is a FIFO (named pipe); statemerge reads regular files only." in line, command


def test_dev_zero_is_refused_by_every_command(tmp_path: Path) -> None:
    for command in commands_reading(Path("/dev/zero"), tmp_path):
        done = run(*command, timeout=20)

        assert error_line(done) == ("statemerge: /dev/zero: is a device; statemerge reads "
                                    "regular files only."), command


def test_check_reports_a_fifo_as_unreadable(fifo: Path) -> None:
    done = run("check", fifo, timeout=20)

    assert done.returncode == 2
    assert b"is a FIFO" in done.stdout


def test_the_input_size_cap_can_be_raised(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"blob": "x" * 2000}))

    refused = run("crdt", "value", big, env={"STATEMERGE_MAX_INPUT": "1K"})
    accepted = run("crdt", "value", big, env={"STATEMERGE_MAX_INPUT": "1M"})

    assert error_line(refused) == (
        f"statemerge: {big}: 2012 bytes is over the input limit of 1024 bytes (raise it with "
        "$STATEMERGE_MAX_INPUT, e.g. STATEMERGE_MAX_INPUT=2G).")
    assert accepted.returncode == 0


def test_a_bad_size_cap_is_a_usage_error() -> None:
    done = run("merge", *CLEAN, env={"STATEMERGE_MAX_INPUT": "lots"})

    assert error_line(done) == ("statemerge: $STATEMERGE_MAX_INPUT must be a size such as 500M "
                                "or 2G, not 'LOTS'.")


def test_stdin_is_read_for_a_dash() -> None:
    base, ours, theirs = CLEAN

    merged = run("merge", base, "-", theirs, stdin=ours.read_bytes())
    value = run("crdt", "value", "-", stdin=b'{"$crdt": "g-counter", "inc": {"a": 2}}')
    diff = run("diff", "-", ours, stdin=ours.read_bytes())
    check = run("check", "-", stdin=b'{"a": 1, "a": 2}')

    assert merged.stdout == (FIXTURES / "merge" / "agents-clean" / "expected.json").read_bytes()
    assert value.stdout == b"2\n"
    assert diff.returncode == 0
    assert check.returncode == 1 and b"duplicate key" in check.stdout


def test_stdin_over_the_cap_is_refused() -> None:
    done = run("crdt", "value", "-", stdin=b"[" + b"1," * 1000 + b"1]",
               env={"STATEMERGE_MAX_INPUT": "100"})

    assert "- (stdin): " in error_line(done)


# -- JSON that does not survive a naive round-trip ------------------------------------------------


def sides(tmp_path: Path, base: str, ours: str, theirs: str) -> list[Path]:
    paths = []
    for name, text in (("base", base), ("ours", ours), ("theirs", theirs)):
        path = tmp_path / f"{name}.json"
        path.write_text(text)
        paths.append(path)
    return paths


def test_a_lone_surrogate_stays_escaped_when_untouched(tmp_path: Path) -> None:
    done = run("merge", *sides(tmp_path, '{"a": 1}', '{"a": 1, "s": "\\uD800"}', '{"a": 2}'))

    assert done.returncode == 0
    assert done.stdout == b'{"a": 2, "s": "\\uD800"}'


def test_a_lone_surrogate_taken_from_theirs_is_written_escaped(tmp_path: Path) -> None:
    done = run("merge", *sides(tmp_path, '{"a": 1}\n', '{"a": 2}\n',
                               '{"a": 1, "\\udfff": ["\\ud800x"]}\n'))

    assert done.returncode == 0
    assert json.loads(done.stdout) == {"a": 2, "\udfff": ["\ud800x"]}
    assert b"\\udfff" in done.stdout and b"\\ud800x" in done.stdout


def test_a_lone_surrogate_in_a_conflict_is_reported_and_marked(tmp_path: Path) -> None:
    paths = sides(tmp_path, '{"a": 1}\n', '{"a": "\\ud800"}\n', '{"a": "\\udc00"}\n')

    done = run("merge", *paths, "--report-json", tmp_path / "r.json")

    assert done.returncode == 1
    assert b'"a": "\\ud800"' in done.stdout and b'"a": "\\udc00"' in done.stdout
    assert json.loads((tmp_path / "r.json").read_text())["conflicts"][0]["ours"] == "\ud800"


@pytest.mark.parametrize("number, reason", [
    ("1e400", "is too large for a 64-bit float (it would become Infinity)"),
    ("-2.5E+999", "is too large for a 64-bit float (it would become Infinity)"),
    ("1e-400", "is too small for a 64-bit float (it would become 0)"),
])
def test_a_number_that_cannot_round_trip_is_refused(tmp_path: Path, number: str,
                                                    reason: str) -> None:
    paths = sides(tmp_path, '{"a": 1}', '{"a": 2}', '{"a": 1,\n "n": ' + number + "}")

    done = run("merge", *paths, "-o", tmp_path / "out.json")

    assert error_line(done) == (f"statemerge: {paths[2]}:2:7: the number {number} {reason}; "
                                "refused rather than changed.")
    assert not (tmp_path / "out.json").exists()


def test_numbers_that_fit_keep_their_spelling(tmp_path: Path) -> None:
    ours = '{"a": 1, "big": 1e308, "tiny": 4.9e-324, "zero": 0.0e-999, "exp": 2.5E+3}'
    done = run("merge", *sides(tmp_path, '{"a": 1}', ours, '{"a": 2}'))

    assert done.stdout.decode() == ours.replace('"a": 1', '"a": 2')


# -- deep documents -------------------------------------------------------------------------------


@pytest.mark.parametrize("deep", [
    "[" * 999 + "]" * 999,
    '{"a": ' * 999 + "1" + "}" * 999,
])
def test_documents_nested_a_thousand_deep_work_in_every_command(tmp_path: Path, deep: str) -> None:
    one = tmp_path / "one.json"
    one.write_text(deep)
    other = tmp_path / "other.json"
    other.write_text(deep.replace("1", "2") if "1" in deep else "[]")

    assert run("merge", one, one, other).returncode == 0
    assert run("check", one).returncode == 0
    assert run("diff", one, one).returncode == 0
    assert run("diff", one, other).returncode == 1
    assert run("crdt", "merge", one, one).returncode == 0
    assert run("crdt", "value", one).returncode == 0


def test_a_20_mb_string_merges_in_linear_time_and_memory(tmp_path: Path) -> None:
    blob = "ab\\n" * 5_000_000  # one 20 MB JSON string with escapes, on one line
    base, ours, theirs = sides(tmp_path, '{"a": 1}', '{"a": 1, "s": "' + blob + '"}', '{"a": 2}')
    started = time.perf_counter()

    done = run("merge", base, ours, theirs, "-o", tmp_path / "out.json", timeout=120)

    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # Linux: KiB
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out.json").read_bytes() == ours.read_bytes().replace(b'"a": 1', b'"a": 2')
    assert seconds < 30  # ~2.5 s measured; 8 s before (and 2 GB)
    assert peak < 15 * ours.stat().st_size  # ~200 MB measured for the 20 MB input
