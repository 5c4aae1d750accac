"""Rules patterns match in linear time, and the same paths as the plain recursive definition."""

from __future__ import annotations

import fnmatch
import time

from hypothesis import given
from hypothesis import strategies as st

from statemerge.merging.rules import Rule


def reference_match(pattern: tuple[str, ...], tokens: tuple[str, ...]) -> bool:
    """The definition: `**` any number of segments, `*` one, else fnmatch within a segment."""
    if not pattern:
        return not tokens
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(reference_match(rest, tokens[skip:]) for skip in range(len(tokens) + 1))
    if not tokens:
        return False
    if head != "*" and not fnmatch.fnmatchcase(tokens[0], head):
        return False
    return reference_match(rest, tokens[1:])


segments = st.sampled_from(["a", "b", "ab", "x1"])
patterns = st.lists(st.sampled_from(["**", "*", "a", "b", "a*", "?b", "x[0-9]"]), max_size=6)


@given(patterns, st.lists(segments, max_size=7))
def test_matching_agrees_with_the_recursive_definition(pattern: list[str], path: list[str]) -> None:
    rule = Rule("/" + "/".join(pattern), tuple(pattern), strategy="ours")
    tokens = tuple(path)

    assert rule.matches(tokens) == reference_match(tuple(pattern), tokens)
    assert rule.covers(tokens) == any(reference_match(tuple(pattern), tokens[:end])
                                      for end in range(len(tokens) + 1))


def test_fifty_double_stars_against_a_deep_path_match_in_linear_time() -> None:
    pattern = ("**",) * 50 + ("never",)
    rule = Rule("/" + "/".join(pattern), pattern, strategy="theirs")
    path = ("a",) * 1000
    started = time.perf_counter()

    assert not rule.matches(path)
    assert not rule.covers(path)

    assert time.perf_counter() - started < 5  # ~0.2 s; the recursive matcher took minutes
