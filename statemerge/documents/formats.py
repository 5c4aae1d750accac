"""Plain-data reading of JSON/YAML files with clear errors, and canonical JSON output."""

from __future__ import annotations

import os
import stat
from typing import Any, Literal

from statemerge.errors import InputError, UsageError

Format = Literal["json", "yaml", "jsonc", "json5", "toml"]
FORMATS: tuple[Format, ...] = ("json", "yaml", "jsonc", "json5", "toml")

YAML_SUFFIXES = (".yaml", ".yml")
SUFFIXES: dict[str, Format] = {".jsonc": "jsonc", ".json5": "json5", ".toml": "toml"}
# .json files that are JSON with comments by convention (TypeScript, VS Code, dev containers)
JSONC_NAMES = ("tsconfig*.json", "jsconfig*.json", "devcontainer.json", ".devcontainer.json",
               ".vscode/*.json", "*/.vscode/*.json", ".eslintrc.json", "*.code-workspace")


def detect_format(name: str, override: str | None = None) -> Format:
    """The format for a file name (`.yaml`/`.yml` YAML, `.jsonc`/`.json5`/`.toml` as named, the
    usual JSON-with-comments files JSONC, anything else JSON), or the override."""
    if override is not None:
        if override not in FORMATS:
            raise InputError(f"Unknown format {override!r}: use {', '.join(FORMATS)}.")
        return next(fmt for fmt in FORMATS if fmt == override)
    lowered = name.lower().replace("\\", "/")
    if lowered.endswith(YAML_SUFFIXES):
        return "yaml"
    for suffix, fmt in SUFFIXES.items():
        if lowered.endswith(suffix):
            return fmt
    import fnmatch

    base = lowered.rsplit("/", 1)[-1]
    if any(fnmatch.fnmatchcase(base if "/" not in glob else lowered, glob) for glob in JSONC_NAMES):
        return "jsonc"
    return "json"


MAX_INPUT_ENV = "STATEMERGE_MAX_INPUT"
DEFAULT_MAX_INPUT = 256 * 2**20  # bytes; state files are far smaller, /dev/zero is not
STDIN = "-"
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def input_limit() -> int:
    """The largest input file read, in bytes: $STATEMERGE_MAX_INPUT (e.g. `2G`, `500M`) or 256M."""
    text = os.environ.get(MAX_INPUT_ENV, "").strip().upper().removesuffix("B").removesuffix("I")
    if not text:
        return DEFAULT_MAX_INPUT
    number, unit = (text[:-1], text[-1]) if text[-1:] in _UNITS else (text, "")
    if not number.isdigit():
        raise UsageError(f"${MAX_INPUT_ENV} must be a size such as 500M or 2G, not {text!r}.")
    return int(number) * _UNITS[unit]


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular file (or of stdin for `-`), up to `input_limit()`.

    Folders, FIFOs, devices and sockets are refused with one clear error: reading them would
    block or never end.
    """
    name = os.fspath(path)
    if name == STDIN:
        return _read_stdin()
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise _read_error(name, error) from None
    try:
        info = os.fstat(fd)
        _check_regular(name, info.st_mode)
        _check_size(name, info.st_size)
        with open(fd, "rb", closefd=False) as handle:
            data = handle.read()
    except OSError as error:
        raise _read_error(name, error) from None
    finally:
        os.close(fd)
    _check_size(name, len(data))
    return data


def require_regular_file(path: str | os.PathLike[str]) -> None:
    """Refuse a path that is not a regular file, before a streaming reader opens it."""
    name = os.fspath(path)
    try:
        mode = os.stat(name).st_mode
    except OSError as error:
        raise _read_error(name, error) from None
    _check_regular(name, mode)


def _check_regular(name: str, mode: int) -> None:
    """Refuse anything but a regular file, saying what it is."""
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise InputError(f"{name}: is a directory, not a file.")
    if stat.S_ISFIFO(mode):
        kind = "a FIFO (named pipe)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    else:
        kind = "not a regular file"
    raise InputError(f"{name}: is {kind}; statemerge reads regular files only.")


def _check_size(name: str, size: int) -> None:
    limit = input_limit()
    if size > limit:
        raise InputError(f"{name}: {size} bytes is over the input limit of {limit} bytes "
                         f"(raise it with ${MAX_INPUT_ENV}, e.g. {MAX_INPUT_ENV}=2G).")


def _read_stdin() -> bytes:
    """Stdin, read in pieces up to the input limit."""
    import sys

    limit = input_limit()
    stream = sys.stdin.buffer
    pieces: list[bytes] = []
    size = 0
    while True:
        piece = stream.read(1 << 20)
        if not piece:
            return b"".join(pieces)
        size += len(piece)
        pieces.append(piece)
        if size > limit:
            _check_size("- (stdin)", size)


def _read_error(name: str, error: OSError) -> InputError:
    if isinstance(error, FileNotFoundError):
        return InputError(f"{name}: no such file.")
    if isinstance(error, IsADirectoryError):
        return InputError(f"{name}: is a directory, not a file.")
    if isinstance(error, PermissionError):
        return InputError(f"{name}: permission denied.")
    return InputError(f"{name}: cannot be read ({error.strerror or error}).")


def parse_value(data: bytes, source: str, fmt: Format) -> Any:
    """Parse JSON, YAML, JSONC, JSON5 or TOML bytes into plain data; errors name `source`, line
    and column."""
    if fmt == "toml":
        from statemerge.documents.toml import parse_toml

        return parse_toml(data, source)
    if fmt in ("jsonc", "json5"):
        from statemerge.documents.jsonc import parse_jsonc

        return parse_jsonc(data, source, "json5" if fmt == "json5" else "jsonc")
    if fmt == "yaml":
        from statemerge.documents.yaml import parse_yaml_plain

        return parse_yaml_plain(data, source)
    from statemerge.documents.jsontext import parse_json

    return parse_json(data, source)


def read_value(path: str | os.PathLike[str], fmt: str | None = None) -> Any:
    """Read a JSON/YAML/JSONC/JSON5/TOML file into plain data."""
    name = os.fspath(path)
    return parse_value(read_bytes(name), name, detect_format(name, fmt))


def read_detected(path: str | os.PathLike[str]) -> Any:
    """`read_value`, with a `.json` file that holds comments or trailing commas read as JSONC
    (for commands that only read, such as `diff`)."""
    name = os.fspath(path)
    return parse_detected(read_bytes(name), name)


def parse_detected(data: bytes, source: str) -> Any:
    """Parse bytes in the format of their file name; a `.json` file that holds comments or
    trailing commas is read as JSONC."""
    from statemerge.errors import DuplicateKeyError, ParseError

    fmt = detect_format(source)
    try:
        return parse_value(data, source, fmt)
    except DuplicateKeyError:
        raise
    except ParseError:
        if fmt != "json":
            raise
        from statemerge.documents.jsonc import has_jsonc_syntax

        if not has_jsonc_syntax(data.decode("utf-8", "replace")):
            raise
    return parse_value(data, source, "jsonc")


def dump_canonical(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8, a trailing newline. Equal values, equal bytes."""
    from statemerge.jsonvalue import canonical_json

    return canonical_json(value) + b"\n"
