"""Finding and reading the rules file (`.statemerge.yaml`) for a merged file.

Trust: a rules file decides conflicts, so only files the merged file's owner controls are read.
Outside a git repository that is the merged file's own folder (or `--rules`); inside one, that
folder and those above it up to the repository's root, never beyond (a `/tmp/.statemerge.yaml`
written by someone else is not picked up). Parsing and matching the rules is the core's
(`statemerge.merging.rules`), which receives plain data.
"""

from __future__ import annotations

import os

from statemerge.errors import InputError, RulesError
from statemerge.merging.rules import Rule, RuleSet, parse_rules, schema_rules

RULES_FILE_NAME = ".statemerge.yaml"


def find_rules_file(merged_file: str | os.PathLike[str]) -> str | None:
    """The `.statemerge.yaml` that applies to `merged_file` (see the module docstring), or None.
    (Paths are strings here: pathlib would cost every merge about 3 ms of start-up.)"""
    folder = os.path.realpath(merged_file)
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    candidates = _folders_up(folder)
    root = repository_root(folder)
    candidates = candidates[:candidates.index(root) + 1] if root is not None else [folder]
    for candidate in candidates:
        rules = os.path.join(candidate, RULES_FILE_NAME)
        if os.path.isfile(rules):
            return rules
    return None


def repository_root(folder: str | os.PathLike[str]) -> str | None:
    """The nearest folder at or above `folder` holding `.git` (a repository or a worktree)."""
    for candidate in _folders_up(os.path.abspath(folder)):
        if os.path.exists(os.path.join(candidate, ".git")):
            return candidate
    return None


def _folders_up(folder: str) -> list[str]:
    """`folder` (absolute) and every folder above it, up to the root."""
    folders = [folder]
    while (parent := os.path.dirname(folders[-1])) != folders[-1]:
        folders.append(parent)
    return folders


def load_rules(rules_path: str | os.PathLike[str], *, merged_path: str | None) -> RuleSet:
    """Read and validate a rules file; `merged_path` selects the `files:` rules that apply."""
    from statemerge.documents import read_bytes
    from statemerge.documents.yaml import parse_yaml_plain

    source = os.fspath(rules_path)
    try:
        document = parse_yaml_plain(read_bytes(source), source)
    except InputError as error:
        raise RulesError(error.message) from None
    relative = None
    if merged_path is not None:
        relative = os.path.relpath(os.path.realpath(merged_path),
                                   os.path.dirname(os.path.realpath(source)))
        if relative.startswith(os.pardir):  # not below the rules file's folder
            relative = os.path.normpath(merged_path)
    rules = parse_rules(document, source=source, file_path=relative)
    if isinstance(document, dict) and isinstance(document.get("schema"), str):
        rules = rules.extended(load_schema_rules(
            os.path.join(os.path.dirname(source), document["schema"])))
    return rules


def load_schema_rules(schema_path: str | os.PathLike[str]) -> tuple[Rule, ...]:
    """The list rules of a JSON Schema file (JSON or YAML): x-kubernetes-list-* identities."""
    from statemerge.documents import read_value

    return schema_rules(read_value(schema_path))


def rules_notice(merged_file: str, rules_file: str, resolved: int) -> str:
    """The stderr line `merge` and the driver print when rules decided conflicts, so that a
    rules file never takes a side unseen."""
    return f"{merged_file}: {resolved} conflict(s) resolved by the rules in {rules_file}."
