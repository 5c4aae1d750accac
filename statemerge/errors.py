"""One exception hierarchy for statemerge; the CLI catches only `StatemergeError`.

    StatemergeError                   exit code 2 unless the subclass says otherwise
    ├── InputError                    bad input: a file that cannot be read or parsed
    │   ├── ParseError                unparsable content, with line and column
    │   ├── DuplicateKeyError         one object holds the same key twice
    │   └── NodeError                 a malformed CRDT node or event, with its JSON Pointer
    ├── OutputError                   a file that cannot be written (missing folder, full disk)
    ├── RulesError                    an invalid rules file (names the rule)
    ├── UsageError                    arguments that do not fit together
    ├── PatchError                    a JSON Patch / inc operation that cannot apply
    ├── PreconditionFailed            exit 1: a compare-and-set or lock that did not hold
    │   ├── ChangedSinceRead          the value changed since the caller read its etag
    │   ├── RetriesExhausted          every attempt of an update lost its race
    │   ├── MergeConflict             merge on write: the changes conflict with a newer write
    │   └── LockTimeout               a lock not acquired in time
    └── StoreError                    a store backend failed (unreachable, timed out)
        ├── AmbiguousWrite            etcd: a write sent, no answer: it may have been applied
        ├── DeadlineReached           etcd: no endpoint answered before the deadline
        └── EtcdRequestError          etcd: an error answer that retrying will not fix

The etcd errors live in `store/etcdhttp.py`, next to the client that raises them. Every message is
a full sentence naming the file (and line, column or pointer where it applies); a user sees it as
one line, `error_line(message)`.
"""

from __future__ import annotations


def error_line(message: str) -> str:
    """The one stderr line a user sees for an error or a warning (no newline).

    >>> error_line("a.json:3:7: invalid JSON: expecting value.")
    'statemerge: a.json:3:7: invalid JSON: expecting value.'
    """
    if "\n" in message or "\r" in message:  # a parser's message with its context: one line
        message = " ".join(part.strip() for part in message.splitlines() if part.strip())
    return f"statemerge: {message}"


class StatemergeError(Exception):
    """Base of every error statemerge raises on purpose."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(StatemergeError):
    """A file that cannot be read or is not valid input."""


class ParseError(InputError):
    """Content that does not parse; `line` and `column` are 1-based when known."""

    def __init__(
        self, source: str, reason: str, line: int | None = None, column: int | None = None
    ) -> None:
        where = source
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {reason}")
        self.source = source
        self.reason = reason
        self.line = line
        self.column = column


class DuplicateKeyError(ParseError):
    """An object holds one key twice; a merge must not silently keep one of them."""

    def __init__(self, source: str, key: str, line: int | None, column: int | None = None) -> None:
        super().__init__(source, f"duplicate key {key!r} in one object.", line, column)
        self.key = key


class NodeError(InputError):
    """A malformed CRDT node, event or value at a JSON Pointer inside a document."""

    def __init__(self, source: str, pointer: str, reason: str) -> None:
        where = f"{source} at {pointer!r}" if pointer else f"{source} at the root"
        super().__init__(f"{where}: {reason}")
        self.source = source
        self.pointer = pointer
        self.reason = reason


class OutputError(StatemergeError):
    """A file that cannot be written: its folder is missing or read-only, the disk is full.

    The old file, if any, is left as it was.
    """


class RulesError(StatemergeError):
    """An invalid rules file."""


class UsageError(StatemergeError):
    """Arguments that do not fit together."""


class PatchError(StatemergeError):
    """An operation that cannot be applied to the document."""


class PreconditionFailed(StatemergeError):
    """A precondition did not hold (exit 1): nothing was written."""

    exit_code = 1


class ChangedSinceRead(PreconditionFailed):
    """A compare-and-set lost: the value changed since the caller read it."""


class RetriesExhausted(PreconditionFailed):
    """An optimistic update lost its race on every attempt (the message says how many)."""


class LockTimeout(PreconditionFailed):
    """A lock was not acquired within its timeout."""


class MergeConflict(PreconditionFailed):
    """Merge on write left conflicts between the caller's changes and a newer write; nothing was
    written. `conflicts` is the report: one dict per conflict (id, path, kind, base/ours/theirs)."""

    def __init__(self, message: str, conflicts: list[dict[str, object]]) -> None:
        super().__init__(message)
        self.conflicts = conflicts


class StoreError(StatemergeError):
    """A store backend failed: unreachable, timed out, or answered nonsense."""
