"""The rules file: per-path strategies and list modes, matched by JSON Pointer patterns.

    rules:
      - path: /counters/*        # * is one segment (fnmatch within a segment), ** any number
        strategy: sum
      - path: /tasks
        list: keyed
        key: task_id
    files:
      "state/*.json":            # rules for some files only (globs on the repository path)
        - path: /cache/**
          strategy: theirs

For a conflict, the first rule with a strategy whose pattern matches the conflict's path or one of
its ancestors wins; for an array, the first rule with a list mode whose pattern matches its path.
`files:` rules come before the general ones for the files they name. This module parses rules
given as plain data and matches paths; finding and reading the file is `statemerge.rulesfile`.
"""

from __future__ import annotations

import fnmatch
from functools import lru_cache
from typing import Any

from statemerge.errors import RulesError
from statemerge.pointer import unescape
from statemerge.records import Record

STRATEGIES = ("ours", "theirs", "base", "sum", "max", "min", "lww", "union")
LIST_MODES = ("keyed", "sequence", "atomic", "union")
RULE_FIELDS = {"path", "strategy", "timestamp", "list", "key", "compare"}
COMPARISONS = ("semver", "version")

Tokens = tuple[str, ...]


class Rule(Record):
    """One rule: a path pattern with a strategy and/or a list mode."""

    path: str
    pattern: Tokens
    strategy: str | None = None
    timestamp: str | None = None
    list_mode: str | None = None
    key: str | None = None  # the first identity field (or JSON Pointer) of `keys`
    compare: str | None = None  # max/min: order strings as versions (semver | version)
    keys: tuple[str, ...] = ()  # `key:` fields or JSON Pointers inside the item; all together

    def matches(self, tokens: Tokens) -> bool:
        """Whether the pattern matches this exact path."""
        return _match(self.pattern, tokens)

    def covers(self, tokens: Tokens) -> bool:
        """Whether the pattern matches this path or one of its ancestors."""
        return _covers(self.pattern, tokens)


@lru_cache(maxsize=4096)
def _match(pattern: Tokens, tokens: Tokens) -> bool:
    states = _start(pattern)
    for token in tokens:
        states = _step(pattern, states, token)
    return len(pattern) in states


@lru_cache(maxsize=4096)
def _covers(pattern: Tokens, tokens: Tokens) -> bool:
    states = _start(pattern)
    for token in tokens:
        if len(pattern) in states:
            return True
        states = _step(pattern, states, token)
    return len(pattern) in states


# Matching runs the pattern as a small automaton: a state is a position in the pattern, one
# token is read at a time, and `**` both stays (it takes the token) and moves on (it takes no
# more). That is O(pattern x path) whatever the number of `**`, where trying every split
# recursively took minutes for fifty of them.

def _start(pattern: Tokens) -> frozenset[int]:
    return _closure(pattern, {0})


def _step(pattern: Tokens, states: frozenset[int], token: str) -> frozenset[int]:
    following: set[int] = set()
    for position in states:
        if position == len(pattern):
            continue
        head = pattern[position]
        if head == "**":
            following.add(position)
        elif head == "*" or fnmatch.fnmatchcase(token, head):
            following.add(position + 1)
    return _closure(pattern, following)


def _closure(pattern: Tokens, states: set[int]) -> frozenset[int]:
    """The states plus those reached by letting each `**` match nothing."""
    reached = set(states)
    for position in sorted(states):
        while position < len(pattern) and pattern[position] == "**":
            position += 1
            reached.add(position)
    return frozenset(reached)


class RuleSet(Record):
    """The rules that apply to one file, in order."""

    rules: tuple[Rule, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.rules)

    def extended(self, more: tuple[Rule, ...]) -> RuleSet:
        """These rules, then `more` (a schema's list identities)."""
        return RuleSet(self.rules + more)

    def for_conflict(self, tokens: Tokens) -> Rule | None:
        """The first rule with a strategy that covers a conflict at `tokens`."""
        for rule in self.rules:
            if rule.strategy is not None and rule.covers(tokens):
                return rule
        return None

    def lww_at(self, tokens: Tokens) -> Rule | None:
        """An `lww` rule that decides this node, if it is the first to cover it."""
        rule = self.for_conflict(tokens)
        if rule is not None and rule.strategy == "lww" and rule.matches(tokens):
            return rule
        return None

    def list_rule(self, tokens: Tokens) -> Rule | None:
        """The first rule with a list mode (or `union` strategy) matching an array's path."""
        for rule in self.rules:
            if (rule.list_mode or rule.strategy == "union") and rule.matches(tokens):
                return rule
        return None

    @property
    def has_lww(self) -> bool:
        """Whether any rule is record-level last-writer-wins (checked at every node)."""
        return any(rule.strategy == "lww" for rule in self.rules)


