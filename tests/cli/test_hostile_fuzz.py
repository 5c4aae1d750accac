"""Fuzz: 10,000+ hostile inputs over every command that reads files.

Inputs are byte mutations of the bundled fixtures (flipped bytes, cuts, repeats, invalid UTF-8, NUL,
a BOM, CRLF) and structural hostile values spliced in (lone surrogates, 1e400, 1e-400, deep
nesting, duplicate keys, NaN, huge strings, conflict markers, malformed CRDT nodes and events).
For every case: exit 0, 1 or 2 only; on 2 exactly one stderr line and nothing written (no output
file, no temp file, an edited file unchanged); never a traceback; bounded time. Most cases run
in-process (the fast path for `merge` and the driver, CliRunner for the Typer commands); a sample
runs as real processes.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from statemerge.cli.app import app
from statemerge.cli.main import plain_call

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures"
SMALL = 20_000  # bytes: fixtures larger than this are not mutated (time)
CASE_SECONDS = 10.0  # no single case may take longer

HOSTILE_JSON = [
    '"\\ud800"', '"a\\udfff\\ud800b"', '{"\\ud800": 1}', "1e400", "-1e400", "1e-400",
    "0." + "0" * 400 + "1", "1" * 400 + ".5", "1" * 5000, "[" * 1100 + "]" * 1100,
    '{"a": ' * 990 + "1" + "}" * 990, '{"a": 1, "a": 2}', "NaN", "Infinity", "-Infinity",
    '"\\u0000"', '"' + "x" * 50_000 + '"', '{"$crdt": "g-counter", "counts": {"a": -1}}',
    '{"$crdt": "nope"}', '{"$crdt": "or-set"}', '{"$crdt": "or-set", "elements": 5}',
    '{"$conflict": {"ours": 1}}', '"<<<<<<< ours"', "\n<<<<<<< ours\n=======\n>>>>>>> theirs\n",
    "null", "[]", "{}", '""', "true", "-0", "0e0", "1E+2", '"\\"', "\\", "\xff", "\x00",
    '{"id": 1}', '[{"id": 1}, {"id": 1}]', '{"seq": -1}', '{"ops": "x"}', '{"clock": []}',
]
HOSTILE_YAML = [
    "a: [1, 2", "- - - -", "? a", "a: !!python/object:os.system x", "a: !Ref x", "a: b: c",
    "a: 1\na: 2", "---\na: 1\n---\nb: 2", "a: &x 1\nb: *x", "a: *missing", "\t a: 1", "'",
    '"\\ud800"', "a: 1e400", "a: .inf", "a: .nan", "[" * 300 + "]" * 300, "\x00", "\xff",
    "<<<<<<< ours", "a: 0x1F", "a: 2026-11-28", "a: ~", "a: |\n  x\n b", "{a: 1, a: 2}",
]
HOSTILE_LOG = HOSTILE_JSON
SCALAR = re.compile(rb'[ \t]*(?:"(?:[^"\\\n]|\\.)*"|[-+0-9.eE]+|true|false|null|[^\s,{}\[\]]+)')
BYTES = b'\x00\xff\xfe{}[]",:\\ \n\r\t0123456789eE-+.aZ\x7f\xc3\xa9'


@dataclass
class Outcome:
    """One run: exit code, stdout and stderr."""

    code: int
    out: bytes
    err: str
    seconds: float


def mutate(data: bytes, rng: random.Random, hostile: list[str]) -> bytes:
    """One to three random mutations of `data` (half the time one hostile value in place of
    another, which often leaves a valid document: those must merge, not only be refused)."""
    bad_bytes = [b"\xff", b"\xc3", b"\x00", b"\xed\xa0\x80"]
    gentle = rng.random() < 0.5
    for _ in range(1 if gentle else rng.randint(1, 3)):
        kind = 8 if gentle else rng.randrange(9)
        at = rng.randrange(len(data) + 1)
        if kind == 0 and data:  # flip a byte
            data = data[:at] + bytes([rng.choice(BYTES)]) + data[at + 1:]
        elif kind == 1:  # splice in a hostile value, replacing a short run
            data = data[:at] + rng.choice(hostile).encode("utf-8", "surrogatepass") + data[
                at + rng.randrange(8):]
        elif kind == 2:  # cut the end
            data = data[:at]
        elif kind == 3 and data:  # repeat a slice
            end = min(len(data), at + rng.randrange(1, 64))
            data = data[:end] + data[at:end] + data[end:]
        elif kind == 4:  # invalid UTF-8 or NUL
            data = data[:at] + rng.choice(bad_bytes) + data[at:]
        elif kind == 5:  # a BOM, or CRLF line ends
            data = b"\xef\xbb\xbf" + data if rng.random() < 0.5 else data.replace(b"\n", b"\r\n")
        elif kind == 6:  # a whole hostile document
            data = rng.choice(hostile).encode("utf-8", "surrogatepass")
        elif kind == 7 and data:  # delete a slice
            data = data[:at] + data[at + rng.randrange(1, 32):]
        else:  # the scalar after a colon replaced by a hostile value
            colon = data.find(b":", at)
            if colon >= 0:
                scalar = SCALAR.match(data, colon + 1)
                end = scalar.end() if scalar else colon + 1
                data = data[:colon + 1] + b" " + rng.choice(hostile).encode(
                    "utf-8", "surrogatepass") + data[end:]
    return data


@contextlib.contextmanager
def captured(stdin: bytes = b"") -> Iterator[tuple[io.BytesIO, io.BytesIO]]:
    """Swap the process's stdio for buffers (the fast paths write to sys.stdout.buffer)."""
    out, err = io.BytesIO(), io.BytesIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    sys.stdout = io.TextIOWrapper(out, write_through=True)
    sys.stderr = io.TextIOWrapper(err, write_through=True)
    try:
        yield out, err
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdin, sys.stdout, sys.stderr = saved


