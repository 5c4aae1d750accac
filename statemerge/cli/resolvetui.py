"""The interactive resolver (`statemerge resolve -i`): one conflict a screen, one key an answer.

Plain terminal I/O (ANSI clear, cbreak input), so it works over SSH and in an 80x24 terminal:
the path and kind, base, ours and theirs side by side, what each side changed, and the keys.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statemerge.errors import UsageError
from statemerge.merging.answers import Answer
from statemerge.merging.conflicts import SIDES, Conflict
from statemerge.merging.values import ABSENT, json_default

KEYS = "[o]urs  [t]heirs  [b]ase  [e]dit  [s]kip  [u]ndo  [q]uit"
_TAKE = {"o": "ours", "t": "theirs", "b": "base"}
_CLEAR = "\x1b[H\x1b[2J"


@dataclass
class Session:
    """Where the walk is: the conflict shown, the answers given and a message for the user."""

    path: str
    conflicts: list[Conflict]
    index: int = 0
    answers: dict[str, Answer] = field(default_factory=dict)
    message: str = ""

    @property
    def done(self) -> bool:
        return self.index >= len(self.conflicts)

    def answer(self, answer: Answer) -> None:
        self.answers[self.conflicts[self.index].id] = answer
        self.index += 1
        self.message = ""

    def undo(self) -> None:
        if self.index == 0:
            self.message = "Nothing to undo."
            return
        self.index -= 1
        self.answers.pop(self.conflicts[self.index].id, None)
        self.message = "Undone."


def walk(path: str, conflicts: list[Conflict]) -> dict[str, Answer]:
    """Ask for each conflict's answer in the terminal; the answers given, by conflict id."""
    if not conflicts:
        return {}
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("-i needs a terminal; use --take, --set, --all or --answers instead.")
    session = Session(path, conflicts)
    with _Keys() as keys:
        while not session.done:
            _write(screen(session, *shutil.get_terminal_size()))
            key = keys.read()
            if key in _TAKE:
                session.answer(Answer(take=_TAKE[key]))
            elif key == "e":
                keys.pause()
                try:
                    _edit(session)
                finally:
                    keys.resume()
            elif key == "s":
                session.index += 1
                session.message = ""
            elif key == "u":
                session.undo()
            elif key == "q":
                break
            else:
                session.message = f"Unknown key {key!r}: {KEYS}"
    _write(_CLEAR)
    return session.answers


def screen(session: Session, width: int = 80, height: int = 24) -> str:
    """The text of one screen, `width` columns by at most `height` lines."""
    width, height = max(width, 40), max(height, 12)
    conflict = session.conflicts[session.index]
    rule = "-" * (width - 1)
    head = [f"statemerge resolve -i  {session.path}  conflict {session.index + 1}/"
            f"{len(session.conflicts)}  answered {len(session.answers)}"[: width - 1],
            f"{conflict.path or '/'}  {conflict.kind}  id {conflict.id}"[: width - 1], rule]
    changes = _changes(conflict, width)
    tail = [rule, *changes, rule, KEYS[: width - 1], session.message[: width - 1]]
    room = height - len(head) - len(tail) - 1
    return _CLEAR + "\n".join([*head, *_columns(conflict, width, max(room, 2)), *tail])


def _columns(conflict: Conflict, width: int, rows: int) -> list[str]:
    """base, ours and theirs side by side, each pretty JSON cut to its column."""
    column = (width - 1 - 2 * 3) // 3
    blocks = [[name, *_pretty(conflict.side(name))] for name in SIDES]
    tallest = max(len(block) for block in blocks)
    lines = []
    for row in range(min(tallest, rows)):
        cells = [_cut(block[row] if row < len(block) else "", column) for block in blocks]
        lines.append(" | ".join(cell.ljust(column) for cell in cells).rstrip())
    if tallest > rows:
        lines[-1] = f"... {tallest - rows + 1} more line(s): [e]dit shows the whole value"
    return lines


def _pretty(value: Any) -> list[str]:
    if value is ABSENT:
        return ["(absent)"]
    return json.dumps(value, indent=2, ensure_ascii=False, default=json_default).splitlines()


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _changes(conflict: Conflict, width: int) -> list[str]:
    from statemerge.report.merge import side_changes

    lines = []
    for name in ("ours", "theirs"):
        found = side_changes(conflict.base, conflict.side(name))
        shown = "; ".join(found[:3]) + (f"; +{len(found) - 3} more" if len(found) > 3 else "")
        lines.append(_cut(f"{name} changed: {shown}", width - 1))
    return lines


def _edit(session: Session) -> None:
    """Edit the value in $VISUAL/$EDITOR, starting from ours (or theirs, or base)."""
    import subprocess
    import tempfile

    from statemerge.jsonvalue import loads_strict

    conflict = session.conflicts[session.index]
    start = next((conflict.side(n) for n in ("ours", "theirs", "base")
                  if conflict.side(n) is not ABSENT), None)
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        handle.write(json.dumps(start, indent=2, ensure_ascii=False, default=json_default) + "\n")
    try:
        done = subprocess.run(["sh", "-c", f'{editor} "$@"', editor, handle.name], check=False)
        text = Path(handle.name).read_text(encoding="utf-8")
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        session.message = f"The editor exited with {done.returncode}: nothing changed."
        return
    try:
        value = loads_strict(text)
    except ValueError as error:
        session.message = f"Not JSON ({error}): nothing changed."
        return
    session.answer(Answer(value=value))


class _Keys:
    """The terminal in cbreak mode (keys arrive one by one, unechoed), restored on exit."""

    def __enter__(self) -> _Keys:
        import termios

        self.fd = sys.stdin.fileno()
        self.saved = termios.tcgetattr(self.fd)
        self.resume()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.pause()

    def pause(self) -> None:
        import termios

        termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)

    def resume(self) -> None:
        import tty

        tty.setcbreak(self.fd)

    def read(self) -> str:
        data = os.read(self.fd, 8)  # an escape sequence arrives whole; only its first key counts
        return data[:1].decode(errors="replace").lower() if data else "q"  # end of input: quit


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
