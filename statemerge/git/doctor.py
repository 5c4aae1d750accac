"""`statemerge git doctor`: what silently breaks structural merging in a clone, and the fix.

git falls back to a text merge without a word when `.gitattributes` routes files to
`merge=statemerge` but this clone's config has no such driver, when the driver line names a Python
that is gone, or for state files no attribute routes. Each problem comes with the command that
fixes it; `--fix` runs those. Rules that take a side for everything are listed as warnings: they
resolve conflicts without anyone seeing them.
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statemerge.git.driver import DRIVER
from statemerge.git.install import (
    Scope,
    attributes_of,
    install,
    local_scope,
    status,
)
from statemerge.git.runner import git_output, run_git

STATE_SUFFIXES = (".json", ".yaml", ".yml")
WHOLESALE_PATHS = ("", "/", "/**")  # a pattern that covers every conflict in a file
SIDE_STRATEGIES = ("ours", "theirs", "base")


@dataclass(frozen=True)
class Finding:
    """One problem (with the command that fixes it) or warning."""

    message: str
    fix_command: str | None = None
    fix: Callable[[], None] | None = None
    warning: bool = False


def examine(cwd: str | os.PathLike[str] | None = None) -> list[Finding]:
    """Everything found in the repository around `cwd` (UsageError outside one)."""
    scope = local_scope(cwd)
    found: list[Finding] = []
    statuses = status(cwd)
    routed = [p for s in statuses for p in s.patterns]
    driver = git_output(["config", "--get", f"merge.{DRIVER}.driver"], cwd)
    driver_scope = next((s.scope for s in statuses if s.driver), scope)
    reinstall = _reinstaller(driver_scope)
    if driver is None:
        if routed:
            found.append(Finding(
                f"The attributes route {' '.join(dict.fromkeys(routed))} to merge={DRIVER}, but "
                f"this clone's git config has no {DRIVER} driver: git merges them as text.",
                "statemerge git install", _reinstaller(scope)))
    else:
        found.extend(_driver_findings(driver, driver_scope, reinstall))
    if driver is not None and not git_output(["config", "--get", f"mergetool.{DRIVER}.cmd"], cwd):
        found.append(Finding(f"`git mergetool --tool {DRIVER}` is not registered.",
                             _command(driver_scope), reinstall))
    found.extend(_unrouted(scope, cwd))
    found.extend(_wholesale_rules(scope, cwd))
    return found


def _driver_findings(driver: str, scope: Scope, reinstall: Callable[[], None]) -> list[Finding]:
    words = shlex.split(driver)
    program = words[0] if words else ""
    if not program or not (shutil.which(program) or Path(program).is_file()):
        return [Finding(f"The {DRIVER} driver runs {program or '(nothing)'}, which does not "
                        "exist: git falls back to a text merge.", _command(scope), reinstall)]
    if words[1:3] != ["-m", "statemerge"]:
        return []
    from statemerge import __version__

    done = _program_output([program, "-c", "import statemerge; print(statemerge.__version__)"])
    if done is None:
        return [Finding(f"The {DRIVER} driver's Python ({program}) cannot import statemerge.",
                        _command(scope), reinstall)]
    if done != __version__:
        return [Finding(f"The {DRIVER} driver runs statemerge {done} ({program}); this is "
                        f"{__version__}.", _command(scope), reinstall)]
    return []


def _program_output(command: list[str]) -> str | None:
    """The stripped output of a program (not git), or None when it fails."""
    import subprocess

    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _unrouted(scope: Scope, cwd: str | os.PathLike[str] | None) -> list[Finding]:
    """Tracked state files that no attribute routes anywhere (explicit choices are kept)."""
    listed = run_git(["ls-files", "-z"], cwd=cwd)
    files = [name for name in os.fsdecode(listed.stdout).split("\0")
             if name.endswith(STATE_SUFFIXES)]
    if not files:
        return []
    attributes = attributes_of(files, cwd)
    unrouted = [name for name in files if attributes.get(name) == "unspecified"]
    if not unrouted:
        return []
    patterns = sorted({"*" + Path(name).suffix for name in unrouted})
    shown = ", ".join(unrouted[:3]) + (f" and {len(unrouted) - 3} more" if len(unrouted) > 3
                                       else "")
    return [Finding(f"{len(unrouted)} state file(s) are not routed to {DRIVER}: {shown}.",
                    "statemerge git install " + " ".join(shlex.quote(p) for p in patterns),
                    lambda: _install(scope, patterns))]


def _wholesale_rules(scope: Scope, cwd: str | os.PathLike[str] | None) -> list[Finding]:
    """Rules that take one side for every conflict of the files they apply to."""
    from statemerge.documents import read_bytes
    from statemerge.documents.yaml import parse_yaml_plain
    from statemerge.errors import InputError

    listed = run_git(["ls-files", "-z", "--", ".statemerge.yaml", "**/.statemerge.yaml"],
                     cwd=cwd)
    root = scope.root or Path.cwd()
    found = []
    for name in sorted(set(filter(None, os.fsdecode(listed.stdout).split("\0")))):
        try:
            document = parse_yaml_plain(read_bytes(root / name), name)
        except InputError as error:
            found.append(Finding(f"{error.message}", warning=True))
            continue
        for where, rule in _raw_rules(document):
            if (isinstance(rule, dict) and rule.get("path") in WHOLESALE_PATHS
                    and rule.get("strategy") in SIDE_STRATEGIES):
                found.append(Finding(
                    f"{name}: rule {rule['path'] or '/'}: {rule['strategy']} ({where}) takes "
                    f"{rule['strategy']} for every conflict: they are resolved without a word.",
                    warning=True))
    return found


def _raw_rules(document: Any) -> list[tuple[str, Any]]:
    if not isinstance(document, dict):
        return []
    rules = [("all files", rule) for rule in document.get("rules") or [] if rule is not None]
    files = document.get("files") or {}
    if isinstance(files, dict):
        for glob, entries in files.items():
            rules.extend((f"files {glob}", rule) for rule in entries or [])
    return rules


def _command(scope: Scope) -> str:
    return "statemerge git install" + (" --global" if scope.name == "global" else "")


def _reinstaller(scope: Scope) -> Callable[[], None]:
    return lambda: _install(scope, [])


def _install(scope: Scope, patterns: list[str]) -> None:
    install(scope, patterns)


__all__ = ["Finding", "examine"]
