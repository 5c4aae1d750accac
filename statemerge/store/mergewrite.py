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
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statemerge.errors import ChangedSinceRead, MergeConflict, StatemergeError, UsageError
from statemerge.store.base import DEFAULT_RETRIES, Store, default_agent, finish_call, retry_delay
from statemerge.store.metrics import CallStats
from statemerge.store.retry import RetryPolicy

if TYPE_CHECKING:
    from statemerge.merging.conflicts import Conflict
    from statemerge.merging.rules import RuleSet
    from statemerge.merging.threeway import MergeResult

SIDES_TAKEN = ("ours", "theirs")


def store_rules(store: Store, rules: Any = None) -> RuleSet:
    """The rules a merge on write of `store` uses: `rules` (a RuleSet, a rules document or a path
    to a rules file), else `.statemerge.yaml` found from the store's file (or the working folder,
    for etcd), else none."""
    from statemerge.merging.rules import RuleSet, find_rules_file, load_rules, parse_rules

    if isinstance(rules, RuleSet):
        return rules
    store_path: Path | None = getattr(store, "path", None)
    if isinstance(rules, str | Path):
        return load_rules(Path(rules), merged_path=None if store_path is None else str(store_path))
    if rules is not None:
        return parse_rules(rules, source="rules")
    found = find_rules_file(store_path if store_path is not None else Path.cwd())
    if found is None:
        return RuleSet()
    return load_rules(found, merged_path=None if store_path is None else str(store_path))


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
    """A short hash of a conflict's path, kind and sides (canonical JSON): stable everywhere."""
    from statemerge.jsonvalue import canonical_json

    digest = canonical_json({"path": path, "kind": kind, **sides})
    return hashlib.sha256(digest).hexdigest()[:10]


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


def commit(
    store: Store,
    new: Any,
    *,
    base: tuple[Any, str | None],
    rules: Any = None,
    on_conflict: str | None = None,
    retries: int = DEFAULT_RETRIES,
    timeout: float | None = None,
    agent: str | None = None,
    stats: CallStats | None = None,
    policy: RetryPolicy | None = None,
) -> str:
    """Write `new`, computed from `base` = (document, etag), merging any write since; the new etag.

    An etag of None means the caller does not know which version its base was: the current value
    is merged with at once.
    """
    if on_conflict not in (None, *SIDES_TAKEN):
        raise UsageError(f"on_conflict must be 'ours' or 'theirs', not {on_conflict!r}.")
    base_doc, etag = base
    if etag is not None:
        store.check_etag(etag)
    stats = stats or CallStats(kind="commit", store=store.url, agent=agent or default_agent())
    policy = policy or RetryPolicy()
    started = time.monotonic()
    deadline = store.deadline(timeout)
    ruleset: RuleSet | None = None
    candidate = new
    try:
        while True:
            if etag is None:
                snapshot = store.read()
                etag = snapshot.etag
                ruleset = ruleset or store_rules(store, rules)
                candidate = merged_document(
                    store, base_doc, new, snapshot.value if snapshot.exists else {}, ruleset, on_conflict
                )
            stats.attempts += 1
            try:
                written = store.compare_and_set(candidate, etag, deadline=deadline, stats=stats)
                break
            except ChangedSinceRead:
                stats.conflicts += 1
                etag = None  # merge with what is there now
            # a race lost after a merge: someone else wrote meanwhile; merge again, after a wait
            if stats.attempts > 1:
                time.sleep(retry_delay(store.url, stats, retries, deadline, policy))
    except StatemergeError as error:
        finish_call(stats, started, error)
        raise
    finish_call(stats, started, None)
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
