"""Remembered answers: each answer `statemerge resolve` applies, kept by conflict id, so that the
same conflict met again (a rebase of a long branch, a cherry-pick, a merge redone) is answered
without asking.

A store is a JSON Lines file, one answer a line:
`{"id": ..., "path": ..., "kind": ..., "take": "theirs", "value": ..., "time": ...}` (`take` when
a side was taken, `value` for the chosen value). Per clone it is `.git/statemerge/resolutions.jsonl`;
shared with the team (`--share`) it is `.statemerge/resolutions.jsonl`, committed. When both hold
an id, the clone's answer wins; in one file, the last line for an id wins.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from statemerge.errors import InputError
from statemerge.merging.answers import ANSWER_SIDES, Answer, Answered
from statemerge.merging.values import ABSENT, json_default
from statemerge.records import Record

if TYPE_CHECKING:
    from pathlib import Path

    from statemerge.mergeoutcome import MergeOptions, MergeOutcome

CLONE_STORE = "statemerge/resolutions.jsonl"  # under the git common dir
SHARED_STORE = ".statemerge/resolutions.jsonl"  # under the working tree
REMEMBER_ENV = "STATEMERGE_REMEMBER"  # `0` turns remembered answers off (for the git driver)


class Stores(Record):
    """The resolution files of one repository (or one given with --resolutions)."""

    clone: Path | None = None  # where answers are recorded by default
    shared: Path | None = None  # where `--share` records them

    def reading_order(self) -> list[Path]:
        """Files to read, the one that wins last."""
        return [path for path in (self.shared, self.clone) if path is not None]


def load(stores: Stores) -> dict[str, Answer]:
    """Every remembered answer by conflict id (InputError names a bad line)."""
    answers: dict[str, Answer] = {}
    for path in stores.reading_order():
        for entry in _entries(path):
            answers[entry["id"]] = _answer(entry)
    return answers


def _entries(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot be read ({error}).") from None
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as error:
            raise InputError(f"{path}:{number}: not a JSON line ({error}).") from None
        if not (isinstance(entry, dict) and isinstance(entry.get("id"), str)
                and (entry.get("take") in ANSWER_SIDES or "value" in entry)):
            raise InputError(f"{path}:{number}: a remembered answer has an `id` and a `take` "
                             "or a `value`.")
        entries.append(entry)
    return entries


def _answer(entry: dict[str, Any]) -> Answer:
    if entry.get("take") in ANSWER_SIDES:
        return Answer(take=entry["take"], by="remembered")
    return Answer(value=entry["value"], by="remembered")


def record(path: Path, answered: Iterable[Answered], now: str) -> int:
    """Append the answers given now (not remembered ones) to `path`; how many were recorded."""
    lines = []
    for item in answered:
        if item.answer.by == "remembered":
            continue
        conflict, answer = item.conflict, item.answer
        entry: dict[str, Any] = {"id": conflict.id, "path": conflict.path, "kind": conflict.kind}
        if answer.take is not None:
            entry["take"] = answer.take
        chosen = answer.chosen(conflict)
        if chosen is not ABSENT:
            entry["value"] = chosen
        entry["time"] = now
        lines.append(json.dumps(entry, ensure_ascii=False, default=json_default) + "\n")
    if lines:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:  # one write: lines stay whole
            handle.write("".join(lines))
    return len(lines)


def forget(stores: Stores, conflict_id: str) -> list[Path]:
    """Remove every remembered answer for `conflict_id`; the files it was in."""
    from statemerge.documents.atomic import write_atomic

    changed = []
    for path in stores.reading_order():
        if not path.exists():
            continue
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if not _is_for(line, conflict_id)]
        if len(kept) != len(lines):
            write_atomic(path, "".join(kept).encode())
            changed.append(path)
    return changed


def _is_for(line: str, conflict_id: str) -> bool:
    try:
        entry = json.loads(line)
    except ValueError:
        return False
    return isinstance(entry, dict) and entry.get("id") == conflict_id


def merge_remembering(sides: tuple[bytes, bytes, bytes], names: tuple[str, str, str],
                      options: MergeOptions, stores: Callable[[], Stores | None] | None
                      ) -> MergeOutcome:
    """`merge_texts`, then again with the remembered answers for the conflicts it left, if any.
    `stores` is called only when conflicts are left: a clean merge pays nothing for it."""
    from statemerge.mergefile import merge_texts

    outcome = merge_texts(*sides, names=names, options=options)
    found_stores = stores() if outcome.conflicts and stores is not None else None
    if found_stores is None:
        return outcome
    remembered = load(found_stores)
    found = {c.id: remembered[c.id] for c in outcome.conflicts if c.id in remembered}
    if not found:
        return outcome
    given: Mapping[str, Answer] = options.answers or {}
    answers = {**found, **given}
    return merge_texts(*sides, names=names, options=options._replace(answers=answers))


def remembering_on(environ: Mapping[str, str]) -> bool:
    """Whether the environment leaves remembered answers on (`STATEMERGE_REMEMBER=0` is off)."""
    return environ.get(REMEMBER_ENV, "").strip().lower() not in ("0", "false", "off", "no")
