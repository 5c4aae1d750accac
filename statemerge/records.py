"""`Record`: a small immutable class declared by its annotated fields, as a NamedTuple or a
frozen dataclass is, but made without compiling any code.

NamedTuple and dataclass both compile source text when a class is made (an `__init__` or
`__new__`, and for NamedTuple each field's annotation, a string under `from __future__ import
annotations`); the first compile in a process also sets up the compiler. For the thirty records
a command meets on its way that is about 2 ms, a sixth of `python -c pass`, paid by every call
(git runs the merge driver once per file). A Record's fields are read from the class's
annotations without evaluating them.

    >>> class Point(Record):
    ...     x: int
    ...     y: int = 0
    >>> Point(1), Point(1, 2) == Point(x=1, y=2), Point(1)._replace(y=3)
    (Point(x=1, y=0), True, Point(x=1, y=3))
"""

from __future__ import annotations

from typing import Any, ClassVar, Self, dataclass_transform

_NO_DEFAULT: Any = object()


@dataclass_transform(frozen_default=True)
class Record:
    """Fields are the class's annotations (a subclass's follow its parent's), in order; a class
    attribute gives a field's default. Instances compare and hash by their fields and cannot be
    changed (`_replace` gives a changed copy)."""

    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **settings: Any) -> None:
        super().__init_subclass__(**settings)
        annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 (inspect: 6 ms)
        own = [name for name, annotation in annotations.items()
               if not str(annotation).startswith(("ClassVar", "typing.ClassVar"))]
        cls._fields = (*cls._fields, *own)
        cls._defaults = {**cls._defaults,
                         **{name: cls.__dict__[name] for name in own if name in cls.__dict__}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes {len(fields)} fields, not {len(args)}")
        values = self.__dict__
        values.update(zip(fields, args, strict=False))
        for name in fields[len(args):]:
            value = kwargs.pop(name, self._defaults.get(name, _NO_DEFAULT))
            if value is _NO_DEFAULT:
                raise TypeError(f"{type(self).__name__}: missing field {name!r}")
            values[name] = value
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unknown or repeated fields {sorted(kwargs)}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; use _replace")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self), *self.__dict__.values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items())
        return f"{type(self).__name__}({shown})"

    def _replace(self, **changes: Any) -> Self:
        """A copy with some fields changed."""
        return type(self)(**{**self.__dict__, **changes})

    def _asdict(self) -> dict[str, Any]:
        """The fields and their values, in order."""
        return dict(self.__dict__)
