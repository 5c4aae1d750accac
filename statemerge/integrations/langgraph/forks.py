"""What StatemergeSaver does when a checkpoint's parent already has another child: two workers
ran one thread from the same parent. The chain must not fork silently, so the later checkpoint is
either merged onto the thread's head or refused:

- its channel values, the head's and the parent's are plain JSON, and their three-way merge
  (statemerge's, with the saver's rules) is clean: a merged checkpoint is written as the head's
  child (new id; channels whose merged value differs from the head's get a new version; metadata
  `merged: {"from": ID, "onto": HEAD}`);
- otherwise `CheckpointForked`, naming both checkpoints and the conflicting paths.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from langgraph.checkpoint.base import Checkpoint
from langgraph.checkpoint.base.id import uuid6

from statemerge.errors import PreconditionFailed

if TYPE_CHECKING:
    from statemerge.integrations.langgraph.saver import StatemergeSaver


class CheckpointForked(PreconditionFailed):
    """A checkpoint whose parent already has another child, and that cannot be merged onto the
    thread's head: two workers ran from one parent. Nothing was written."""


def siblings(space: dict[str, Any], parent: str, cid: str) -> list[str]:
    """The other children of `parent` in a namespace."""
    return sorted(other for other, saved in space["checkpoints"].items()
                  if saved.get("parent") == parent and other != cid)


def _plain(value: Any) -> bool:
    try:
        return bool(json.loads(json.dumps(value)) == value)
    except (TypeError, ValueError):
        return False


def merge_onto_head(
    saver: StatemergeSaver,
    where: tuple[str, str, str],
    checkpoint: Checkpoint,
    metadata: dict[str, Any],
    space: dict[str, Any],
) -> tuple[Checkpoint, dict[str, Any], str]:
    """The merged checkpoint (with its values), its metadata, and its parent (the head); or
    CheckpointForked. `where` is (thread, namespace, parent)."""
    from statemerge import merge, resolve

    thread_id, ns, parent = where
    head_id = max(space["checkpoints"])
    head = saver._tuple(thread_id, ns, head_id, space).checkpoint
    base = saver._tuple(thread_id, ns, parent, space).checkpoint
    ours = checkpoint["channel_values"]
    theirs = head["channel_values"]
    where_text = f"thread {thread_id!r}{f' namespace {ns!r}' if ns else ''}"
    other = siblings(space, parent, checkpoint["id"])[-1]
    if not all(_plain(values) for values in (base["channel_values"], ours, theirs)):
        raise CheckpointForked(
            f"{where_text}: checkpoint {parent} already has the child {other} (another worker ran "
            "from the same parent), and the channels are not plain JSON to merge; this one was not "
            "written. Reload the thread and run the step again."
        )
    result = merge(base["channel_values"], ours, theirs, saver.rules)
    if not result.clean:
        paths = ", ".join(conflict.path for conflict in result.conflicts[:5])
        raise CheckpointForked(
            f"{where_text}: checkpoint {parent} already has the child {other} (another worker ran "
            f"from the same parent), and both changed {paths}; this one was not written. Reload "
            "the thread and run the step again."
        )
    values: dict[str, Any] = resolve(result, "ours")
    versions = dict(head["channel_versions"])
    newest = max((str(v) for v in [*versions.values(), *checkpoint["channel_versions"].values()]),
                 default=None)
    for channel, value in values.items():
        if channel not in theirs or value != theirs[channel]:
            versions[channel] = saver.get_next_version(newest, None)
    for channel in set(versions) - set(values):
        if channel in theirs:
            del versions[channel]
    seen: dict[str, Any] = {node: dict(channels) for node, channels in head["versions_seen"].items()}
    for node, channels in checkpoint["versions_seen"].items():
        for channel, version in channels.items():
            known = seen.setdefault(node, {}).get(channel)
            seen[node][channel] = version if known is None else max(known, version, key=str)
    merged: Checkpoint = {
        **checkpoint,
        "id": str(uuid6(clock_seq=-1)),
        "ts": datetime.now(UTC).isoformat(),
        "channel_values": values,
        "channel_versions": versions,
        "versions_seen": seen,
    }
    return merged, {**metadata, "merged": {"from": checkpoint["id"], "onto": head_id}}, head_id
