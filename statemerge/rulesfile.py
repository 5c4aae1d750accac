"""Finding and reading the rules file (`.statemerge.yaml`) for a merged file.

Trust: a rules file decides conflicts, so only files the merged file's owner controls are read.
Outside a git repository that is the merged file's own folder (or `--rules`); inside one, that
folder and those above it up to the repository's root, never beyond (a `/tmp/.statemerge.yaml`
written by someone else is not picked up). Parsing and matching the rules is the core's
(`statemerge.merging.rules`), which receives plain data.
"""

from __future__ import annotations

from pathlib import Path

from statemerge.errors import InputError, RulesError
from statemerge.merging.rules import Rule, RuleSet, parse_rules, schema_rules

RULES_FILE_NAME = ".statemerge.yaml"


def find_rules_file(merged_file: str | Path) -> Path | None:
    """The `.statemerge.yaml` that applies to `merged_file` (see the module docstring), or None."""
    folder = Path(merged_file).resolve()
    if not folder.is_dir():
        folder = folder.parent
    root = repository_root(folder)
    candidates = [folder]
    if root is not None:
        candidates += [above for above in folder.parents if above == root or root in above.parents]
    for candidate in candidates:
        rules = candidate / RULES_FILE_NAME
        if rules.is_file():
            return rules
    return None


def repository_root(folder: Path) -> Path | None:
    """The nearest folder at or above `folder` holding `.git` (a repository or a worktree)."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def load_rules(rules_path: str | Path, *, merged_path: str | None) -> RuleSet:
    """Read and validate a rules file; `merged_path` selects the `files:` rules that apply."""
    from statemerge.documents import read_bytes
    from statemerge.documents.yaml import parse_yaml_plain

    path = Path(rules_path)
    source = str(path)
    try:
        document = parse_yaml_plain(read_bytes(path), source)
    except InputError as error:
        raise RulesError(error.message) from None
    relative = None
    if merged_path is not None:
        try:
            relative = Path(merged_path).resolve().relative_to(path.resolve().parent).as_posix()
        except ValueError:
            relative = Path(merged_path).as_posix()
    rules = parse_rules(document, source=source, file_path=relative)
    if isinstance(document, dict) and isinstance(document.get("schema"), str):
        rules = rules.extended(load_schema_rules(path.parent / document["schema"]))
    return rules


def load_schema_rules(schema_path: str | Path) -> tuple[Rule, ...]:
    """The list rules of a JSON Schema file (JSON or YAML): x-kubernetes-list-* identities."""
    from statemerge.documents import read_value

    return schema_rules(read_value(schema_path))


def rules_notice(merged_file: str, rules_file: str, resolved: int) -> str:
    """The stderr line `merge` and the driver print when rules decided conflicts, so that a
    rules file never takes a side unseen."""
    return f"{merged_file}: {resolved} conflict(s) resolved by the rules in {rules_file}."
