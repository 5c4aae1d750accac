"""Installing statemerge as git's merge driver, removing it, and showing what is configured.

git config gets `merge.statemerge.name` and `.driver`; `.gitattributes` (or the global attributes
file) gets `PATTERN merge=statemerge` lines.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from statemerge.errors import InputError, UsageError
from statemerge.git.driver import DEFAULT_PATTERNS, DRIVER
from statemerge.git.runner import failure_detail, git_output, run_git

__all__ = ["DEFAULT_PATTERNS", "DRIVER"]


# Installing the driver: git config (name, driver) and `PATTERN merge=statemerge` attribute lines.
# What install adds is recorded under merge.statemerge.* (git ignores keys it does not know), so
# uninstall removes exactly that: the attribute lines it added, the files and folders it created.
# A repository's .gitattributes that git tracks is shared by every clone: uninstall leaves it
# alone unless asked (`attributes=True`).

_SECTION = f"merge.{DRIVER}"
_ADDED_KEY = f"{_SECTION}.installedAttribute"
_CREATED_KEY = f"{_SECTION}.createdFile"
_FOLDER_KEY = f"{_SECTION}.createdFolder"
_TOOL_SECTION = f"mergetool.{DRIVER}"  # `git mergetool --tool statemerge`


@dataclass(frozen=True)
class Scope:
    """Where the driver is configured: one repository (`local`) or the user's (`global`)."""

    name: str  # "local" or "global"
    config_file: Path
    attributes_file: Path
    root: Path | None = None  # the repository's working tree, for `local`


@dataclass
class InstallReport:
    """What `install` changed (nothing, when it was already installed)."""

    scope: Scope
    driver: str
    driver_changed: bool
    added: list[str]  # attribute patterns added
    present: list[str]  # patterns that were already there


@dataclass
class UninstallReport:
    """What `uninstall` removed."""

    scope: Scope
    removed_driver: bool
    removed: list[str]  # attribute patterns removed
    deleted_files: list[Path]
    kept_attributes: list[str]  # patterns left in a tracked .gitattributes (no `attributes=True`)


@dataclass
class ScopeStatus:
    """The driver's configuration in one scope."""

    scope: Scope
    driver: str | None
    driver_found: bool  # the command the driver line starts exists
    patterns: list[str]  # `PATTERN merge=statemerge` lines in the scope's attribute files


def driver_command(executable: str | None = None) -> str:
    """The driver line git runs: the absolute interpreter, so a virtual environment need not be on
    PATH. `%S %X %Y` (labels) are filled in by git >= 2.44 and passed literally by older ones."""
    import shlex

    python = shlex.quote(executable or sys.executable)
    return f"{python} -m statemerge git merge-driver %O %A %B %L %P %S %X %Y"


def mergetool_command(executable: str | None = None) -> str:
    """The command `git mergetool --tool statemerge` runs: the interactive resolver on the file,
    whose exit status git trusts (0 resolved, 1 conflicts left)."""
    import shlex

    python = shlex.quote(executable or sys.executable)
    return (f'{python} -m statemerge resolve -i "$MERGED" --base "$BASE" --ours "$LOCAL" '
            '--theirs "$REMOTE"')


def local_scope(cwd: str | os.PathLike[str] | None = None) -> Scope:
    """The repository around `cwd`; UsageError outside one."""
    where = ["rev-parse", "--path-format=absolute", "--show-toplevel", "--git-common-dir"]
    found = git_output(where, cwd)
    if not found or len(found.splitlines()) != 2:
        raise UsageError("Not inside a git working tree: run this in a repository or use --global.")
    top, common = found.splitlines()
    return Scope("local", Path(common) / "config", Path(top) / ".gitattributes", Path(top))


def global_scope() -> Scope:
    """The user's git config and attributes files, chosen as git chooses them."""
    home = Path(os.environ.get("HOME") or Path.home())
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "git"
    config = Path(os.environ.get("GIT_CONFIG_GLOBAL") or home / ".gitconfig")
    if "GIT_CONFIG_GLOBAL" not in os.environ and not config.exists() and (xdg / "config").exists():
        config = xdg / "config"
    attributes = git_output(["config", "--global", "--get", "core.attributesFile"])
    path = Path(os.path.expanduser(attributes)) if attributes else xdg / "attributes"
    return Scope("global", config, path)