@contextlib.contextmanager
def no_time_limit() -> Iterator[None]:
    """In-process driver runs skip the forked child (the real processes below use it)."""
    saved = os.environ.get("STATEMERGE_DRIVER_TIMEOUT")
    os.environ["STATEMERGE_DRIVER_TIMEOUT"] = "0"
    try:
        yield
    finally:
        if saved is None:
            del os.environ["STATEMERGE_DRIVER_TIMEOUT"]
        else:
            os.environ["STATEMERGE_DRIVER_TIMEOUT"] = saved


def run_in_process(args: list[str]) -> Outcome:
    """The CLI in this process as main() runs it: the driver and plain calls without Typer
    (cli/dispatch.py), anything else through Typer."""
    import gc

    started = time.perf_counter()
    try:
        with captured() as (out, err), no_time_limit():
            code = plain_call(args)
            sys.stdout.flush()
            sys.stderr.flush()
            written, said = out.getvalue(), err.getvalue().decode("utf-8", "replace")
    finally:
        gc.enable()  # a merge turns the collector off for its short process
    if code is not None:
        return Outcome(code, written, said, time.perf_counter() - started)
    result = CliRunner().invoke(app, args, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: {result.exception!r}") from result.exception
    return Outcome(result.exit_code, result.stdout_bytes, result.stderr,
                   time.perf_counter() - started)


def run_process(args: list[str]) -> Outcome:
    """The CLI as a real process."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "statemerge", *args], capture_output=True,
                          timeout=60, check=False)
    return Outcome(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"),
                   time.perf_counter() - started)


@dataclass
class Case:
    """A command line over files written for it, and what it may write."""

    args: list[str]
    outputs: list[Path]  # files that must not exist after exit 2
    edited: dict[Path, bytes]  # files edited in place: unchanged after exit 2
    lenient_stderr: bool = False  # `check` reports unreadable files in its table, exit 2


def small_files(pattern: str) -> list[bytes]:
    return [path.read_bytes() for path in sorted(FIXTURES.glob(pattern))
            if path.is_file() and path.stat().st_size <= SMALL]


class Generator:
    """Writes the files of each case into a folder and builds the command line."""

    def __init__(self, folder: Path, seed: int) -> None:
        self.folder = folder
        self.rng = random.Random(seed)
        self.count = 0
        merge_dirs = [d for d in sorted((FIXTURES / "merge").iterdir())
                      if (d / "ours.json").is_file() and (d / "ours.json").stat().st_size < SMALL]
        self.json_scenarios = [[(d / f"{side}.json").read_bytes()
                                for side in ("base", "ours", "theirs")] for d in merge_dirs]
        yaml_dirs = [d for d in sorted((FIXTURES / "merge").iterdir())
                     if any(d.glob("ours.y*ml"))]
        self.yaml_scenarios = [[next(d.glob(f"{side}.y*ml")).read_bytes()
                                for side in ("base", "ours", "theirs")] for d in yaml_dirs]
        self.rules = (FIXTURES / "merge" / "rules-counters" / ".statemerge.yaml").read_bytes()
        self.crdt = small_files("crdt/**/*.json")
        self.logs = small_files("eventlog/*.jsonl")

    def write(self, name: str, data: bytes) -> Path:
        self.count += 1
        path = self.folder / f"{self.count}-{name}"
        path.write_bytes(data)
        return path

    def output(self, name: str) -> Path:
        self.count += 1
        return self.folder / f"{self.count}-{name}"

    def sides(self, yaml: bool) -> list[Path]:
        scenario = self.rng.choice(self.yaml_scenarios if yaml else self.json_scenarios)
        hostile = HOSTILE_YAML if yaml else HOSTILE_JSON
        suffix = ".yaml" if yaml else ".json"
        chosen = self.rng.sample(range(3), self.rng.randint(1, 2))
        return [self.write(side + suffix, mutate(data, self.rng, hostile) if i in chosen else data)
                for i, (side, data) in enumerate(zip(("base", "ours", "theirs"), scenario,
                                                     strict=True))]

    def document(self, yaml: bool = False) -> Path:
        if yaml:
            data = self.rng.choice(self.yaml_scenarios)[self.rng.randrange(3)]
            return self.write("doc.yaml", mutate(data, self.rng, HOSTILE_YAML))
        pool = self.rng.choice([self.crdt, [s[1] for s in self.json_scenarios]])
        return self.write("doc.json", mutate(self.rng.choice(pool), self.rng, HOSTILE_JSON))

    def log(self) -> Path:
        return self.write("log.jsonl", mutate(self.rng.choice(self.logs), self.rng, HOSTILE_LOG))

    def case(self) -> Case:
        pick = self.rng.randrange(100)
        if pick < 36:  # merge, JSON
            out, report = self.output("out.json"), self.output("report.json")
            style = self.rng.choice(["markers", "object", "ours", "theirs"])
            args = ["merge", *map(str, self.sides(False)), "-o", str(out), "--conflict", style]
            if self.rng.random() < 0.3:
                args += ["--report-json", str(report), "--diff3"]
            if self.rng.random() < 0.7:  # the rich report costs more than the merge
                args.append("-q")
            return Case(args, [out, report], {})
        if pick < 38:  # merge, YAML
            out = self.output("out.yaml")
            return Case(["merge", *map(str, self.sides(True)), "-o", str(out)], [out], {})
        if pick < 43:  # merge with a hostile rules file
            rules = self.write("rules.yaml", mutate(self.rules, self.rng, HOSTILE_YAML))
            out = self.output("out.json")
            return Case(["merge", *map(str, self.sides(False)), "--rules", str(rules), "-o",
                         str(out), "-q"], [out], {})
        if pick < 45:  # the git driver (git's temp files: ours is written over)
            base, ours, theirs = self.sides(self.rng.random() < 0.2)
            return Case(["git", "merge-driver", str(base), str(ours), str(theirs), "7",
                         "state.json"], [], {})
        if pick < 56:  # check
            target = self.document(self.rng.random() < 0.1) if pick < 53 else self.log()
            shown = ["--format", "json"] if self.rng.random() < 0.7 else []
            return Case(["check", str(target), *shown], [], {}, lenient_stderr=True)
        if pick < 66:  # diff
            json_or_yaml = self.rng.random() < 0.1
            args = ["diff", str(self.document(json_or_yaml)), str(self.document())]
            return Case(args + (["--json"] if self.rng.random() < 0.5 else []), [], {})
        if pick < 74:  # crdt value, merge
            if self.rng.random() < 0.5:
                return Case(["crdt", "value", str(self.document())], [], {})
            out = self.output("joined.json")
            return Case(["crdt", "merge", str(self.document()), str(self.document()), "-o",
                         str(out)], [out], {})
        if pick < 77:  # crdt apply edits its file in place
            target = self.document()
            op = self.rng.choice([["inc", "2"], ["add", '"x"'], ["remove", '"x"'], ["set", "1"]])
            return Case(["crdt", "apply", str(target), "--replica", "r1", *op], [],
                        {target: target.read_bytes()})
        if pick < 91:  # event logs
            log = self.log()
            command = self.rng.choice(["replay", "verify", "history", "merge", "compact"])
            if command == "replay":
                out = self.output("state.json")
                start = ["--from", str(self.document())] if self.rng.random() < 0.2 else []
                return Case(["log", "replay", str(log), "-o", str(out), *start], [out], {})
            if command == "compact":
                snapshot = self.output("snapshot.json")
                truncate = ["--truncate"] if self.rng.random() < 0.5 else []
                return Case(["log", "compact", str(log), "--snapshot", str(snapshot), *truncate],
                            [snapshot], {log: log.read_bytes()})
            if command == "history":
                return Case(["log", "history", str(log), "/tasks/0"], [], {})
            if command == "merge":
                out = self.output("merged.jsonl")
                return Case(["log", "merge", str(log), str(self.log()), "-o", str(out)], [out], {})
            return Case(["log", "verify", str(log)], [], {})
        if pick < 96:  # shared state: get, set, update
            target = self.document()
            command = self.rng.choice([["get", str(target)], ["set", str(target), "/n", "1"],
                                       ["update", str(target), "inc", "/n", "1"]])
            edited = {} if command[0] == "get" else {target: target.read_bytes()}
            return Case([*command, "--timeout", "5"], [], edited)
        if pick < 98:  # a schema
            schema = self.document()
            return Case(["check", "--schema", str(schema), str(self.document())], [], {},
                        lenient_stderr=True)
        metrics = self.write("metrics.jsonl", mutate(
            b'{"kind":"update","agent":"a","attempts":1,"outcome":"ok"}\n', self.rng,
            HOSTILE_JSON))
        return Case(["stats", str(metrics)], [], {})


def check_outcome(case: Case, outcome: Outcome) -> None:
    where = f"{case.args}: exit {outcome.code}, stderr {outcome.err[-500:]!r}"
    assert outcome.code in (0, 1, 2), where
    assert "Traceback" not in outcome.err and "internal error" not in outcome.err, where
    assert outcome.seconds < CASE_SECONDS, where
    if outcome.code == 2:
        lines = outcome.err.strip().splitlines()
        assert len(lines) <= 1 if case.lenient_stderr else len(lines) == 1, where
        assert all(line.startswith("statemerge: ") for line in lines), where
        for path in case.outputs:
            assert not path.exists(), where
        for path, before in case.edited.items():
            assert path.read_bytes() == before, where
    leftovers = [p.name for p in case.outputs[0].parent.glob(".*.tmp")] if case.outputs else []
    assert not leftovers, where


def cleanup(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_file():
            path.unlink()


@pytest.fixture
def quiet_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No settings from the environment, and Typer's command built once (CliRunner builds it
    anew from the annotations on every call, which would cost more than the cases)."""
    import typer.main
    import typer.testing

    command = typer.main.get_command(app)
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: command)
    for name in ("STATEMERGE", "STATEMERGE_DEBUG", "STATEMERGE_MAX_INPUT", "STATEMERGE_AGENT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder for the cases, in memory when /dev/shm is there (thousands of small files)."""
    import tempfile

    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="statemerge-fuzz-", dir=shm or tmp_path) as folder:
        monkeypatch.chdir(folder)
        yield Path(folder)


