"""statemerge as git's merge driver: the program git runs on a conflicted state file.

git starts the driver once per conflicted file, so this module imports nothing heavy at module
level: a small clean merge must cost little more than starting Python. The driver is never worse
than git: whatever it cannot merge structurally (a side that does not parse, holds conflict markers
or is not UTF-8, `STATEMERGE=0`, an internal error) it hands to `git merge-file` with the same
labels and marker size, saying why in one stderr line. It never exits with a code above 128,
which git reads as a failure of the merge rather than a conflict.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, replace

from statemerge.documents.utf8 import not_utf8
from statemerge.errors import InputError, RulesError, UsageError, error_line
from statemerge.git.runner import git_output, run_git

DRIVER = "statemerge"
DEFAULT_PATTERNS = ("*.json", "*.yaml", "*.yml", "*.jsonc", "*.json5", "*.toml")
DRIVER_USAGE = "merge-driver %O %A %B %L %P [%S %X %Y]"
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


@dataclass(frozen=True)
class DriverArgs:
    """What git passes to the driver: `%O %A %B %L %P [%S %X %Y]`."""

    base: str
    ours: str  # also where the result goes
    theirs: str
    marker_size: int
    path: str  # the file's path in the repository
    labels: tuple[str, str, str]  # ours, base, theirs (as git and MergeOptions order them)


def parse_driver_args(args: list[str]) -> DriverArgs:
    """Read git's arguments; git < 2.44 passes `%S %X %Y` literally, and those are ignored."""
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
    return DriverArgs(base, ours, theirs, marker_size, path, labels)


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
        return merge_file(parsed, os.environ)
    except Exception as error:  # the last line of defence: git must still get a merge
        if os.environ.get("STATEMERGE_DEBUG"):
            import traceback

            traceback.print_exc()
        detail = f"{type(error).__name__}: {error}"
        return line_merge(parsed, f"{parsed.path}: internal error ({detail}); please report it.")


def merge_file(args: DriverArgs, environ: os._Environ[str] | dict[str, str]) -> int:
    """Merge one file structurally, writing over `args.ours`, or fall back to a line merge."""
    if environ.get("STATEMERGE", "").strip().lower() in _OFF:
        return line_merge(args, "STATEMERGE=0 turns structural merging off.")
    sides = [_read(name) for name in (args.base, args.ours, args.theirs)]
    reason = unmergeable_reason(args.path, sides, args.marker_size)
    if reason is not None:
        return line_merge(args, reason)
    if args.path.endswith(".jsonl"):
        return _union_logs(args, sides)
    from statemerge.mergefile import MergeOptions, merge_texts

    base_name, ours_name, theirs_name = (f"{args.path} ({side})" for side in SIDE_NAMES)
    names = (base_name, ours_name, theirs_name)
    options = MergeOptions(labels=args.labels, marker_size=args.marker_size, path_hint=args.path)
    try:
        outcome = merge_texts(*sides, names=names, options=options)
        if not outcome.clean and _wants_diff3():
            outcome = merge_texts(*sides, names=names, options=replace(options, diff3=True))
    except (InputError, RulesError) as error:
        return line_merge(args, error.message)
    _write_result(args.ours, outcome.output)
    if outcome.conflicts:
        paths = [conflict.path or "(root)" for conflict in outcome.conflicts]
        shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
        _say(f"{args.path}: {len(paths)} conflict(s) left at {shown}.")
    return outcome.exit_code


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


def _union_logs(args: DriverArgs, sides: list[bytes]) -> int:
    """Event logs (`*.jsonl`) merge by union of their events."""
    from statemerge.eventlog import merge_logs

    names = [f"{args.path} ({side})" for side in SIDE_NAMES[1:]]
    try:
        merged: bytes = merge_logs(sides[1:], sources=names)
    except InputError as error:
        return line_merge(args, error.message)
    _write_result(args.ours, merged)
    return 0


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


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _write_result(path: str, data: bytes) -> None:
    """Replace git's temporary file whole (atomically), so a crash never leaves half a file."""
    from statemerge.documents.atomic import write_atomic

    write_atomic(path, data)


def _say(message: str) -> None:
    sys.stderr.write(error_line(message) + "\n")
    sys.stderr.flush()

