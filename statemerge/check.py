"""`statemerge check`: find the state files to check, and check each one.

A file passes when it is UTF-8, holds no conflict markers, parses (without duplicate keys), matches
the schema if one is given (each violation at its JSON Pointer and line), and its CRDT nodes are
well formed. A `*.jsonl` file whose records look like events is verified as an event log; other
JSON Lines need each line to be JSON.
Problems are plain data; the CLI renders them (report/check.py) and turns them into an exit code:
0 all good, 1 problems found, 2 bad usage or a file that cannot be read.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from statemerge.documents.utf8 import not_utf8
from statemerge.errors import DuplicateKeyError, InputError, NodeError, ParseError, UsageError
from statemerge.git.driver import conflict_marker_lines
from statemerge.git.runner import failure_detail, run_git
from statemerge.records import Record

DEFAULT_INCLUDE = ("*.json", "*.yaml", "*.yml", "*.jsonl")
SKIPPED_FOLDERS = (".git", ".hg", ".svn")


class Problem(Record):
    """One thing wrong with one file; `line`/`column` are 1-based, `pointer` a JSON Pointer."""

    kind: str  # unreadable, encoding, markers, parse, duplicate-key, schema, crdt, event-log
    message: str
    line: int | None = None
    column: int | None = None
    pointer: str | None = None


class FileCheck(Record):
    """The verdict on one file."""

    path: str
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def unreadable(self) -> bool:
        return any(problem.kind == "unreadable" for problem in self.problems)


class Target(Record):
    """A file to check: where it is shown, and its bytes (None when it cannot be read)."""

    path: str
    data: bytes | None = None
    error: str | None = None

    @classmethod
    def from_file(cls, path: str) -> Target:
        """Read a file from disk now (a read error becomes the target's problem)."""
        from statemerge.documents import read_bytes

        try:
            return cls(path, read_bytes(path))
        except InputError as error:
            return cls(path, error=error.message)


class SchemaValidator(Protocol):
    """What check needs of a jsonschema validator."""

    def iter_errors(self, instance: Any) -> Iterable[Any]: ...


def exit_code(checks: Iterable[FileCheck]) -> int:
    """2 when a file could not be read, 1 when any file has problems, else 0."""
    verdicts = list(checks)
    if any(check.unreadable for check in verdicts):
        return 2
    return 1 if any(not check.ok for check in verdicts) else 0


def find_files(
    paths: Iterable[str], *, include: Iterable[str] = (), exclude: Iterable[str] = ()
) -> list[str]:
    """The files to check: named files as they are, folders walked for files matching `include`
    (default: state files), anything matching `exclude` left out (by name or by path)."""
    include = tuple(include) or DEFAULT_INCLUDE
    exclude = tuple(exclude)
    found: list[str] = []
    for path in paths:
        if not os.path.isdir(path):
            if not _matches(path, exclude, path):
                found.append(path)
            continue
        for folder, folders, files in os.walk(path):
            folders[:] = sorted(
                name
                for name in folders
                if name not in SKIPPED_FOLDERS
                and not _matches(os.path.join(folder, name), exclude, path)
            )
            for name in sorted(files):
                file = os.path.normpath(os.path.join(folder, name))
                if _matches(file, include, path) and not _matches(file, exclude, path):
                    found.append(file)
    return list(dict.fromkeys(found))


def _matches(path: str, patterns: tuple[str, ...], root: str = ".") -> bool:
    """Whether a glob matches the file's name, its path, or its path below the folder searched."""
    names = {
        os.path.basename(path),
        os.path.normpath(path),
        os.path.relpath(path, root),
    }
    return any(fnmatch.fnmatchcase(name, pattern) for name in names for pattern in patterns)


def staged_targets(
    *, include: Iterable[str] = (), exclude: Iterable[str] = (), cwd: str | None = None
) -> list[Target]:
    """The staged (index) content of the state files added, copied, modified or renamed."""
    names = _git(["diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR"], cwd)
    include, exclude = tuple(include) or DEFAULT_INCLUDE, tuple(exclude)
    paths = [
        path
        for path in names.decode("utf-8", "surrogateescape").split("\0")
        if path and _matches(path, include) and not _matches(path, exclude)
    ]
    if not paths:
        return []
    blobs = _git(["cat-file", "--batch"], cwd, "".join(f":{path}\n" for path in paths).encode())
    targets: list[Target] = []
    position = 0
    for path in paths:
        header_end = blobs.index(b"\n", position)
        header = blobs[position:header_end].split()
        if len(header) != 3:  # "<name> missing": cannot happen for a path git just listed
            targets.append(Target(path, error=f"{path}: not found in the index."))
            position = header_end + 1
            continue
        size = int(header[2])
        start = header_end + 1
        targets.append(Target(path, blobs[start : start + size]))
        position = start + size + 1
    return targets


def _git(args: list[str], cwd: str | None, stdin: bytes | None = None) -> bytes:
    done = run_git(args, cwd=cwd, stdin=stdin)
    if done.returncode != 0:
        raise UsageError(f"--staged needs a git repository: {failure_detail(done)}")
    return done.stdout


def check_targets(
    targets: Iterable[Target], *, schema: SchemaValidator | None = None
) -> Iterator[FileCheck]:
    """Check each target in turn (a generator, so that the caller can show progress)."""
    for target in targets:
        if target.data is None:
            yield FileCheck(target.path, [Problem("unreadable", target.error or "cannot be read.")])
        else:
            yield FileCheck(target.path, check_bytes(target.path, target.data, schema=schema))


def check_bytes(path: str, data: bytes, *, schema: SchemaValidator | None = None) -> list[Problem]:
    """Everything wrong with one file's content (an empty list when it is fine)."""
    bad = not_utf8(data)
    if bad is not None:
        return [Problem("encoding", f"not UTF-8: byte {bad.byte:#04x}.", bad.line)]
    markers = marker_problems(data)
    if markers:
        return markers
    if path.endswith(".jsonl"):
        return json_lines_problems(path, data)
    from statemerge.documents.formats import detect_format, parse_detected

    fmt = detect_format(path)
    try:
        document = parse_detected(data, path)
    except ParseError as error:
        kind = "duplicate-key" if isinstance(error, DuplicateKeyError) else "parse"
        return [Problem(kind, error.reason, error.line, error.column)]
    except InputError as error:
        return [Problem("parse", error.message)]
    problems = schema_problems(document, schema, data, fmt) if schema is not None else []
    if b"$crdt" in data:
        problems += crdt_problems(path, document)
    return problems


def marker_problems(data: bytes) -> list[Problem]:
    """One problem per conflict left in the file (or per stray marker when there is no start)."""
    lines = conflict_marker_lines(data)
    if not lines:
        return []
    text = data.splitlines()
    starts = [n for n in lines if text[n - 1].startswith(b"<")] or lines[:1]
    marker = "<" * 7 if text[starts[0] - 1].startswith(b"<") else text[starts[0] - 1][:7].decode()
    return [Problem("markers", f"conflict marker {marker} left by a merge.", n) for n in starts]


def schema_problems(
    document: Any, schema: SchemaValidator, data: bytes = b"", fmt: str = "json"
) -> list[Problem]:
    """The document's schema violations, each at its JSON Pointer and (from `data`) its line."""
    from statemerge.documents.lines import pointer_lines
    from statemerge.pointer import format_pointer

    if fmt == "yaml" and isinstance(document, list) and _several_documents(data):
        # a file of several documents (a manifest folder's file): each document is checked
        errors = [error for index, part in enumerate(document)
                  for error in _prefixed(schema.iter_errors(part), index)]
    else:
        errors = list(schema.iter_errors(document))
    paths = [list(error.absolute_path) for error in errors]
    lines = pointer_lines(data, fmt, paths) if data and errors else {}
    problems = []
    for error, path in zip(errors, paths, strict=True):
        pointer = format_pointer(path)
        problems.append(Problem("schema", f"{_at(pointer)}: {error.message}",
                                lines.get(tuple(path)), pointer=pointer))
    return sorted(problems, key=lambda problem: (problem.line or 0, problem.pointer or ""))


def _several_documents(data: bytes) -> bool:
    from statemerge.documents.yamlread import read_stream

    try:
        return len(read_stream(data.decode("utf-8", "replace"), "").roots) > 1
    except InputError:
        return False


def _prefixed(errors: Any, index: int) -> list[Any]:
    """Schema errors of document `index`, their paths starting with that index."""
    found = []
    for error in errors:
        error.path.appendleft(index)
        found.append(error)
    return found


def crdt_problems(path: str, document: Any) -> list[Problem]:
    """The first malformed CRDT node, if any."""
    from statemerge.crdt import validate

    try:
        validate(document, source=path)
    except NodeError as error:
        return [Problem("crdt", f"{_at(error.pointer)}: {error.reason}", pointer=error.pointer)]
    return []


def _at(pointer: str) -> str:
    return f"at {pointer!r}" if pointer else "at the root"


def json_lines_problems(path: str, data: bytes) -> list[Problem]:
    """An event log's problems when the file's first record looks like an event (or a
    checkpoint); otherwise plain JSON Lines: each non-blank line must be one JSON value."""
    from statemerge.documents import parse_value

    problems, first = [], None
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = parse_value(line, f"{path}:{number}", "json")
        except ParseError as error:
            problems.append(Problem("parse", error.reason, number, error.column))
            continue
        if first is None:
            first = record
            if looks_like_event(record):
                return event_log_problems(path, data)
    return problems


def looks_like_event(record: Any) -> bool:
    """Whether a JSON Lines record has the shape of an event log's event or checkpoint."""
    from statemerge.eventlog.events import EVENT_KEYS

    if not isinstance(record, dict):
        return False
    return "checkpoint" in record or ("ops" in record and len(EVENT_KEYS & record.keys()) >= 3)


def event_log_problems(path: str, data: bytes) -> list[Problem]:
    """The problems the event-log verifier finds, each at its line."""
    from statemerge.eventlog import verify_log

    try:
        found = verify_log(data, source=path)
    except InputError as error:
        return [Problem("event-log", error.message)]
    return [Problem("event-log", problem.message, problem.line) for problem in found]


def load_schema(path: str) -> SchemaValidator:
    """A validator for a JSON Schema file (JSON or YAML); bad input when it is not a schema."""
    from jsonschema import SchemaError
    from jsonschema.validators import validator_for

    from statemerge.documents import read_value

    schema = read_value(path)
    if not isinstance(schema, dict):
        raise InputError(f"{path}: a JSON Schema must be an object.")
    validator_class = validator_for(schema)
    try:
        validator_class.check_schema(schema)
    except SchemaError as error:
        raise InputError(f"{path}: not a valid JSON Schema: {error.message}") from None
    validator: SchemaValidator = validator_class(
        schema, format_checker=validator_class.FORMAT_CHECKER
    )
    return validator
