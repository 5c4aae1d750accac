"""statemerge as git's merge driver: the program git runs on a conflicted state file.

git starts the driver once per conflicted file, so this module imports nothing heavy at module
level: a small clean merge must cost little more than starting Python. The driver is never worse
than git: whatever it cannot merge structurally (a side that does not parse, holds conflict markers
or is not UTF-8, `STATEMERGE=0`, an internal error, a merge that takes longer than its time limit)
it hands to `git merge-file` with the same labels and marker size, saying why in one stderr line.
It never exits with a code above 128, which git reads as a failure of the merge rather than a
conflict.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping

from statemerge.documents.utf8 import not_utf8
from statemerge.errors import InputError, RulesError, UsageError, error_line
from statemerge.git.runner import git_output, run_git
from statemerge.records import Record

DRIVER = "statemerge"
DEFAULT_PATTERNS = ("*.json", "*.yaml", "*.yml", "*.jsonc", "*.json5", "*.toml")
DRIVER_USAGE = "merge-driver [--timeout=SECONDS] %O %A %B %L %P [%S %X %Y]"
TIMEOUT_ENV = "STATEMERGE_DRIVER_TIMEOUT"
DEFAULT_TIMEOUT = 180.0  # seconds; past it the file is merged by git merge-file
DRIVER_HELP = (
    "The merge driver git runs (`statemerge git install` configures it): merges the state file\n"
    "structurally and writes the result over %A. Exit 0 clean, 1 conflicts left."
)
SIDE_NAMES = ("base", "ours", "theirs")
_OFF = ("0", "false", "off", "no")


def conflict_marker_lines(data: bytes, marker_size: int = 7) -> list[int]:
    """The 1-based numbers of the lines that are git conflict markers of `marker_size`.

    A marker line is `<<<<<<<`, `|||||||` or `>>>>>>>` alone or followed by a space and a label,
    or `=======` alone (for size 7): what `git merge` and `git merge-file` write.
    """
    lines: list[int] = []
    line, counted_to = 1, 0
    for match in _marker_pattern(marker_size).finditer(data):
        line += data.count(b"\n", counted_to, match.start())
        counted_to = match.start()
        lines.append(line)
    return lines


def _marker_pattern(size: int) -> re.Pattern[bytes]:
    n = str(size).encode()
    return re.compile(
        rb"^(?:(?:<{%b}|\|{%b}|>{%b})(?:[ \t][^\n]*)?|={%b})\r?$" % (n, n, n, n), re.MULTILINE
    )


class DriverArgs(Record):
    """What git passes to the driver: `%O %A %B %L %P [%S %X %Y]`."""

    base: str
    ours: str  # also where the result goes
    theirs: str
    marker_size: int
    path: str  # the file's path in the repository
    labels: tuple[str, str, str]  # ours, base, theirs (as git and MergeOptions order them)
    timeout: float | None = None  # `--timeout=SECONDS` on the driver line


def parse_driver_args(args: list[str]) -> DriverArgs:
    """Read git's arguments; git < 2.44 passes `%S %X %Y` literally, and those are ignored."""
    timeout: float | None = None
    if args[:1] and args[0].startswith("--timeout"):
        option, equals, value = args[0].partition("=")
        if option != "--timeout" or not equals:
            raise UsageError(f"Unknown driver option {args[0]!r}: {DRIVER_USAGE}")
        timeout = _seconds(value, "--timeout")
        args = args[1:]
    if len(args) not in (5, 6, 7, 8):
        raise UsageError(f"The driver takes 5 to 8 arguments, not {len(args)}: {DRIVER_USAGE}")
    base, ours, theirs, size, path = args[:5]
    marker_size = int(size) if size.isdigit() else 0
    if marker_size < 1:
        raise UsageError(f"The conflict marker size must be a positive integer, not {size!r}.")
    given = [*args[5:], "", "", ""][:3]  # %S (base), %X (ours), %Y (theirs)
    base_label, ours_label, theirs_label = (
        "" if label in ("%S", "%X", "%Y") else label for label in given
    )
    labels = (ours_label or "ours", base_label or "base", theirs_label or "theirs")
    return DriverArgs(base, ours, theirs, marker_size, path, labels, timeout)