def find_scope(use_global: bool, cwd: str | os.PathLike[str] | None = None) -> Scope:
    """The global scope, or the repository around `cwd`."""
    return global_scope() if use_global else local_scope(cwd)


def install(scope: Scope, patterns: list[str], command: str | None = None) -> InstallReport:
    """Configure the driver and route `patterns` to it; running it twice changes nothing."""
    for pattern in patterns:
        if not pattern or any(c.isspace() for c in pattern) or pattern[0] in "#!":
            raise UsageError(f"Pattern {pattern!r} cannot go in an attributes file as it is.")
    wanted = command or driver_command()
    new_folders = _missing_folders(scope.config_file.parent)
    created = _config_all(scope, _CREATED_KEY)
    if not scope.config_file.exists():
        created.append(str(scope.config_file))
        _config(scope, "--add", _CREATED_KEY, str(scope.config_file))
    for folder in new_folders:
        _config(scope, "--add", _FOLDER_KEY, str(folder))
    driver_changed = _config_all(scope, f"{_SECTION}.driver") != [wanted]
    if driver_changed:
        _config(scope, f"{_SECTION}.name", "statemerge structural merge of JSON/YAML state files")
        _config(scope, f"{_SECTION}.driver", wanted)
    tool = mergetool_command()
    if _config_all(scope, f"{_TOOL_SECTION}.cmd") != [tool]:
        _config(scope, f"{_TOOL_SECTION}.cmd", tool)
        _config(scope, f"{_TOOL_SECTION}.trustExitCode", "true")
        driver_changed = True
    text = _read_text(scope.attributes_file)
    present = [p for p in dict.fromkeys(patterns) if p in attribute_patterns(text)]
    added = [p for p in dict.fromkeys(patterns) if p not in present]
    if added:
        if text is None and str(scope.attributes_file) not in created:
            _config(scope, "--add", _CREATED_KEY, str(scope.attributes_file))
            for folder in _missing_folders(scope.attributes_file.parent):
                _config(scope, "--add", _FOLDER_KEY, str(folder))
        text = text or ""
        text += "" if not text or text.endswith("\n") else "\n"
        text += "".join(f"{pattern} merge={DRIVER}\n" for pattern in added)
        _write_text(scope.attributes_file, text)
        for pattern in added:
            _config(scope, "--add", _ADDED_KEY, pattern)
    return InstallReport(scope, wanted, driver_changed, added, present)


def uninstall(scope: Scope, *, attributes: bool = False) -> UninstallReport:
    """Remove what install added: the config section, its attribute lines, the files and folders
    it created. A .gitattributes that git tracks is edited only with `attributes` (then every
    `merge=statemerge` in it goes, also lines install did not add)."""
    added = _config_all(scope, _ADDED_KEY)
    created = [Path(name) for name in _config_all(scope, _CREATED_KEY)]
    folders = [Path(name) for name in _config_all(scope, _FOLDER_KEY)]
    had_driver = bool(_config_all(scope, f"{_SECTION}.driver"))
    text = _read_text(scope.attributes_file)
    removed: list[str] = []
    kept: list[str] = []
    if text is not None:
        if attributes:
            text, removed = _without_driver(text, None)
        elif _tracked(scope):
            kept = attribute_patterns(text)
        elif added:
            text, removed = _without_driver(text, added)
        if removed:
            _write_text(scope.attributes_file, text)
    if scope.config_file.exists() and (had_driver or added or created):
        git_output(["config", "--file", str(scope.config_file), "--remove-section", _SECTION])
        git_output(["config", "--file", str(scope.config_file), "--remove-section",
                    _TOOL_SECTION])
    deleted = [path for path in created if path.is_file() and not path.read_bytes().strip()]
    for path in deleted:
        path.unlink()
    for folder in sorted(folders, key=lambda path: len(path.parts), reverse=True):
        with contextlib.suppress(OSError):  # not empty (or gone): it stays
            folder.rmdir()
    return UninstallReport(scope, had_driver, removed, deleted, kept)


