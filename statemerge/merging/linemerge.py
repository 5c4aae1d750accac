"""A three-way merge of lines, as `git merge-file` does it: changes of one side apply, identical
changes apply once, and changes of both sides to the same or adjacent lines conflict.

It serves three things: the text a line merge gives (statemerge keeps it, byte for byte, when it
holds exactly the structurally merged data), strings that hold several lines (merged line by
line), and the last resort for YAML that cannot be written faithfully (conflict markers, as git).

>>> merge_lines(["a\\n", "b\\n", "c\\n"], ["A\\n", "b\\n", "c\\n"], ["a\\n", "b\\n", "C\\n"]).lines()
['A\\n', 'b\\n', 'C\\n']
"""

from __future__ import annotations

from collections.abc import Sequence

from statemerge.merging.diff import opcodes
from statemerge.records import Record


class Hunk(Record):
    """A run of the merge: `stable` (all alike), `ours`/`theirs`/`both` (that side's change
    applies), or `conflict`."""

    kind: str
    base: Sequence[str]
    ours: Sequence[str]
    theirs: Sequence[str]


class LineMerge(Record):
    """The hunks of a line merge."""

    hunks: list[Hunk]

    @property
    def clean(self) -> bool:
        """No hunk conflicts."""
        return all(hunk.kind != "conflict" for hunk in self.hunks)

    def lines(self, conflicts: str = "ours") -> list[str]:
        """The merged lines, each conflict taken from one side (`ours`, `theirs` or `base`)."""
        out: list[str] = []
        for hunk in self.hunks:
            if hunk.kind in ("stable", "ours", "both"):
                out.extend(hunk.ours)
            elif hunk.kind == "theirs":
                out.extend(hunk.theirs)
            else:
                out.extend(getattr(hunk, conflicts))
        return out

    def with_markers(self, labels: tuple[str, str, str] = ("ours", "base", "theirs"),
                     marker_size: int = 7, diff3: bool = False) -> str:
        """The merged text with git-style marker blocks around each conflict."""
        out: list[str] = []
        for hunk in self.hunks:
            if hunk.kind != "conflict":
                out.extend(hunk.theirs if hunk.kind == "theirs" else hunk.ours)
                continue
            out.append(f"{'<' * marker_size} {labels[0]}".rstrip() + "\n")
            out.extend(_ended(hunk.ours))
            if diff3:
                out.append(f"{'|' * marker_size} {labels[1]}".rstrip() + "\n")
                out.extend(_ended(hunk.base))
            out.append("=" * marker_size + "\n")
            out.extend(_ended(hunk.theirs))
            out.append(f"{'>' * marker_size} {labels[2]}".rstrip() + "\n")
        return "".join(out)


def _ended(lines: Sequence[str]) -> list[str]:
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return list(lines)


def _sync_regions(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]
                  ) -> list[tuple[int, int, int, int]]:
    """Runs of base lines that both sides kept: (base start, base end, ours start, theirs start),
    ending with an empty run at the ends of all three."""
    ours_blocks = [(i1, j1, i2 - i1) for tag, i1, i2, j1, _ in opcodes(base, ours) if tag == "equal"]
    theirs_blocks = [(i1, j1, i2 - i1) for tag, i1, i2, j1, _ in opcodes(base, theirs)
                     if tag == "equal"]
    regions = []
    a = b = 0
    while a < len(ours_blocks) and b < len(theirs_blocks):
        base_a, ours_start, size_a = ours_blocks[a]
        base_b, theirs_start, size_b = theirs_blocks[b]
        start = max(base_a, base_b)
        end = min(base_a + size_a, base_b + size_b)
        if start < end:
            regions.append((start, end, ours_start + start - base_a,
                            theirs_start + start - base_b))
        if base_a + size_a < base_b + size_b:
            a += 1
        else:
            b += 1
    regions.append((len(base), len(base), len(ours), len(theirs)))
    return regions


def merge_lines(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]) -> LineMerge:
    """The three-way merge of three lists of lines."""
    hunks: list[Hunk] = []
    at_base = at_ours = at_theirs = 0
    for base_start, base_end, ours_start, theirs_start in _sync_regions(base, ours, theirs):
        old = base[at_base:base_start]
        mine = ours[at_ours:ours_start]
        other = theirs[at_theirs:theirs_start]
        if mine or other or old:
            if mine == other:
                kind = "both" if mine != old else "stable"
            elif mine == old:
                kind = "theirs"
            elif other == old:
                kind = "ours"
            elif len(old) == len(mine) == len(other):
                hunks.extend(_line_by_line(old, mine, other))
                kind = ""
            else:
                kind = "conflict"
            if kind:
                hunks.append(Hunk(kind, old, mine, other))
        size = base_end - base_start
        if size:
            same = base[base_start:base_end]
            hunks.append(Hunk("stable", same, same, same))
        at_base, at_ours, at_theirs = base_end, ours_start + size, theirs_start + size
    return LineMerge(hunks)


def _line_by_line(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]
                  ) -> list[Hunk]:
    """Changes to the same run of lines that keep its length: merged line for line, so that
    edits of adjacent lines (a key here, a comment there) combine; a line both changed
    differently makes the whole run one conflict."""
    hunks = []
    for old, mine, other in zip(base, ours, theirs, strict=True):
        if mine == other:
            hunks.append(Hunk("both" if mine != old else "stable", [old], [mine], [other]))
        elif mine == old:
            hunks.append(Hunk("theirs", [old], [mine], [other]))
        elif other == old:
            hunks.append(Hunk("ours", [old], [mine], [other]))
        else:
            return [Hunk("conflict", base, ours, theirs)]
    return hunks


def merge_text(base: str, ours: str, theirs: str) -> str | None:
    """Three strings merged line by line, or None when both sides changed the same lines."""
    merged = merge_lines(base.splitlines(keepends=True), ours.splitlines(keepends=True),
                         theirs.splitlines(keepends=True))
    return "".join(merged.lines()) if merged.clean else None