def _seconds(text: str, name: str) -> float:
    """A time limit in seconds (0: none), or a usage error naming where it came from."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise UsageError(f"{name} must be a number of seconds (0: no limit), not {text!r}.")
    return seconds


def driver_main(args: list[str]) -> int:
    """Run the merge driver: 0 merged cleanly, 1 conflicts left in the file, 2 bad arguments."""
    if args in (["--help"], ["-h"]):
        sys.stdout.write(f"Usage: statemerge git {DRIVER_USAGE}\n\n{DRIVER_HELP}\n")
        return 0
    try:
        parsed = parse_driver_args(args)
    except UsageError as error:
        _say(error.message)
        return 2
    try:
        limit = time_limit(parsed.timeout, os.environ)
    except UsageError as error:  # a bad $STATEMERGE_DRIVER_TIMEOUT: git still gets a merge
        return line_merge(parsed, error.message)
    try:
        return merge_file(parsed, os.environ, limit)
    except Exception as error:  # the last line of defence: git must still get a merge
        return line_merge(parsed, _internal(parsed, error))


def time_limit(option: float | None, environ: Mapping[str, str]) -> float:
    """Seconds the structural merge may take: $STATEMERGE_DRIVER_TIMEOUT, else the driver line's
    `--timeout`, else DEFAULT_TIMEOUT; 0 means no limit."""
    text = environ.get(TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_TIMEOUT if option is None else option
    return _seconds(text, f"${TIMEOUT_ENV}")


def merge_file(args: DriverArgs, environ: Mapping[str, str], limit: float = 0) -> int:
    """Merge one file structurally, writing over `args.ours`, or fall back to a line merge.

    With a `limit` (seconds), the structural merge runs in a child process: past the limit the
    child and everything it started are killed and git merge-file merges the file instead.
    """
    if environ.get("STATEMERGE", "").strip().lower() in _OFF:
        return line_merge(args, "STATEMERGE=0 turns structural merging off.")
    if limit > 0 and hasattr(os, "fork"):
        from statemerge.git.timelimit import run_with_time_limit

        result = run_with_time_limit(lambda: structural_merge(args), limit, args.path)
    else:
        result = structural_merge(args)
    if isinstance(result, str):
        return line_merge(args, result)
    from statemerge.documents.atomic import write_atomic

    write_atomic(args.ours, result.output)  # replaced whole: a crash never leaves half a file
    for line in result.messages:
        _say(line)
    return result.exit_code


class Merged(Record):
    """A structural merge's result: the bytes for %A, the exit code, lines for stderr."""

    output: bytes
    exit_code: int
    messages: tuple[str, ...] = ()


def structural_merge(args: DriverArgs) -> Merged | str:
    """The merged file, or the reason (one sentence) it must be merged line by line instead.

    Reads the three sides and the rules; writes nothing. Never raises for bad input; any other
    exception becomes a reason too (an internal error).
    """
    try:
        return _structural_merge(args)
    except Exception as error:
        return _internal(args, error)


