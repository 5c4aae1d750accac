"""Answers to conflicts, given by conflict id: a side to take, or a value to put in its place.

`statemerge resolve` builds them from what a person or an agent chose; remembered answers come
back from the resolutions store. The merge applies an answer where a conflict with its id appears
(after the rules), so an answered conflict is resolved exactly as a rule would resolve it.
"""

from __future__ import annotations

from typing import Any

from statemerge.merging.conflicts import Conflict
from statemerge.merging.values import ABSENT
from statemerge.records import Record

ANSWER_SIDES = ("ours", "theirs", "base")


class Unanswerable(Exception):
    """An answer that does not fit its conflict (a value that is not a list, for a run)."""


class Answer(Record):
    """One conflict's answer: `take` a side, or else `value`. `by` says who answered:
    `answer` (given now) or `remembered` (applied from the resolutions store)."""

    take: str | None = None
    value: Any = ABSENT
    by: str = "answer"

    def apply(self, conflict: Conflict, runs: dict[str, list[Any]] | None = None) -> Any:
        """The value that replaces the conflict (ABSENT removes it); for a conflicting run of
        array elements (`runs`), the elements that replace the run."""
        if self.take is not None:
            return runs[self.take] if runs is not None else conflict.side(self.take)
        if runs is not None and not isinstance(self.value, list):
            raise Unanswerable(f"{conflict.path or '/'}: a run of array elements is replaced by "
                               "an array of elements.")
        return self.value

    def chosen(self, conflict: Conflict) -> Any:
        """The value this answer gives the conflict (ABSENT when it deletes it)."""
        return conflict.side(self.take) if self.take is not None else self.value


class Answered(Record):
    """A conflict the merge resolved by an answer."""

    conflict: Conflict
    answer: Answer