def _without_driver(text: str, patterns: list[str] | None) -> tuple[str, list[str]]:
    """The attributes text without `merge=statemerge` for `patterns` (None: for every pattern);
    a line left with no attribute goes. Returns the text and the patterns removed."""
    lines = text.splitlines(keepends=True)
    removed: list[str] = []
    wanted = list(patterns) if patterns is not None else None
    for index, line in enumerate(lines):
        fields = line.split()
        if len(fields) < 2 or f"merge={DRIVER}" not in fields[1:]:
            continue
        if wanted is not None:
            if fields != [fields[0], f"merge={DRIVER}"] or fields[0] not in wanted:
                continue
            wanted.remove(fields[0])
        rest = [field for field in fields[1:] if field != f"merge={DRIVER}"]
        ending = line[len(line.rstrip("\r\n")):]
        lines[index] = " ".join([fields[0], *rest]) + ending if rest else ""
        removed.append(fields[0])
    return "".join(lines), removed


def _tracked(scope: Scope) -> bool:
    """Whether git tracks the scope's attributes file (a repository's, committed or staged)."""
    if scope.root is None:
        return False
    found = git_output(["ls-files", "--", scope.attributes_file.name], scope.root)
    return bool(found)


def _missing_folders(folder: Path) -> list[Path]:
    """`folder` and those of its parents that do not exist yet, outermost first."""
    missing: list[Path] = []
    while not folder.exists() and folder != folder.parent:
        missing.insert(0, folder)
        folder = folder.parent
    return missing


def status(cwd: str | os.PathLike[str] | None = None) -> list[ScopeStatus]:
    """The driver's configuration in the repository around `cwd` (if any) and globally."""
    import shlex
    import shutil

    scopes = [global_scope()]
    with contextlib.suppress(UsageError):
        scopes.insert(0, local_scope(cwd))
    report = []
    for scope in scopes:
        drivers = _config_all(scope, f"{_SECTION}.driver")
        driver = drivers[-1] if drivers else None
        program = shlex.split(driver)[0] if driver and shlex.split(driver) else ""
        found = bool(program) and bool(shutil.which(program) or Path(program).is_file())
        files = [scope.attributes_file]
        if scope.root is not None:
            files.append(scope.config_file.parent / "info" / "attributes")
        patterns = [p for path in files for p in attribute_patterns(_read_text(path))]
        report.append(ScopeStatus(scope, driver, found, patterns))
    return report


def attributes_of(paths: list[str], cwd: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The `merge` attribute git gives each path (`statemerge`, `unspecified`, ...)."""
    found = git_output(["check-attr", "-z", "merge", "--", *paths], cwd) if paths else None
    fields = (found or "").split("\0")
    return {fields[i]: fields[i + 2] for i in range(0, len(fields) - 2, 3)}


def attribute_patterns(text: str | None) -> list[str]:
    """The patterns an attributes file routes to this driver."""
    lines = (line.split() for line in (text or "").splitlines())
    return [fields[0] for fields in lines if len(fields) >= 2 and f"merge={DRIVER}" in fields[1:]]


def _config(scope: Scope, *args: str) -> None:
    scope.config_file.parent.mkdir(parents=True, exist_ok=True)
    done = run_git(["config", "--file", str(scope.config_file), *args])
    if done.returncode != 0:
        raise InputError(f"{scope.config_file}: git config failed ({failure_detail(done)}).")


def _config_all(scope: Scope, key: str) -> list[str]:
    if not scope.config_file.exists():
        return []
    found = git_output(["config", "--file", str(scope.config_file), "--get-all", key])
    return found.splitlines() if found else []


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot be read ({error}).") from None


def _write_text(path: Path, text: str) -> None:
    from statemerge.documents.atomic import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode("utf-8"))
