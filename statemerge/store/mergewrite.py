"""Merge on write: commit a whole new document computed from a version read earlier.

The caller says "here is what I changed from the version I read": `commit` compare-and-sets it,
and when another writer landed in between, three-way merges (base = what the caller read, ours =
its new document, theirs = what is there now) with the rules of `.statemerge.yaml`, and
compare-and-sets the merged document, again until it lands. Conflicts left raise MergeConflict
(nothing written) unless `on_conflict` takes a side. `edit` is the `with` form of the same.

A merge is always of the caller's original base and document against the newest value, so a race
lost after a merge costs one more merge, never a change dropped or applied twice.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from statemerge.errors import ChangedSinceRead, MergeConflict, StatemergeError, UsageError
from statemerge.store.base import DEFAULT_RETRIES, Store, default_agent, finish_call
from statemerge.store.metrics import CallStats
from statemerge.store.retry import RetryPolicy, retry_delay

if TYPE_CHECKING:
    from statemerge.merging.conflicts import Conflict
    from statemerge.merging.rules import RuleSet
    from statemerge.merging.threeway import MergeResult

SIDES_TAKEN = ("ours", "theirs")


def store_rules(store: Store, rules: Any = None) -> RuleSet:
    """The rules a merge on write of `store` uses: `rules` (a RuleSet, a rules document or a path
    to a rules file), else `.statemerge.yaml` found from the store's file (or the working folder,
    for etcd), else none."""
    from statemerge.merging.rules import RuleSet, parse_rules
    from statemerge.rulesfile import find_rules_file, load_rules

    if isinstance(rules, RuleSet):
        return rules
    store_path: str | None = getattr(store, "path", None)
    if isinstance(rules, str | os.PathLike):
        return load_rules(rules, merged_path=store_path)
    if rules is not None:
        return parse_rules(rules, source="rules")
    found = find_rules_file(store_path if store_path is not None else os.getcwd())
    if found is None:
        return RuleSet()
    return load_rules(found, merged_path=store_path)


def conflict_report(result: MergeResult) -> list[dict[str, Any]]:
    """The conflicts a merge left, as report entries: id, path, kind and the sides' values."""
    return [conflict_entry(conflict) for conflict in result.conflicts]


def conflict_entry(conflict: Conflict) -> dict[str, Any]:
    """One conflict as a report entry, with its id (issue 10's `Conflict.id` where it exists)."""
    entry = conflict.as_report(None)
    entry.pop("resolved_by", None)
    if "id" not in entry:
        sides = {k: v for k, v in entry.items() if k in ("base", "ours", "theirs")}
        entry = {"id": short_id(conflict.path, conflict.kind, sides), **entry}
    return entry


def short_id(path: str, kind: str, sides: dict[str, Any]) -> str:
    """A short hash of a conflict's path, kind and sides (those present): `conflict_id`."""
    from statemerge.merging.conflicts import SIDES, conflict_id
    from statemerge.merging.values import ABSENT

    return conflict_id(path, kind, *(sides.get(name, ABSENT) for name in SIDES))


def merged_document(
    store: Store, base: Any, ours: Any, theirs: Any, rules: RuleSet, on_conflict: str | None
) -> Any:
    """ours merged with theirs since base; MergeConflict when conflicts are left and no side is
    taken for them."""
    from statemerge import merge, resolve

    result = merge(base, ours, theirs, rules)
    if result.clean:
        return resolve(result, "ours")
    if on_conflict is None:
        report = conflict_report(result)
        paths = ", ".join(entry["path"] or "/" for entry in report[:3])
        more = f" and {len(report) - 3} more" if len(report) > 3 else ""
        raise MergeConflict(
            f"{store.url}: {len(report)} conflict(s) between your changes and a newer write "
            f"(at {paths}{more}); nothing was written.",
            report,
        )
    return resolve(result, on_conflict)


@dataclass(frozen=True)
class Write:
    """A step of a commit: compare-and-set `value` at `etag` (answered with the new etag, or the
    ChangedSinceRead it raised)."""

    value: Any
    etag: str


@dataclass(frozen=True)
class Wait:
    """A step of a commit: wait `seconds` before the next attempt (answered with None)."""

    seconds: float


