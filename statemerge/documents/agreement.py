"""Where two versions of a text agree: how long they open alike and end alike.

Found by halving, so that the comparisons run at C speed: the versions of a merged file share
most of their bytes, and the writers take a version's layout from another's where they agree
(`tomlscan`, `jsoncshared`).
"""

from __future__ import annotations


def common_prefix(one: str, other: str) -> int:
    """The length of the longest text both open with."""
    low, high = 0, min(len(one), len(other))
    while low < high:
        middle = (low + high + 1) // 2
        if one[low:middle] == other[low:middle]:  # both open with the first `low`
            low = middle
        else:
            high = middle - 1
    return low


def common_suffix(one: str, other: str) -> int:
    """The length of the longest text both end with."""
    low, high = 0, min(len(one), len(other))
    while low < high:
        middle = (low + high + 1) // 2
        if one[len(one) - middle:len(one) - low] == other[len(other) - middle:len(other) - low]:
            low = middle
        else:
            high = middle - 1
    return low
