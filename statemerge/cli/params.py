"""A command's parameters, read from its function's `Annotated` declarations (no Typer).

`parameters(function)` gives each parameter's kind, names, value type and default, in the
function's order; `cli/dispatch.py` parses with them and `cli/helptext.py` describes them.
"""

from __future__ import annotations

import enum
import types
from typing import Any, get_args, get_origin

from statemerge.cli.lazytyper import CommandFunction, Param
from statemerge.records import Record

REQUIRED: Any = type("Required", (), {"__repr__": lambda self: "REQUIRED"})()
VALUE_TYPES = (str, int, float)  # and pathlib's Path: see `_is_path`


class Parameter(Record):
    """One parameter of a command."""

    name: str  # the function's parameter name
    kind: str  # "argument" or "option"
    names: tuple[str, ...]  # "-o", "--output" (options only)
    value_type: type  # str, pathlib.Path, int, float, bool (flags) or an Enum
    many: bool  # a variadic argument, or an option that may be repeated
    default: Any  # REQUIRED when there is none
    settings: dict[str, Any]  # help=, metavar=, min=, envvar=, ...

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def is_flag(self) -> bool:
        return self.value_type is bool

    @property
    def metavar(self) -> str:
        """How the value is shown in usage and help: FILE, OPS..., [json|yaml], INTEGER."""
        if "metavar" in self.settings:
            shown = str(self.settings["metavar"])
        elif self.kind == "argument":
            shown = self.name.upper()
        elif issubclass(self.value_type, enum.Enum):
            shown = "[" + "|".join(str(member.value) for member in self.value_type) + "]"
        else:
            shown = "PATH" if _is_path(self.value_type) else {int: "INTEGER", float: "FLOAT"}.get(
                self.value_type, "TEXT")
        return shown + ("..." if self.kind == "argument" and self.many and "..." not in shown
                        else "")

    def convert(self, word: str) -> Any:
        """The value of one command-line word; ValueError when it is not one."""
        value: Any = self.value_type(word)
        if isinstance(value, enum.Enum):
            return value
        minimum = self.settings.get("min")
        if minimum is not None and minimum > value:
            raise ValueError(f"{word} is below {minimum}")
        return value


def parameters(function: CommandFunction) -> list[Parameter]:
    """The declared parameters of a command function, in order."""
    from typing import get_type_hints

    hints = get_type_hints(function, include_extras=True)
    code = function.__code__
    names = code.co_varnames[: code.co_argcount]
    defaults = function.__defaults__ or ()
    first_default = len(names) - len(defaults)
    found = []
    for index, name in enumerate(names):
        base, declared = _split(hints[name])
        default = defaults[index - first_default] if index >= first_default else REQUIRED
        value_type, many = _value_type(base)
        names = declared.decls
        if declared.kind == "option" and not names:  # Typer names it after the parameter
            names = ("--" + name.replace("_", "-"),)
        found.append(Parameter(name, declared.kind, names, value_type, many, default,
                               declared.settings))
    return found


def _split(hint: Any) -> tuple[Any, Param]:
    """`Annotated[T, typer.Option(...)]` as T and the declaration."""
    metadata = getattr(hint, "__metadata__", ())
    declared = [item for item in metadata if isinstance(item, Param)]
    if len(declared) != 1:
        raise TypeError(f"{hint}: declare each parameter with one typer.Argument or typer.Option")
    return hint.__origin__, declared[0]


def _value_type(base: Any) -> tuple[type, bool]:
    """The type of one value and whether there are many: `list[Path] | None` is (Path, True)."""
    if isinstance(base, types.UnionType):
        kept = [arg for arg in get_args(base) if arg is not type(None)]
        if len(kept) != 1:
            raise TypeError(f"{base}: one type, or one type | None")
        base = kept[0]
    many = get_origin(base) is list
    if many:
        (base,) = get_args(base)
    if base is bool and not many:
        return bool, False
    if base in VALUE_TYPES or _is_path(base) or (isinstance(base, type)
                                                 and issubclass(base, enum.Enum)):
        return base, many
    raise TypeError(f"{base}: not a type the command line parser knows")


def _is_path(value_type: Any) -> bool:
    """pathlib's Path, known without importing pathlib (about 3 ms of start-up: the commands
    that start often take their file names as `str`)."""
    return getattr(value_type, "__module__", None) == "pathlib" and value_type.__name__ == "Path"