def _structural_merge(args: DriverArgs) -> Merged | str:
    from statemerge.documents.formats import read_bytes

    try:
        sides = [read_bytes(name) for name in (args.base, args.ours, args.theirs)]
    except InputError as error:
        return f"{args.path}: {error.message}"
    reason = unmergeable_reason(args.path, sides, args.marker_size)
    if reason is not None:
        return reason
    if args.path.endswith(".jsonl"):
        return _union_logs(args, sides)
    from statemerge.git.stores import repository_stores
    from statemerge.mergefile import MergeOptions
    from statemerge.resolutions import merge_remembering, remembering_on

    base_name, ours_name, theirs_name = (f"{args.path} ({side})" for side in SIDE_NAMES)
    names = (base_name, ours_name, theirs_name)
    options = MergeOptions(labels=args.labels, marker_size=args.marker_size, path_hint=args.path)
    stores = repository_stores if remembering_on(os.environ) else None
    try:
        outcome = merge_remembering((sides[0], sides[1], sides[2]), names, options, stores)
        if not outcome.clean and _wants_diff3():
            outcome = merge_remembering((sides[0], sides[1], sides[2]), names,
                                        options._replace(diff3=True), stores)
    except (InputError, RulesError) as error:
        return error.message
    messages: list[str] = []
    if outcome.answered:
        ids = ", ".join(f"{a.conflict.path or '(root)'} ({a.conflict.id})" for a in outcome.answered)
        messages.append(f"{args.path}: {len(outcome.answered)} conflict(s) resolved by remembered "
                        f"answers: {ids}.")
    if outcome.resolved and outcome.rules_file:
        from statemerge.rulesfile import rules_notice

        messages.append(rules_notice(args.path, outcome.rules_file, len(outcome.resolved)))
    if outcome.conflicts:
        paths = [conflict.path or "(root)" for conflict in outcome.conflicts]
        shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
        messages.append(f"{args.path}: {len(paths)} conflict(s) left at {shown}.")
    return Merged(outcome.output, outcome.exit_code, tuple(messages))


def _internal(args: DriverArgs, error: BaseException) -> str:
    """An unexpected error as a fall-back reason (traceback only with STATEMERGE_DEBUG=1)."""
    from statemerge.failures import debugging

    if debugging():
        import traceback

        traceback.print_exception(error)
    detail = " ".join(f"{type(error).__name__}: {error}".split())[:200]
    return f"{args.path}: internal error ({detail}); please report it."


def unmergeable_reason(path: str, sides: list[bytes], marker_size: int = 7) -> str | None:
    """Why the three sides must go to a line merge (not UTF-8, conflict markers), or None."""
    for side, data in zip(SIDE_NAMES, sides, strict=True):
        bad = not_utf8(data)
        if bad is not None:
            return f"{path}: {side} is not UTF-8 (byte {bad.byte:#04x} on line {bad.line})."
        for size in sorted({7, marker_size}):
            lines = conflict_marker_lines(data, size)
            if lines:
                return f"{path}: {side} already holds conflict markers (line {lines[0]})."
    return None


def _union_logs(args: DriverArgs, sides: list[bytes]) -> Merged | str:
    """Event logs (`*.jsonl`) merge by union of their events."""
    from statemerge.eventlog import merge_logs

    names = [f"{args.path} ({side})" for side in SIDE_NAMES[1:]]
    try:
        merged: bytes = merge_logs(sides[1:], sources=names)
    except InputError as error:
        return error.message
    return Merged(merged, 0)


def line_merge(args: DriverArgs, reason: str) -> int:
    """Merge with `git merge-file` (same labels and marker size) and say why, in one line."""
    _say(f"{reason} Merging {args.path} line by line instead.")
    ours_label, base_label, theirs_label = args.labels
    command = ["merge-file", "-L", ours_label, "-L", base_label, "-L", theirs_label]
    command += [f"--marker-size={args.marker_size}", args.ours, args.base, args.theirs]
    try:
        code = run_git(command, capture=False).returncode
    except UsageError as error:
        _say(f"{error.message} {args.path} is left as ours.")
        return 1
    if code == 0:
        return 0
    if 0 < code < 128:  # the number of conflicts
        return 1
    _say(f"git merge-file failed on {args.path} (exit {code}); it is left as ours.")
    return 1


def _wants_diff3() -> bool:
    """Whether the repository asks for diff3 conflicts (asked only when conflicts are left)."""
    style = git_output(["config", "--get", "merge.conflictStyle"])
    return style in ("diff3", "zdiff3")


def _say(message: str) -> None:
    sys.stderr.write(error_line(message) + "\n")
    sys.stderr.flush()