def parse_rules(document: Any, *, source: str, file_path: str | None = None) -> RuleSet:
    """Validate a rules document; `file_path` (relative to the rules file) selects `files:` rules."""
    if document is None:
        return RuleSet()
    if not isinstance(document, dict):
        raise RulesError(f"{source}: a rules file is a mapping with `rules:` and/or `files:`.")
    unknown = set(document) - {"rules", "files", "schema"}
    if unknown:
        raise RulesError(f"{source}: unknown top-level field {sorted(unknown)[0]!r}.")
    general = _parse_list(document.get("rules", []), source, "rules")
    specific: list[Rule] = []
    files = document.get("files", {}) or {}
    if not isinstance(files, dict):
        raise RulesError(f"{source}: `files:` maps path globs to lists of rules.")
    for glob, entries in files.items():
        parsed = _parse_list(entries, source, f"files[{glob!r}]")
        if file_path is not None and fnmatch.fnmatch(file_path, str(glob)):
            specific.extend(parsed)
    if document.get("schema") is not None and not isinstance(document["schema"], str):
        raise RulesError(f"{source}: `schema:` is the path of a JSON Schema file.")
    return RuleSet(tuple(specific + general))


def schema_rules(schema: Any) -> tuple[Rule, ...]:
    """List rules from a JSON Schema's x-kubernetes-list-* fields (after the file's own rules)."""
    from statemerge.merging.listkeys import schema_list_rules

    return tuple(Rule(path, tuple(unescape(token) for token in path[1:].split("/")) if path else (),
                      list_mode=mode, key=keys[0] if keys else None, keys=keys)
                 for path, mode, keys in schema_list_rules(schema))


def _parse_list(entries: Any, source: str, where: str) -> list[Rule]:
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise RulesError(f"{source}: `{where}` must be a list of rules.")
    return [_parse_rule(entry, source, f"{where} #{number}") for number, entry in
            enumerate(entries, 1)]


def _parse_rule(entry: Any, source: str, where: str) -> Rule:
    def fail(reason: str) -> RulesError:
        named = f" (path {entry.get('path')!r})" if isinstance(entry, dict) else ""
        return RulesError(f"{source}: rule {where}{named}: {reason}")

    if not isinstance(entry, dict):
        raise fail("a rule is a mapping with `path` and a `strategy` or `list`.")
    unknown = set(entry) - RULE_FIELDS
    if unknown:
        raise fail(f"unknown field {sorted(unknown)[0]!r} (known: {', '.join(sorted(RULE_FIELDS))}).")
    path = entry.get("path")
    if not isinstance(path, str) or (path and not path.startswith("/")):
        raise fail("`path` must be a JSON Pointer pattern such as /tasks/* or /cache/**.")
    strategy, list_mode = entry.get("strategy"), entry.get("list")
    timestamp, key = entry.get("timestamp"), entry.get("key")
    if strategy is not None and strategy not in STRATEGIES:
        raise fail(f"unknown strategy {strategy!r} (known: {', '.join(STRATEGIES)}).")
    if list_mode is not None and list_mode not in LIST_MODES:
        raise fail(f"unknown list mode {list_mode!r} (known: {', '.join(LIST_MODES)}).")
    compare = entry.get("compare")
    if compare is not None and (compare not in COMPARISONS or strategy not in ("max", "min")):
        raise fail(f"`compare` is one of {', '.join(COMPARISONS)} and goes with strategy max or min.")
    keys: tuple[str, ...] = ()
    if key is not None:
        keys = (key,) if isinstance(key, str) else tuple(key) if isinstance(key, list) else ()
        if not keys or not all(isinstance(name, str) and name for name in keys):
            raise fail("`key` is a field name, a JSON Pointer inside the item, or a list of them.")
        key = keys[0]
        if list_mode not in (None, "keyed"):
            raise fail("`key` goes with `list: keyed`.")
        list_mode = "keyed"
    if strategy == "lww" and not isinstance(timestamp, str):
        raise fail("strategy `lww` needs `timestamp: FIELD`.")
    if timestamp is not None and strategy != "lww":
        raise fail("`timestamp` goes with strategy `lww`.")
    if strategy is None and list_mode is None:
        raise fail("a rule needs a `strategy` or a `list` mode.")
    pattern = tuple(unescape(token) for token in path[1:].split("/")) if path else ()
    return Rule(path, pattern, strategy, timestamp, list_mode, key, compare, keys)
