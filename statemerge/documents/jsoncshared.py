"""What a JSONC text shares with another version whose span tree is known (theirs with ours):
the writer needs theirs' spans only where theirs added or changed something, and the rest of
the text is ours' byte for byte.

The two texts agree up to the line where they first differ (`prefix`) and from the line after
they last differ (`suffix`); theirs' suffix stands `delta` characters later. So:
- a member of a container that ends before the prefix does is ours' member, as it is;
- a container that lies in the prefix ends where ours' does, one in the suffix `delta` later;
- a container that opens in the prefix and closes in the suffix closes `delta` later, when the
  lines between (in both texts) open and close brackets only in pairs among themselves: then no
  bracket there can be the partner of one outside. Those lines are read token by token, so
  this is done only when they are few.
Anything else is scanned in theirs' text as usual.
"""

from __future__ import annotations

from bisect import bisect_right

from statemerge.documents.agreement import common_prefix, common_suffix
from statemerge.documents.jsonc import _DECODER, _TOKEN, Member, Node

MAX_MIDDLE = 1 << 16  # characters of differing lines read token by token, at most


class SharedText:
    """`text` (theirs) against `like_text` (ours), whose span tree is `like_root`."""

    def __init__(self, text: str, like_text: str, like_root: Node) -> None:
        self.like_root = like_root
        prefix = common_prefix(text, like_text)
        self.prefix = like_text.rfind("\n", 0, prefix) + 1  # a line start in both
        suffix = common_suffix(text, like_text)
        like_from = len(like_text) - min(suffix, len(text) - self.prefix,
                                         len(like_text) - self.prefix)
        if like_from > 0 and like_text[like_from - 1] != "\n":
            next_line = like_text.find("\n", like_from)
            like_from = len(like_text) if next_line < 0 else next_line + 1
        self.like_suffix = like_from
        self.delta = len(text) - len(like_text)
        self.suffix = like_from + self.delta
        self.spans_middle = (
            like_text.rfind("/*", 0, self.prefix) <= like_text.rfind("*/", 0, self.prefix)
            and _pairs_within(like_text, self.prefix, self.like_suffix)
            and _pairs_within(text, self.prefix, self.suffix))
        self._starts: dict[int, list[int]] = {}

    def prefix_members(self, start: int) -> list[Member]:
        """The leading members of the container at `start` that end before the texts differ."""
        if start >= self.prefix:
            return []
        node = self._like_node(start)
        if node is None or node.members is None:
            return []
        members = node.members
        count = bisect_right([member.after_end for member in members], self.prefix)
        return members[:count]

    def end_of(self, start: int) -> int | None:
        """Where the container at `start` ends, when ours tells; else None."""
        if self.prefix <= start < self.suffix:
            return None
        in_suffix = start >= self.suffix
        node = self._like_node(start - self.delta if in_suffix else start)
        if node is None:
            return None
        if in_suffix:
            return node.end + self.delta
        if node.end <= self.prefix:
            return node.end
        if self.spans_middle and node.end > self.like_suffix:
            return node.end + self.delta
        return None

    def end_in_middle(self, text: str, start: int) -> int | None:
        """Where a container that opens where the texts differ ends, found in the differing
        lines alone (blanked and decoded at C speed); None when it is not found there."""
        if not self.prefix <= start < self.suffix:
            return None
        from statemerge.documents.jsoncfast import blank_fast

        blanked = blank_fast(text[start:self.suffix])
        if blanked is None:
            return None
        try:
            return start + _DECODER.raw_decode(blanked)[1]
        except ValueError:
            return None

    def _like_node(self, start: int) -> Node | None:
        """Ours' container at `start`, among the parts of ours' tree already scanned."""
        node = self.like_root
        while node.start != start:
            members = node.scanned_members
            if not members:
                return None  # not scanned (no need to scan ours for theirs)
            starts = self._starts.get(id(node))
            if starts is None:
                starts = self._starts[id(node)] = [member.node.start for member in members]
            index = bisect_right(starts, start) - 1
            if index < 0 or not members[index].node.start <= start < members[index].node.end:
                return None
            node = members[index].node
        return node


def _pairs_within(text: str, start: int, stop: int) -> bool:
    """Whether the brackets of text[start:stop] (whole tokens, few) pair among themselves."""
    if stop - start > MAX_MIDDLE:
        return False
    depth, position = 0, start
    while position < stop:
        match = _TOKEN.match(text, position)
        if match is None or (match.end() > stop and match.lastgroup != "space"):
            return False  # white space may run on into the lines after; nothing else
        if match.lastgroup == "punct":
            token = match.group()
            depth += 1 if token in "{[" else -1 if token in "}]" else 0
            if depth < 0:
                return False
        position = match.end()
    return depth == 0
