"""Merging three documents given as bytes: parse, merge, render, the step both `merge` and the
git driver call. (Being written; the signatures below are final.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ConflictStyle = Literal["markers", "object", "ours", "theirs"]


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


@dataclass
class MergeOutcome:
    """The merged document and what happened on the way."""

    output: bytes
    clean: bool  # no conflicts left unresolved by a rule (a side taken by --conflict still counts)
    conflicts: list[Any] = field(default_factory=list)  # merge.conflicts.Conflict
    resolved: list[Any] = field(default_factory=list)  # merge.conflicts.Resolution
    notes: list[str] = field(default_factory=list)  # e.g. a rule that could not apply

    @property
    def exit_code(self) -> int:
        """0 clean or resolved by --conflict ours/theirs, 1 conflicts left in the output."""
        return 0 if self.clean else 1


def merge_texts(
    base: bytes, ours: bytes, theirs: bytes, *, names: tuple[str, str, str], options: MergeOptions
) -> MergeOutcome:
    """Merge three documents (names: base, ours, theirs, for error messages).

    Raises InputError (or a subclass) for bad input, RulesError for a bad rules file.
    """
    raise NotImplementedError
