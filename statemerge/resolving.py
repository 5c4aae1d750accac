"""`statemerge resolve`: merge a conflicted file again and apply answers to what is left.

The steps: read the three versions (git's index stages inside a merge, rebase or cherry-pick, or
three files), merge them (rules and remembered answers included), turn what was asked (`--take`,
`--set`, `--all`, `--answers`) into answers by conflict id, merge again with them, then write the
file (answered conflicts take their answer, the rest stay as markers), `git add` it when it is
clean, and record the answers given. Every answer is checked before anything is written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statemerge.errors import InputError, UsageError
from statemerge.mergeoutcome import MergeOptions, MergeOutcome
from statemerge.merging.answers import ANSWER_SIDES, Answer
from statemerge.merging.conflicts import Conflict
from statemerge.merging.rules import Rule, Tokens
from statemerge.pointer import parse
from statemerge.resolutions import Stores, merge_remembering, record


@dataclass(frozen=True)
class ConflictedFile:
    """One file to resolve: where the result goes and its three versions."""

    path: str  # the file written
    sides: tuple[bytes, bytes, bytes]  # base, ours, theirs
    names: tuple[str, str, str]  # for error messages
    staged: bool = False  # read from git's index: `git add` it once it is clean

    @property
    def options(self) -> MergeOptions:
        return MergeOptions(path_hint=self.path)


def from_index(path: str, cwd: str | os.PathLike[str] | None = None) -> ConflictedFile:
    """A conflicted file of the current merge, rebase or cherry-pick (git's index stages)."""
    from statemerge.git.stages import read_stages

    sides = read_stages(path, cwd)
    return ConflictedFile(path, sides, tuple(f"{path} ({side})" for side in  # type: ignore[arg-type]
                                             ("base", "ours", "theirs")), staged=True)


def from_files(output: str, base: str, ours: str, theirs: str) -> ConflictedFile:
    """A file resolved outside git: three files in, `output` written."""
    from statemerge.documents import read_bytes

    return ConflictedFile(output, (read_bytes(base), read_bytes(ours), read_bytes(theirs)),
                          (base, ours, theirs))


@dataclass
class AnswerRequest:
    """What was asked on the command line (each as the user wrote it)."""

    takes: list[str] = field(default_factory=list)  # POINTER=ours|theirs|base (patterns)
    sets: list[str] = field(default_factory=list)  # POINTER=JSON
    all_side: str | None = None
    answers_file: str | None = None

    def __bool__(self) -> bool:
        return bool(self.takes or self.sets or self.all_side or self.answers_file)


def merge_file(file: ConflictedFile, answers: Mapping[str, Answer] | None,
               stores: Stores | None) -> MergeOutcome:
    """The file merged with the answers given (by id) and the remembered ones."""
    options = file.options._replace(answers=dict(answers or {}))
    return merge_remembering(file.sides, file.names, options, (lambda: stores) if stores else None)


def choose(conflicts: list[Conflict], request: AnswerRequest) -> dict[str, Answer]:
    """The answers (by conflict id) that the request gives; UsageError/InputError for an id, path
    or pattern that matches no conflict or a value that does not parse."""
    answers: dict[str, Answer] = {}
    if request.all_side is not None:
        answers.update({c.id: Answer(take=_side(request.all_side, "--all")) for c in conflicts})
    if request.answers_file is not None:
        answers.update(_from_answers_file(request.answers_file, conflicts))
    for spec in request.takes:
        pattern, side = _split(spec, "--take")
        rule = _pattern(pattern, "--take")
        matched = [c for c in conflicts if rule.covers(_tokens(c.path))]
        if not matched:
            raise UsageError(f"--take {pattern}: matches no conflict left.")
        answers.update({c.id: Answer(take=_side(side, f"--take {pattern}")) for c in matched})
    for spec in request.sets:
        pointer, text = _split(spec, "--set")
        value = _json(text, f"--set {pointer}")
        matched = [c for c in conflicts if c.path == pointer]
        if not matched:
            raise UsageError(f"--set {pointer}: no conflict is at this path.")
        answers.update({c.id: Answer(value=value) for c in matched})
    return answers


def _from_answers_file(name: str, conflicts: list[Conflict]) -> dict[str, Answer]:
    from statemerge.documents import read_bytes

    data = read_bytes(name)
    try:
        entries = json.loads(data)
    except ValueError as error:
        raise InputError(f"{name}: not JSON ({error}).") from None
    if not isinstance(entries, list):
        raise InputError(f"{name}: the answers are a JSON list of "
                         '{"id": ..., "take": "ours"} or {"id"|"path": ..., "value": ...}.')
    answers: dict[str, Answer] = {}
    by_id = {c.id: c for c in conflicts}
    for number, entry in enumerate(entries):
        where = f"{name}: /{number}"
        if not isinstance(entry, dict) or ("take" in entry) == ("value" in entry):
            raise InputError(f"{where}: an answer has an `id` or a `path`, and a `take` or a "
                             "`value`.")
        answer = (Answer(take=_side(entry["take"], where)) if "take" in entry
                  else Answer(value=entry["value"]))
        if "id" in entry:
            if entry["id"] not in by_id:
                raise UsageError(f"{where}: id {entry['id']!r} matches no conflict left.")
            answers[entry["id"]] = answer
        elif isinstance(entry.get("path"), str):
            matched = [c for c in conflicts if c.path == entry["path"]]
            if not matched:
                raise UsageError(f"{where}: path {entry['path']!r} matches no conflict left.")
            answers.update({c.id: answer for c in matched})
        else:
            raise InputError(f"{where}: an answer names its conflict by `id` or `path`.")
    return answers


def _split(spec: str, option: str) -> tuple[str, str]:
    pointer, equals, rest = spec.partition("=")
    if not equals:
        raise UsageError(f"{option} {spec}: write POINTER=VALUE, such as /port=theirs.")
    return pointer, rest


def _side(side: Any, where: str) -> str:
    if side not in ANSWER_SIDES:
        raise UsageError(f"{where}: take one of {', '.join(ANSWER_SIDES)}, not {side!r}.")
    return str(side)


def _pattern(pattern: str, option: str) -> Rule:
    if pattern and not pattern.startswith("/"):
        raise UsageError(f"{option} {pattern}: a JSON Pointer pattern starts with / (such as "
                         "/apps/*/version or /cache/**).")
    return Rule(pattern, _tokens(pattern), strategy="answer")


def _tokens(pointer: str) -> Tokens:
    return tuple(parse(pointer)) if pointer else ()


def _json(text: str, where: str) -> Any:
    from statemerge.jsonvalue import loads_strict

    try:
        return loads_strict(text)
    except ValueError as error:
        raise UsageError(f"{where}: the value is not JSON ({error}).") from None


def write_file(file: ConflictedFile, outcome: MergeOutcome, *, add: bool) -> bool:
    """Write the result (atomically); `git add` it when it is clean, staged and `add`. Whether
    it was added."""
    from statemerge.documents.atomic import write_atomic

    write_atomic(file.path, outcome.output)
    if outcome.clean and file.staged and add:
        from statemerge.git.stages import stage_file

        stage_file(file.path)
        return True
    return False


def remember(outcomes: Iterable[MergeOutcome], store: Path | None, now: Callable[[], str]
             ) -> int:
    """Record the answers given (not those remembered) in `store`; how many."""
    if store is None:
        return 0
    return record(store, [a for outcome in outcomes for a in outcome.answered], now())


def utc_now() -> str:
    """The time an answer is recorded (ISO 8601, UTC, seconds)."""
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")