READ = "read"  # a step of a commit: read the store (answered with its StoredValue)
RULES = "rules"  # a step of a commit: the rules to merge with (answered with a RuleSet)
CommitPlan = Generator["Write | Wait | str", Any, str]


class Commit:
    """One merge-on-write call, as steps without I/O (`plan`), which a thread's driver (`commit`)
    and a coroutine's (`AsyncStore.commit`) both run: the loop is written once."""

    def __init__(self, store: Store, base: tuple[Any, str | None], options: dict[str, Any]) -> None:
        on_conflict = options.get("on_conflict")
        if on_conflict not in (None, *SIDES_TAKEN):
            raise UsageError(f"on_conflict must be 'ours' or 'theirs', not {on_conflict!r}.")
        unknown = set(options) - {"rules", "on_conflict", "retries", "timeout", "agent", "stats", "policy"}
        if unknown:
            raise UsageError(f"commit takes no option {sorted(unknown)[0]!r}.")
        self.base_doc, self.etag = base
        if self.etag is not None:
            store.check_etag(self.etag)
        self.store = store
        self.rules = options.get("rules")
        self.on_conflict = on_conflict
        self.retries = int(options.get("retries", DEFAULT_RETRIES))
        agent = options.get("agent") or default_agent()
        self.stats: CallStats = options.get("stats") or CallStats(kind="commit", store=store.url, agent=agent)
        self.policy: RetryPolicy = options.get("policy") or RetryPolicy()
        self.started = time.monotonic()
        self.deadline = store.deadline(options.get("timeout"))

    def plan(self, new: Any) -> CommitPlan:
        """The steps that write `new`: compare-and-set; after a lost race, merge with the newest
        value (always from the caller's base and document) and try again, within the retries."""
        etag, candidate, ruleset = self.etag, new, None
        while True:
            if etag is None:
                snapshot = yield READ
                etag = snapshot.etag
                if ruleset is None:
                    ruleset = yield RULES
                theirs = snapshot.value if snapshot.exists else {}
                candidate = merged_document(self.store, self.base_doc, new, theirs, ruleset, self.on_conflict)
            self.stats.attempts += 1
            outcome = yield Write(candidate, etag)
            if isinstance(outcome, str):
                return outcome
            self.stats.conflicts += 1
            etag = None  # merge with what is there now
            if self.stats.attempts > 1:  # lost again after a merge: wait before the next one
                yield Wait(retry_delay(self.store.url, self.stats, self.retries, self.deadline, self.policy))


def commit(store: Store, new: Any, *, base: tuple[Any, str | None], **options: Any) -> str:
    """Write `new`, computed from `base` = (document, etag), merging any write since; the new etag.

    An etag of None means the caller does not know which version its base was: the current value
    is merged with at once. Options: rules, on_conflict, retries, timeout, agent, stats, policy.
    """
    call = Commit(store, base, options)
    plan = call.plan(new)
    answer: Any = None
    try:
        while True:
            try:
                step = plan.send(answer)
            except StopIteration as done:
                written: str = done.value
                break
            if step == READ:
                answer = store.read()
            elif step == RULES:
                answer = store_rules(store, call.rules)
            elif isinstance(step, Write):
                try:
                    answer = store.compare_and_set(
                        step.value, step.etag, deadline=call.deadline, stats=call.stats
                    )
                except ChangedSinceRead as lost:
                    answer = lost
            elif isinstance(step, Wait):
                time.sleep(step.seconds)
                answer = None
    except StatemergeError as error:
        finish_call(call.stats, call.started, error)
        raise
    finish_call(call.stats, call.started, None)
    return written


@contextmanager
def edit(store: Store, **options: Any) -> Iterator[Any]:
    """A private copy of the document to change in place; committed (merged) on leaving the block.

    Nothing is written when the block raises. Options as `commit`.
    """
    snapshot = store.read()
    base = snapshot.value if snapshot.exists else {}
    document = copy.deepcopy(base)
    yield document
    if snapshot.exists and document == base:
        return  # nothing changed: nothing to write
    commit(store, document, base=(base, snapshot.etag), **options)
