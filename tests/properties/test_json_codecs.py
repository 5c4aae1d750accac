"""The two JSON codecs of `statemerge.jsonvalue` agree: the standard library (small inputs, no
orjson import) and orjson (large inputs, or once loaded) write the same canonical bytes and read
the same values, for random JSON values and hostile ones (lone surrogates, integers beyond 64
bits, floats in every exponent range, NaN and 1e400 refused). Event ids hash these bytes, so
a log hashes the same whichever codec wrote or read it.

orjson is loaded here, so `canonical_json` and `loads_fast` take their orjson path; the
standard library's is `standard_canonical` and `loads_strict`.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from typing import Any

import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from statemerge.jsonvalue import (
    Alias,
    Tagged,
    canonical_json,
    indented_json,
    loads_fast,
    loads_strict,
    standard_canonical,
    standard_indented,
)

assert orjson.__name__ in sys.modules  # the orjson paths are the ones taken

texts = st.text(st.characters(codec="utf-8") | st.sampled_from(["\ud800", "\udfff", "\x00", "\u2028"]))
numbers = st.one_of(
    st.integers(-(2**70), 2**70),
    st.integers(-(2**63) - 2, 2**64 + 2),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1e-5, 5e-324, 1e16, 1e15, 1.5e300, 1e-4, 123456.789]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
atoms = st.one_of(  # what YAML and TOML add: written by `json_default` (orjson knows the dates)
    st.builds(Alias, texts), st.builds(Tagged, texts, scalars), st.dates(), st.times(),
    st.datetimes(timezones=st.none() | st.timezones()), st.times(timezones=st.timezones()),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)


@given(values | st.lists(scalars | atoms, max_size=4))
@settings(max_examples=400, deadline=None)
@example({"b": [1, 2.5, 1e-5, 1e16], "a": "é", "z": "\ud800"})
@example([2**64, 1e-7, {"\udfff": None}])
def test_both_codecs_write_the_same_canonical_bytes(value: Any) -> None:
    by_orjson = canonical_json(value)
    by_standard = standard_canonical(value)

    assert by_standard is None or by_standard == by_orjson


@given(values)
@settings(max_examples=300, deadline=None)
def test_both_codecs_read_the_same_values(value: Any) -> None:
    for data in (canonical_json(value), json.dumps(value, indent=1).encode("utf-8", "surrogatepass")):
        assert _spelled(loads_fast(data)) == _spelled(loads_strict(data))


@given(values)
@settings(max_examples=200, deadline=None)
def test_the_indented_output_is_orjsons_whichever_codec_writes_it(value: Any) -> None:
    try:
        expected = orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except TypeError:  # beyond orjson: the standard library's spelling
        expected = None
    by_standard = standard_indented(value)

    assert expected is None or indented_json(value) == expected
    assert by_standard is None or by_standard == indented_json(value)


@pytest.mark.parametrize("value", [math.nan, [1.0, -math.inf], {"a": math.inf}])
def test_what_orjson_writes_as_null_the_standard_library_leaves_to_it(value: Any) -> None:
    assert standard_canonical(value) is None and standard_indented(value) is None
    assert canonical_json(value) == orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


@pytest.mark.parametrize("text", [
    b"NaN", b"[Infinity]", b"-Infinity", b"1e400", b"[-2.5E+999]", b"0.1e400",
    b"{\"a\": 1,}", b"[1", b"\"\\ud800", b"\xff", b"",
])
def test_what_is_not_json_is_refused_by_both_codecs(text: bytes) -> None:
    with pytest.raises(ValueError):
        loads_strict(text)
    with pytest.raises(ValueError):
        loads_fast(text)


@pytest.mark.parametrize("text, value", [
    (b"123456789012345678901234567890", 123456789012345678901234567890),
    (b"[18446744073709551616, -9223372036854775809]", [2**64, -(2**63) - 1]),
    (b'"\\ud800x"', "\ud800x"),
    (b'{"\\udfff": 1}', {"\udfff": 1}),
    (b"1e-400", 0.0),
    (b'{"a": 1, "a": 2}', {"a": 2}),
])
def test_hostile_values_read_alike(text: bytes, value: Any) -> None:
    assert _spelled(loads_fast(text)) == _spelled(loads_strict(text)) == _spelled(value)


def test_a_small_log_command_never_imports_orjson_nor_openssl(tmp_path: Any) -> None:
    code = ("import sys\nfrom statemerge.cli.main import main\nsys.argv = ['statemerge'] + "
            "sys.argv[1:]\ntry:\n    main()\nfinally:\n    print('orjson' in sys.modules or "
            "'_hashlib' in sys.modules, file=sys.stderr)\n")
    log = tmp_path / "e.jsonl"
    for words in (["log", "append", str(log), "--agent", "a", "set", "/x", '{"b": [1, "é"]}'],
                  ["log", "replay", str(log)], ["log", "verify", str(log)]):
        done = subprocess.run([sys.executable, "-c", code, *words], capture_output=True,
                              text=True, check=False)

        assert done.returncode == 0, done.stderr
        assert done.stderr.splitlines()[-1] == "False"


def _spelled(value: Any) -> Any:
    """A value with its types made visible (1 vs 1.0 vs True; -0.0), for exact comparison."""
    if isinstance(value, dict):
        return ("dict", [(key, _spelled(item)) for key, item in value.items()])
    if isinstance(value, list):
        return [_spelled(item) for item in value]
    if isinstance(value, float):
        return ("float", math.copysign(1.0, value), repr(value))
    return (type(value).__name__, value)


SWITCHING = """
import json, sys
from pathlib import Path
from statemerge.eventlog import merge_logs, replay, verify_log
from statemerge.eventlog.events import split_lines

