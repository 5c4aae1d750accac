"""Reading documents: every kind of bad input is one clear error; layout is kept on writing."""

from __future__ import annotations

import pytest

from statemerge.documents import parse_value
from statemerge.documents.layout import parse_document
from statemerge.errors import DuplicateKeyError, ParseError
from statemerge.merging.values import Tagged


def test_unparsable_json_names_file_line_and_column() -> None:
    with pytest.raises(ParseError) as raised:
        parse_value(b'{\n  "a": 1,\n  "b": \n}\n', "state.json", "json")
    assert str(raised.value).startswith("state.json:4:1: invalid JSON")


def test_duplicate_json_key_names_key_and_line() -> None:
    with pytest.raises(DuplicateKeyError) as raised:
        parse_value(b'{\n  "a": {"x": 1,\n        "x": 2}\n}', "s.json", "json")
    assert str(raised.value) == "s.json:3:9: duplicate key 'x' in one object."


def test_duplicate_key_in_a_compact_canonical_file_is_caught() -> None:
    with pytest.raises(DuplicateKeyError):
        parse_value(b'{"a":1,"a":2}', "s.json", "json")


def test_binary_content_is_refused() -> None:
    with pytest.raises(ParseError, match="binary content"):
        parse_value(b'{"a": "\x00"}', "s.json", "json")


def test_non_utf8_is_refused_with_its_line() -> None:
    with pytest.raises(ParseError, match=r"s.json:2: not valid UTF-8"):
        parse_value(b'{\n"a": "\xe9"}', "s.json", "json")


def test_big_integers_are_kept_exactly() -> None:
    assert parse_value(b'{"n": 123456789012345678901234567890}', "s", "json") == {
        "n": 123456789012345678901234567890}


def test_nan_is_not_json() -> None:
    with pytest.raises(ParseError, match="NaN"):
        parse_value(b'{"n": NaN}', "s.json", "json")


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    deep = b"[" * 5000 + b"]" * 5000
    with pytest.raises(ParseError, match="nested deeper"):
        parse_value(deep, "deep.json", "json")


def test_yaml_tags_that_build_objects_are_refused() -> None:
    with pytest.raises(ParseError, match="python/object"):
        parse_value(b"a: !!python/object:os.system x\n", "v.yaml", "yaml")


def test_yaml_custom_tags_are_kept_as_tagged_values() -> None:
    value = parse_value(b"a: !Ref Bucket\nb: !Sub [x, {y: 1}]\n", "v.yaml", "yaml")
    assert value == {"a": Tagged("!Ref", "Bucket"), "b": Tagged("!Sub", ["x", {"y": 1}])}


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    with pytest.raises(ParseError, match="alias bomb"):
        parse_value("\n".join(lines).encode(), "bomb.yaml", "yaml")


def test_yaml_aliases_within_bounds_expand() -> None:
    value = parse_value(b"base: &b {x: 1}\nthere: *b\n", "v.yaml", "yaml")
    assert value == {"base": {"x": 1}, "there": {"x": 1}}


def test_yaml_duplicate_key_is_refused_with_line() -> None:
    with pytest.raises(DuplicateKeyError) as raised:
        parse_value(b"a: 1\nb: 2\na: 3\n", "v.yaml", "yaml")
    assert "v.yaml:3" in str(raised.value) and "'a'" in str(raised.value)


def test_yaml_is_yaml_1_2_so_yes_stays_a_string() -> None:
    assert parse_value(b"on: yes\n", "ci.yaml", "yaml") == {"on": "yes"}


def test_yaml_dates_stay_strings() -> None:
    assert parse_value(b"d: 2026-11-27\n", "v.yaml", "yaml") == {"d": "2026-11-27"}


def test_yaml_several_documents_read_as_a_list_of_documents() -> None:
    assert parse_value(b"a: 1\n---\nb: 2\n", "v.yaml", "yaml") == [{"a": 1}, {"b": 2}]


def test_yaml_recursive_alias_is_refused_with_its_line() -> None:
    with pytest.raises(ParseError, match=r"v.yaml:1:\d+: .*recursive alias"):
        parse_value(b"a: &x [1, *x]\n", "v.yaml", "yaml")


