"""Plain-data reading of JSON/YAML files with clear errors, and canonical JSON output."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from statemerge.errors import InputError

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


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a file, with one clear error for missing files, folders and the like."""
    target = Path(path)
    try:
        return target.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file.") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied.") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror}).") from None


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
