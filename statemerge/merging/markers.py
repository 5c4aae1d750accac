"""Git-style conflict markers around the smallest runs of whole lines that differ.

The merged document is written twice, every conflict taken by ours and then by theirs; the
lines where the two differ become marker blocks. So deleting every theirs part and the marker
lines gives exactly the `--conflict ours` document, and likewise for theirs.
"""

from __future__ import annotations

from statemerge.merging.diff import opcodes


def with_markers(ours: str, theirs: str, *, base: str | None = None,
                 labels: tuple[str, str, str] = ("ours", "base", "theirs"),
                 marker_size: int = 7) -> str:
    """`ours` and `theirs` (and `base`, for diff3 style) interleaved with conflict markers."""
    ours_lines = ours.splitlines(keepends=True)
    theirs_lines = theirs.splitlines(keepends=True)
    base_lines = base.splitlines(keepends=True) if base is not None else []
    base_blocks = _equal_blocks(ours_lines, base_lines) if base is not None else []
    newline = "\r\n" if ours.endswith("\r\n") or "\r\n" in ours[:4096] else "\n"
    ours_label, base_label, theirs_label = labels
    out: list[str] = []
    for tag, i1, i2, j1, j2 in opcodes(ours_lines, theirs_lines):
        if tag == "equal":
            out.extend(ours_lines[i1:i2])
            continue
        out.append(f"{'<' * marker_size} {ours_label}".rstrip() + newline)
        out.extend(_ended(ours_lines[i1:i2], newline))
        if base is not None:
            start, end = _project(base_blocks, i1, i2, len(base_lines))
            out.append(f"{'|' * marker_size} {base_label}".rstrip() + newline)
            out.extend(_ended(base_lines[start:end], newline))
        out.append("=" * marker_size + newline)
        out.extend(_ended(theirs_lines[j1:j2], newline))
        out.append(f"{'>' * marker_size} {theirs_label}".rstrip() + newline)
    return "".join(out)


def _ended(lines: list[str], newline: str) -> list[str]:
    """Lines inside a block end with a newline, so no marker is glued to a last line."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + newline]
    return lines


def _equal_blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    return [(i1, j1, i2 - i1) for tag, i1, i2, j1, _ in opcodes(a, b) if tag == "equal"]


def _project(blocks: list[tuple[int, int, int]], start: int, end: int, length: int
             ) -> tuple[int, int]:
    """The base lines that correspond to ours' lines [start, end)."""
    base_start, base_end = 0, length
    for a, b, size in blocks:
        if a + size <= start:
            base_start = b + size
        elif a <= start:
            base_start = b + (start - a)
        if a >= end:
            base_end = b
            break
        if a < end <= a + size:
            base_end = b + (end - a)
            break
    return base_start, max(base_start, base_end)
