"""The fast parser (cli/dispatch.py) and the Typer command read the same `merge` arguments into
the same request.

The fast parser may decline (None: Typer then handles the call); when it accepts, Typer must accept
too and build an equal request.
"""

from __future__ import annotations

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st

from statemerge.cli.app import app
from statemerge.cli.dispatch import HELP, parse
from statemerge.cli.merge import merge, typer_request
from statemerge.cli.mergerun import MergeRequest
from statemerge.cli.params import parameters

MERGE = typer.main.get_command(app).commands["merge"]  # type: ignore[attr-defined]

paths = st.sampled_from(["a.json", "a//b/./c.json", "./x.yaml", "-", "dir/", "é.json", "", "a b"])
words = st.one_of(
    paths,
    st.sampled_from(["-o", "--output", "--format", "--rules", "--conflict", "-L", "--label",
                     "--marker-size", "--report-json", "--diff3", "-q", "--quiet", "--", "-x",
                     "--output=o.json", "--conflict=ours", "--conflict=bad", "--format=yaml",
                     "--format=toml", "--marker-size=0", "--marker-size=9", "--diff3=1"]),
    st.sampled_from(["json", "yaml", "markers", "object", "ours", "theirs", "0", "1", "12", "²",
                     "+3", "007", "-1"]),
)


option_words = st.one_of(
    st.tuples(st.sampled_from(["-o", "--output", "--rules", "--report-json"]), paths),
    st.tuples(st.sampled_from(["-L", "--label"]), st.sampled_from(["ours", "x y", "-", "", "é"])),
    st.tuples(st.just("--conflict"), st.sampled_from(["markers", "object", "ours", "theirs"])),
    st.tuples(st.just("--format"), st.sampled_from(["json", "yaml"])),
    st.tuples(st.just("--marker-size"), st.sampled_from(["1", "7", "12", "0", "007"])),
    st.tuples(st.sampled_from(["--diff3", "-q", "--quiet"])),
)


@st.composite
def plausible_calls(draw: st.DrawFn) -> list[str]:
    """Three paths and options in any order: most of these the fast parser accepts."""
    pieces: list[tuple[str, ...]] = [(draw(paths),) for _ in range(3)]
    pieces += draw(st.lists(option_words, max_size=6))
    order = draw(st.permutations(range(len(pieces))))
    return [word for index in order for word in pieces[index]]


def parse_merge_args(args: list[str]) -> MergeRequest | None:
    """The request the fast parser builds, or None when it leaves the call to Typer."""
    values = parse(parameters(merge), args)
    return None if values is None or values is HELP else typer_request(values)


def typer_parse(args: list[str]) -> MergeRequest | None:
    """The request the Typer command would run, or None when it refuses the arguments."""
    try:
        context = MERGE.make_context("merge", list(args))
    except Exception:  # a usage error: Typer prints it and exits 2
        return None
    return typer_request(context.params)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.lists(words, max_size=9), plausible_calls()))
def test_the_fast_parser_and_typer_build_the_same_request(args: list[str]) -> None:
    fast = parse_merge_args(args)
    if fast is not None:
        assert typer_parse(args) == fast


@pytest.mark.parametrize(
    "args",
    [
        ["b.json", "o.json", "t.json"],
        ["a//b/./c.json", "o.json", "t.json", "-o", "out//x.json"],
        ["b.json", "o.json", "t.json", "--marker-size", "3", "-L", "x", "--conflict", "ours"],
    ],
)
def test_plain_arguments_take_the_fast_path(args: list[str]) -> None:
    assert parse_merge_args(args) is not None
    assert typer_parse(args) == parse_merge_args(args)


def test_a_marker_size_typer_refuses_is_left_to_typer() -> None:
    args = ["b.json", "o.json", "t.json", "--marker-size", "0"]
    assert typer_parse(args) is None
    assert parse_merge_args(args) is None
