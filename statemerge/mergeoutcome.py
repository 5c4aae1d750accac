"""What a merge of three files is asked to do (`MergeOptions`) and what it gives back
(`MergeOutcome`): shared by `mergefile` (JSON, and the entry point) and `yamlmerge`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from statemerge.merging.answers import Answer, Answered
from statemerge.merging.conflicts import Conflict, Resolution
from statemerge.merging.styles import CONFLICT_STYLES, ConflictStyle
from statemerge.records import Record

__all__ = ["CONFLICT_STYLES", "ConflictStyle", "MergeOptions", "MergeOutcome"]



class MergeOptions(Record):
    """How to merge and how to write what is left in conflict (`options._replace(...)` for
    a variant)."""

    conflict: ConflictStyle = "markers"
    diff3: bool = False
    labels: tuple[str, str, str] = ("ours", "base", "theirs")  # ours, base, theirs (as git)
    marker_size: int = 7
    fmt: str | None = None  # "json" | "yaml" | None: from the file name
    rules_file: str | None = None  # an explicit rules file; None: discover next to path_hint
    path_hint: str | None = None  # the file's path (in the repository): format and rules discovery
    answers: Mapping[str, Answer] | None = None  # by conflict id: given or remembered answers
    schema_file: str | None = None  # a JSON Schema: list identities (x-kubernetes-list-*)


class MergeOutcome:
    """The merged document (`output`) and what happened on the way: the conflicts left, those
    rules `resolved` and those `answered`, the side that took every conflict (`resolved_by`,
    when --conflict took one), the three `documents` (base, ours, theirs values) and the rules
    file that applied."""

    __slots__ = (
        "answered",
        "conflicts",
        "documents",
        "output",
        "resolved",
        "resolved_by",
        "rules_file",
    )

    def __init__(self, output: bytes, conflicts: list[Conflict] | None = None,
                 resolved: list[Resolution] | None = None, resolved_by: str | None = None,
                 documents: tuple[Any, Any, Any] = (None, None, None),
                 rules_file: str | None = None, answered: list[Answered] | None = None) -> None:
        self.output = output
        self.conflicts = conflicts if conflicts is not None else []
        self.resolved = resolved if resolved is not None else []
        self.resolved_by = resolved_by
        self.documents = documents
        self.rules_file = rules_file
        self.answered = answered if answered is not None else []

    @property
    def clean(self) -> bool:
        """No conflict was found (rules may have resolved some)."""
        return not self.conflicts

    @property
    def exit_code(self) -> int:
        """0 when the output holds no conflict, 1 when conflicts are left in it."""
        return 0 if self.clean or self.resolved_by else 1

    def report(self) -> dict[str, Any]:
        """The `--report-json` document."""
        return {
            "clean": self.clean,
            "conflicts": [conflict.as_report(self.resolved_by) for conflict in self.conflicts],
            "resolved": [{"path": r.path, "strategy": r.strategy, "rule": r.rule}
                         for r in self.resolved] + [
                {"id": a.conflict.id, "path": a.conflict.path, "kind": a.conflict.kind,
                 "strategy": a.answer.take or "value", "rule": None, "resolved_by": a.answer.by}
                for a in self.answered],
            "rules_file": self.rules_file,
        }


def settled_by_bytes(base: bytes, ours: bytes, theirs: bytes, clean: bool) -> bytes | None:
    """Rule 0 on whole files: theirs unchanged (or equal to ours) gives ours' bytes, ours
    unchanged gives theirs' (when the merge is clean); otherwise None."""
    if theirs in (base, ours):
        return ours
    if ours == base and clean:
        return theirs
    return None