def test_yaml_integer_over_4300_digits_is_refused() -> None:
    with pytest.raises(ParseError, match="4,300 digits"):
        parse_value(b"n: " + b"9" * 5000 + b"\n", "v.yaml", "yaml")


def test_deep_yaml_is_refused_while_parsing_in_linear_time() -> None:
    import time

    started = time.perf_counter()
    with pytest.raises(ParseError, match="nest"):
        parse_value(b"[" * 100_000 + b"]" * 100_000, "deep.yaml", "yaml")
    assert time.perf_counter() - started < 2


def test_unparsable_yaml_names_line_and_column() -> None:
    with pytest.raises(ParseError) as raised:
        parse_value(b"a: [1,\nb: 2\n", "v.yaml", "yaml")
    assert str(raised.value).startswith("v.yaml:")


@pytest.mark.parametrize(
    ("text", "changed"),
    [
        ('{\n\t"a": 1,\n\t"b": [1, 2]\n}', '{\n\t"a": 2,\n\t"b": [1, 2]\n}'),
        ('{\r\n    "a": 1,\r\n    "b": "\u00e9"\r\n}\r\n', '{\r\n    "a": 2,\r\n    "b": "\u00e9"\r\n}\r\n'),
        ('{"a":1,"b":{"c":[1,2]}}', '{"a":2,"b":{"c":[1,2]}}'),
        ('{\n  "a": 1,\n  "f": 1e-07,\n  "g": 1.0\n}', '{\n  "a": 2,\n  "f": 1e-07,\n  "g": 1.0\n}'),
    ],
)
def test_changing_one_value_keeps_every_other_byte(text: str, changed: str) -> None:
    document = parse_document(text.encode(), "s.json", "json")
    assert document.render({**document.value, "a": 2}) == changed


def test_new_member_of_an_inline_object_stays_inline() -> None:
    document = parse_document(b'{\n  "limits": {"cpu": 1},\n  "x": 0\n}\n', "s.json", "json")
    rendered = document.render({"limits": {"cpu": 1, "mem": 2}, "x": 0})
    assert rendered == '{\n  "limits": {"cpu": 1, "mem": 2},\n  "x": 0\n}\n'


def test_yaml_comments_and_quotes_of_untouched_parts_survive() -> None:
    text = "# header\nname: app  # why\nimage:\n  tag: '1.0'\nreplicas: 2\n"
    document = parse_document(text.encode(), "v.yaml", "yaml")
    rendered = document.render({"name": "app", "image": {"tag": "1.0"}, "replicas": 3})
    assert rendered == "# header\nname: app  # why\nimage:\n  tag: '1.0'\nreplicas: 3\n"


def test_yaml_blank_line_after_a_list_follows_its_new_last_item() -> None:
    text = "env:\n  - name: A\n    value: '1'\n\nnext: 1\n"
    document = parse_document(text.encode(), "v.yaml", "yaml")
    rendered = document.render({"env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                                "next": 1})
    assert rendered == "env:\n  - name: A\n    value: '1'\n  - name: B\n    value: '2'\n\nnext: 1\n"


def test_yaml_end_of_line_comment_stays_on_its_line_when_a_key_is_appended() -> None:
    text = "a: 1\nb: 2   # last\n\n# trailer\n"
    document = parse_document(text.encode(), "v.yaml", "yaml")
    assert document.render({"a": 1, "b": 2, "c": 3}) == "a: 1\nb: 2   # last\nc: 3\n\n# trailer\n"


def test_items_added_to_a_one_line_object_use_the_documents_own_comma_spacing() -> None:
    spaced = parse_document(b'{"n": {"a": 1}, "m": 2}', "s.json", "json")
    assert spaced.render({"n": {"a": 1, "b": 2}, "m": 2}) == '{"n": {"a": 1, "b": 2}, "m": 2}'
    tight = parse_document(b'{"n":{"a":1},"m":2}', "s.json", "json")
    assert tight.render({"n": {"a": 1, "b": 2}, "m": 2}) == '{"n":{"a":1,"b":2},"m":2}'
