"""What a merge of three files is asked to do (`MergeOptions`) and what it gives back
(`MergeOutcome`): shared by `mergefile` (JSON, and the entry point) and `yamlmerge`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from statemerge.merging.answers import Answer, Answered
from statemerge.merging.conflicts import Conflict, Resolution
from statemerge.merging.styles import CONFLICT_STYLES, ConflictStyle

__all__ = ["CONFLICT_STYLES", "ConflictStyle", "MergeOptions", "MergeOutcome"]



@dataclass(frozen=True)
class MergeOptions:
    """How to merge and how to write what is left in conflict."""

    conflict: ConflictStyle = "markers"
    diff3: bool = False
    labels: tuple[str, str, str] = ("ours", "base", "theirs")  # ours, base, theirs (as git)
    marker_size: int = 7
    fmt: str | None = None  # "json" | "yaml" | None: from the file name
    rules_file: str | None = None  # an explicit rules file; None: discover next to path_hint
    path_hint: str | None = None  # the file's path (in the repository): format and rules discovery
    answers: Mapping[str, Answer] | None = None  # by conflict id: given or remembered answers
    schema_file: str | None = None  # a JSON Schema: list identities (x-kubernetes-list-*)


@dataclass
class MergeOutcome:
    """The merged document and what happened on the way."""

    output: bytes
    conflicts: list[Conflict] = field(default_factory=list)
    resolved: list[Resolution] = field(default_factory=list)
    resolved_by: str | None = None  # `ours`/`theirs` when --conflict took a side
    documents: tuple[Any, Any, Any] = (None, None, None)  # base, ours, theirs values
    rules_file: str | None = None
    answered: list[Answered] = field(default_factory=list)  # conflicts resolved by answers

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
