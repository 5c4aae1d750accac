"""Diffs of sequences (array elements, lines of text) that stay fast on long, similar inputs.

Common prefix and suffix are trimmed; what is left is anchored on items that occur exactly once
on both sides (patience diff), and only the gaps between anchors go to difflib, whose worst case
is quadratic. Items must be hashable.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Sequence

Opcode = tuple[str, int, int, int, int]  # as difflib: tag, a_start, a_end, b_start, b_end

_SMALL = 64  # gaps at most this long (on both sides) go straight to difflib


def opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Opcode]:
    """difflib-style opcodes turning `a` into `b`, adjacent changes merged."""
    blocks = _matching_blocks(a, b, 0, len(a), 0, len(b))
    result: list[Opcode] = []
    i = j = 0
    for a_start, b_start, size in [*blocks, (len(a), len(b), 0)]:
        if i < a_start or j < b_start:
            tag = "replace" if i < a_start and j < b_start else "delete" if i < a_start else "insert"
            result.append((tag, i, a_start, j, b_start))
        if size:
            result.append(("equal", a_start, a_start + size, b_start, b_start + size))
        i, j = a_start + size, b_start + size
    return result


def _matching_blocks(a: Sequence[Hashable], b: Sequence[Hashable], a_lo: int, a_hi: int,
                     b_lo: int, b_hi: int) -> list[tuple[int, int, int]]:
    """Matching (a_start, b_start, size) blocks within a[a_lo:a_hi] and b[b_lo:b_hi], in order."""
    head = 0
    while a_lo + head < a_hi and b_lo + head < b_hi and a[a_lo + head] == b[b_lo + head]:
        head += 1
    tail = 0
    while (a_hi - tail > a_lo + head and b_hi - tail > b_lo + head
           and a[a_hi - 1 - tail] == b[b_hi - 1 - tail]):
        tail += 1
    blocks: list[tuple[int, int, int]] = [(a_lo, b_lo, head)] if head else []
    inner_a, inner_b = (a_lo + head, a_hi - tail), (b_lo + head, b_hi - tail)
    if inner_a[0] < inner_a[1] and inner_b[0] < inner_b[1]:
        blocks.extend(_middle(a, b, *inner_a, *inner_b))
    if tail:
        blocks.append((a_hi - tail, b_hi - tail, tail))
    return _coalesce(blocks)


def _middle(a: Sequence[Hashable], b: Sequence[Hashable], a_lo: int, a_hi: int, b_lo: int,
            b_hi: int) -> list[tuple[int, int, int]]:
    if a_hi - a_lo <= _SMALL or b_hi - b_lo <= _SMALL:
        return _difflib(a, b, a_lo, a_hi, b_lo, b_hi)
    anchors = _unique_anchors(a, b, a_lo, a_hi, b_lo, b_hi)
    if not anchors:
        return _difflib(a, b, a_lo, a_hi, b_lo, b_hi)
    blocks: list[tuple[int, int, int]] = []
    previous_a, previous_b = a_lo, b_lo
    for anchor_a, anchor_b in anchors:
        if anchor_a == previous_a and anchor_b == previous_b and blocks:
            last_a, last_b, size = blocks[-1]
            if last_a + size == anchor_a and last_b + size == anchor_b:
                blocks[-1] = (last_a, last_b, size + 1)
                previous_a, previous_b = anchor_a + 1, anchor_b + 1
                continue
        if anchor_a > previous_a or anchor_b > previous_b:
            blocks.extend(_matching_blocks(a, b, previous_a, anchor_a, previous_b, anchor_b))
        blocks.append((anchor_a, anchor_b, 1))
        previous_a, previous_b = anchor_a + 1, anchor_b + 1
    blocks.extend(_matching_blocks(a, b, previous_a, a_hi, previous_b, b_hi))
    return blocks


def _unique_anchors(a: Sequence[Hashable], b: Sequence[Hashable], a_lo: int, a_hi: int,
                    b_lo: int, b_hi: int) -> list[tuple[int, int]]:
    """Items unique on both sides, in the longest run that is increasing on both (patience)."""
    seen_a: dict[Hashable, int] = {}
    for index in range(a_lo, a_hi):
        seen_a[a[index]] = -1 if a[index] in seen_a else index
    seen_b: dict[Hashable, int] = {}
    for index in range(b_lo, b_hi):
        item = b[index]
        if seen_a.get(item, -1) >= 0:
            seen_b[item] = -1 if item in seen_b else index
    pairs = [(seen_a[item], index) for item, index in seen_b.items() if index >= 0]
    pairs.sort(key=lambda pair: pair[1])
    # longest increasing subsequence of a-positions, in b order
    tails: list[int] = []
    tail_index: list[int] = []
    back: list[int] = [-1] * len(pairs)
    for position, (a_index, _) in enumerate(pairs):
        slot = bisect_left(tails, a_index)
        if slot == len(tails):
            tails.append(a_index)
            tail_index.append(position)
        else:
            tails[slot] = a_index
            tail_index[slot] = position
        back[position] = tail_index[slot - 1] if slot else -1
    chain: list[tuple[int, int]] = []
    cursor = tail_index[-1] if tail_index else -1
    while cursor >= 0:
        chain.append(pairs[cursor])
        cursor = back[cursor]
    chain.reverse()
    return chain


def _difflib(a: Sequence[Hashable], b: Sequence[Hashable], a_lo: int, a_hi: int, b_lo: int,
             b_hi: int) -> list[tuple[int, int, int]]:
    from difflib import SequenceMatcher  # only for gaps between anchors

    matcher = SequenceMatcher(None, a[a_lo:a_hi], b[b_lo:b_hi], autojunk=False)
    return [(a_lo + i, b_lo + j, size) for i, j, size in matcher.get_matching_blocks() if size]


def _coalesce(blocks: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    merged: list[tuple[int, int, int]] = []
    for a_start, b_start, size in blocks:
        if merged and merged[-1][0] + merged[-1][2] == a_start and merged[-1][1] + merged[-1][2] == b_start:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + size)
        elif size:
            merged.append((a_start, b_start, size))
    return merged