def fuzz(folder: Path, seed: int, cases: int, run: Callable[[list[str]], Outcome]) -> dict[str, int]:
    generator = Generator(folder, seed)
    codes: dict[str, int] = {}
    for _ in range(cases):
        case = generator.case()
        inputs = {arg: Path(arg).read_bytes()[:2000] for arg in case.args
                  if os.path.isfile(arg) and Path(arg) not in case.outputs}
        outcome = run(case.args)
        try:
            check_outcome(case, outcome)
        except AssertionError as failure:
            raise AssertionError(f"{failure}\ninputs: {inputs!r}") from None
        key = f"{case.args[0]}:{outcome.code}"
        codes[key] = codes.get(key, 0) + 1
        if generator.count > 200:
            cleanup(folder)
            generator.count = 0
    return codes


def test_ten_thousand_hostile_inputs_in_process(work: Path, quiet_env: None) -> None:
    started = time.perf_counter()

    codes = fuzz(work, seed=13, cases=10_000, run=run_in_process)

    assert sum(codes.values()) == 10_000
    assert codes.get("merge:2", 0) > 500 and codes.get("merge:0", 0) + codes.get("merge:1", 0) > 500
    assert time.perf_counter() - started < 300


def test_a_sample_of_hostile_inputs_as_real_processes(work: Path, quiet_env: None) -> None:
    codes = fuzz(work, seed=1313, cases=20, run=run_process)

    assert sum(codes.values()) == 20