data = Path(sys.argv[1]).read_bytes()
result = replay(split_lines(data), source="log")
problems = verify_log(data, source="log")
merged = merge_logs([data], sources=["log"])
print(json.dumps([result.state, result.applied, [list(p) for p in problems], merged.decode(),
                  "orjson" in sys.modules]))
"""


def test_a_long_log_read_by_both_codecs_in_turn_gives_what_orjson_alone_gives(tmp_path: Any) -> None:
    from statemerge.eventlog import merge_logs, replay, verify_log
    from statemerge.eventlog.events import FAST_LINE, LogHead, event_line, split_lines

    head, lines = LogHead({}), []
    for step in range(FAST_LINE + 200):
        value = 2**70 + step if step % 97 == 0 else [step, 1e-5 * step, "é\ud800"[step % 2:]]
        event = head.next_event(("ann", "bo")[step % 2], [{"op": "add", "path": f"/k{step % 50}",
                                                           "value": value}], 1_800_000_000_000_000 + step)
        head.take(event)
        lines.append(event_line(event))
    log = tmp_path / "long.jsonl"
    log.write_bytes(b"".join(lines))
    data = log.read_bytes()

    done = subprocess.run([sys.executable, "-c", SWITCHING, str(log)], capture_output=True,
                          text=True, check=True)
    state, applied, problems, merged, loaded = json.loads(done.stdout)

    assert loaded  # orjson took over at FAST_LINE
    result = replay(split_lines(data), source="log")  # orjson from the first line
    assert (state, applied) == (json.loads(json.dumps(result.state)), FAST_LINE + 200)
    assert problems == [] == verify_log(data, source="log")
    assert merged.encode("utf-8", "surrogatepass") == merge_logs([data], sources=["log"]) == data


def test_dates_and_times_are_written_as_isoformat_writes_them() -> None:
    from datetime import UTC, datetime, time, timedelta, timezone

    offset = timezone(timedelta(hours=5, minutes=30, seconds=15))
    value = [time(0, 0, 0, 10000), datetime(2026, 1, 2, 3, 4, 5, 120, tzinfo=UTC),
             datetime(2026, 1, 1, tzinfo=offset)]

    expected = json.dumps([moment.isoformat() for moment in value], separators=(",", ":")).encode()
    assert canonical_json(value) == standard_canonical(value) == expected


@given(st.from_regex(r"-?(0|[1-9][0-9]{0,25})(\.[0-9]{1,20})?([eE][-+]?[0-9]{1,3})?", fullmatch=True))
@settings(max_examples=300, deadline=None)
def test_every_spelling_of_a_number_reads_alike_or_is_refused_by_both(text: str) -> None:
    data = f'[{text}, {{"n": {text}}}]'.encode()
    try:
        expected = _spelled(loads_strict(data))
    except ValueError:  # too large for a float (1e400)
        with pytest.raises(ValueError):
            loads_fast(data)
        return
    assert _spelled(loads_fast(data)) == expected
