"""`Record`: fields from annotations, defaults, immutability, equality and hashing by fields,
`_replace`/`_asdict`, and no code compiled when a record class is made."""

from __future__ import annotations

import sys
from typing import Any, ClassVar

import pytest

from statemerge.records import Record


class Point(Record):
    x: int
    y: int = 0
    LIMIT: ClassVar[int] = 10  # not a field


class Labelled(Point):
    label: str = ""


def test_fields_come_from_the_annotations_in_order_with_their_defaults() -> None:
    assert Point._fields == ("x", "y")
    assert Labelled._fields == ("x", "y", "label")
    assert Point(1) == Point(x=1, y=0) and Point(1).y == 0
    assert Labelled(1, 2, "a")._asdict() == {"x": 1, "y": 2, "label": "a"}
    assert repr(Labelled(1, label="a")) == "Labelled(x=1, y=0, label='a')"


def test_missing_unknown_and_extra_fields_are_refused() -> None:
    with pytest.raises(TypeError, match="missing field 'x'"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unknown or repeated fields"):
        Point(1, z=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="takes 2 fields, not 3"):
        Point(1, 2, 3)  # type: ignore[call-arg]


def test_records_cannot_change_and_compare_and_hash_by_their_fields() -> None:
    point = Point(1, 2)
    with pytest.raises(AttributeError, match="immutable"):
        point.x = 3  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del point.x  # type: ignore[misc]
    assert point._replace(y=5) == Point(1, 5) and point == Point(1, 2)
    assert {Point(1, 2), Point(1, 2), Point(2, 1)} == {Point(1, 2), Point(2, 1)}
    assert Point(1, 2) != Labelled(1, 2) and Point(1, 2) != (1, 2)


def test_making_a_record_class_compiles_nothing() -> None:
    compiled: list[Any] = []
    counting = [True]

    def hook(event: str, args: Any) -> None:
        if event == "compile" and counting[0]:
            compiled.append(args)

    sys.addaudithook(hook)  # audit hooks cannot be removed: this one counts only in this test
    try:
        class Fresh(Record):
            a: dict[str, list[int]]
            b: tuple[str, ...] = ()

        assert Fresh({"k": [1]}).b == ()
    finally:
        counting[0] = False
    assert compiled == []
