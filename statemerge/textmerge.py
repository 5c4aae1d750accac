"""Merging three JSONC, JSON5 or TOML texts, as the YAML path does: the structural merge
decides the data, `textchoice` chooses the text (git's line merge when it holds the data, else
ours' text with the changed values written in: comments, commas and layout kept, values another
side added copied from its text). Every candidate is parsed back before it is used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from statemerge.documents.jsontext import decode
from statemerge.errors import InputError
from statemerge.merging.linemerge import LineMerge, merge_lines
from statemerge.merging.rules import RuleSet
from statemerge.merging.threeway import merge
from statemerge.merging.values import ABSENT, same
from statemerge.textchoice import Unwritable, faithful, write_outcome

PIECES_FROM = 1 << 16  # texts at least this large are read piece by piece

if TYPE_CHECKING:
    from statemerge.mergeoutcome import MergeOptions, MergeOutcome


@dataclass(frozen=True)
class TextFormat:
    """How to read one format and how to write a value into a text of it."""

    name: str
    parse: Callable[[bytes, str, dict[Any, Any] | None], Any]  # data, source, pieces -> value
    # ours' text, its value, the new value, source, other sides (text, value), and whether a
    # text reads back to the new value (for a writer that chooses between ways) -> text
    write: Callable[[str, Any, Any, str, tuple[tuple[str, Any], ...], Callable[[str], bool]],
                    str]


def text_format(fmt: str) -> TextFormat:
    """The reader and writer of `jsonc`, `json5` or `toml`."""
    if fmt == "toml":
        from statemerge.documents.toml import parse_toml, write_toml

        return TextFormat("TOML", parse_toml, lambda text, old, new, source, donors, holds:
                          write_toml(text, old, new, donors, holds))
    from statemerge.documents.jsonc import Dialect, parse_jsonc

    dialect: Dialect = "json5" if fmt == "json5" else "jsonc"

    def write(text: str, old: Any, new: Any, source: str, donors: tuple[tuple[str, Any], ...],
              holds: Callable[[str], bool]) -> str:
        from statemerge.documents.jsoncwrite import write_jsonc  # not needed when lines merge

        return write_jsonc(text, old, new, source, dialect, donors)

    return TextFormat(dialect.upper(),
                      lambda data, source, pieces: parse_jsonc(data, source, dialect, pieces),
                      write)


class _Texts:
    def __init__(self, fmt: TextFormat, texts: list[str], values: tuple[Any, Any, Any], source: str,
                 pieces: dict[Any, Any] | None) -> None:
        self.fmt, self.source, self.pieces = fmt, source, pieces
        self.ours_text, self.ours_value = texts[1], values[1]
        self.donors = ((texts[2], values[2]), (texts[0], values[0]))  # theirs, then base
        self.lines = _merge_lines(*(text.splitlines(keepends=True) for text in texts))
        # a candidate that is one side's text is not parsed again, nor the last one checked
        self.read = {text: side for text, side in zip(texts, values, strict=True)
                     if side is not ABSENT}
        self._checked: tuple[str, Any, bool] | None = None

    def holds(self, text: str, value: Any) -> bool:
        if text in self.read:
            return same_shared(self.read[text], value)
        if self._checked is not None and self._checked[1] is value and self._checked[0] == text:
            return self._checked[2]
        try:
            back = self.fmt.parse(text.encode(), self.source, self.pieces)
        except (InputError, RecursionError, UnicodeEncodeError):  # a lone surrogate left raw
            held = False
        else:
            held = same_shared(back, value)
        self._checked = (text, value, held)
        return held

    def faithful(self, value: Any) -> str:
        """The best text that reads back to exactly `value` (see `textchoice`); where the line
        merge conflicts, its ours side serves every rendering."""
        return faithful(self.lines, self.ours_text, "ours", lambda: self._write(value),
                        lambda text: self.holds(text, value), same_shared(value, self.ours_value))

    def _write(self, value: Any) -> str:
        try:
            written = self.fmt.write(self.ours_text, self.ours_value, value, self.source,
                                     self.donors, lambda text: self.holds(text, value))
        except (InputError, ValueError, TypeError, KeyError, RecursionError):
            raise Unwritable from None
        except Exception as error:  # tomlkit raises its own errors for values it cannot hold
            if type(error).__module__.startswith("tomlkit"):
                raise Unwritable from None
            raise
        from statemerge.jsonvalue import escape_surrogates

        return escape_surrogates(written)  # "\ud800" as the input spelled it, never raw


def same_shared(a: Any, b: Any) -> bool:
    """`same` (JSON equality) for values that share most of their parts, as the versions read
    piece by piece and their merge do: shared parts are skipped, not compared or serialized;
    where most parts differ, `same` compares the whole."""
    if a is b:
        return True
    if type(a) is not type(b) or type(a) not in (dict, list):
        return same(a, b)
    if type(a) is dict:
        if a.keys() != b.keys():
            return False
        pairs = [(a[key], b[key]) for key in a if a[key] is not b[key]]
    else:
        if len(a) != len(b):
            return False
        pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not y]
    if len(pairs) > 64 and 2 * len(pairs) > len(a):
        return same(a, b)
    return all(same_shared(x, y) for x, y in pairs)


def _merge_lines(base: list[str], ours: list[str], theirs: list[str]) -> LineMerge:
    """The line merge; when no side added or removed a line (values edited in place, as state
    files mostly change) and no line changed on both sides differently, line for line without
    a diff, in linear time."""
    if len(base) == len(ours) == len(theirs):
        from itertools import compress, count
        from operator import ne

        from statemerge.merging.linemerge import Hunk

        hunks: list[Hunk] = []
        stable_from = 0
        changed = set(compress(count(), map(ne, base, ours)))  # C speed: most lines are equal
        changed.update(compress(count(), map(ne, base, theirs)))
        for index in sorted(changed):
            old, mine, other = base[index], ours[index], theirs[index]
            if mine == other:
                kind = "both"
            elif mine == old:
                kind = "theirs"
            elif other == old:
                kind = "ours"
            else:
                break
            if stable_from < index:
                run = base[stable_from:index]
                hunks.append(Hunk("stable", run, run, run))
            hunks.append(Hunk(kind, [old], [mine], [other]))
            stable_from = index + 1
        else:
            if stable_from < len(base):
                run = base[stable_from:]
                hunks.append(Hunk("stable", run, run, run))
            return LineMerge(hunks)
    return merge_lines(base, ours, theirs)


def merge_text_format(base: bytes, ours: bytes, theirs: bytes, *, fmt: str,
                      names: tuple[str, str, str], options: MergeOptions, rules: RuleSet,
                      rules_path: str | None) -> MergeOutcome:
    """Merge three JSONC/JSON5/TOML files (see the module docstring); bad input raises InputError."""
    from statemerge.mergeoutcome import MergeOutcome, settled_by_bytes

    reader = text_format(fmt)
    if len(ours) >= PIECES_FROM:
        import orjson  # noqa: F401 - large values compare faster with it loaded (jsonvalue.same)

    texts = [decode(side, name) for side, name in zip((base, ours, theirs), names, strict=True)]
    # large texts are read piece by piece, each distinct piece once for all versions
    pieces: dict[Any, Any] | None = {} if len(ours) >= PIECES_FROM else None
    base_value = ABSENT if not texts[0].strip() else reader.parse(base, names[0], pieces)
    ours_value = reader.parse(ours, names[1], pieces)
    theirs_value = ours_value if theirs == ours else reader.parse(theirs, names[2], pieces)
    result = merge(base_value, ours_value, theirs_value, rules, sources=names,
                   answers=options.answers)
    outcome = MergeOutcome(b"", result.conflicts, result.resolved,
                           documents=(base_value, ours_value, theirs_value), rules_file=rules_path,
                           answered=result.answered)
    settled = settled_by_bytes(base, ours, theirs, result.clean)
    if settled is not None:
        outcome.output = settled
        return outcome
    chosen = _Texts(reader, texts, (base_value, ours_value, theirs_value), names[1], pieces)
    write_outcome(outcome, result, options, lambda value, _side: chosen.faithful(value),
                  chosen.lines, f"the merged {reader.name} could not be written faithfully; the "
                  "lines are merged as git would.")
    return outcome
