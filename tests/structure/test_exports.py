"""Each package's `__all__` says what it exports (httpx's test_exported_members): everything public
that its `__init__` binds is in `__all__`, everything in `__all__` is there, and every name the
README and docs/ use from a package is exported by it."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = sorted(
    ".".join(path.parent.relative_to(ROOT).parts)
    for path in (ROOT / "statemerge").rglob("__init__.py")
    if "__all__" in path.read_text(encoding="utf-8")
)
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _bound_public_names(package: str) -> set[str]:
    """The public names an `__init__` binds itself: its statemerge imports, defs and constants."""
    path = ROOT / Path(*package.split(".")) / "__init__.py"
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("statemerge"):
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return {name for name in names if not name.startswith("_")}


def _exported(package: str) -> list[str]:
    return list(importlib.import_module(package).__all__)


def _documented() -> set[tuple[str, str]]:
    """(package, name) for each name the docs use from a package: `from statemerge.X import a`,
    `from statemerge import X` then `X.a`, and `statemerge.X.a` or `statemerge.a` in text."""
    used: set[tuple[str, str]] = set()
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for module, names in re.findall(r"from (statemerge(?:\.\w+)*) import ([\w, ]+)", text):
            for name in (part.strip() for part in names.split(",")):
                if f"{module}.{name}" in PACKAGES:  # a package imported by name: its uses in code
                    for block in re.findall(r"```python\n(.*?)```", text, re.DOTALL):
                        for attribute in re.findall(rf"\b{name}\.(\w+)", block):
                            used.add((f"{module}.{name}", attribute))
                else:
                    used.add((module, name))
        for dotted in re.findall(r"(?<![\w.-])statemerge(?:\.\w+)+", text):
            parts = dotted.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                if ".".join(parts[:cut]) in PACKAGES:
                    used.add((".".join(parts[:cut]), parts[cut]))
                    break
    return used


@pytest.mark.parametrize("package", PACKAGES)
def test_all_lists_exactly_what_the_package_binds(package: str) -> None:
    exported = _exported(package)
    module = importlib.import_module(package)
    assert len(exported) == len(set(exported)), "a name is listed twice"
    assert [name for name in exported if not hasattr(module, name)] == []
    assert sorted(_bound_public_names(package) - set(exported)) == []


def test_the_top_level_exports_exactly_the_library_api_the_readme_shows() -> None:
    documented = {name for package, name in _documented() if package == "statemerge"}
    submodules = {name for name in documented if f"statemerge.{name}" in PACKAGES
                  or (ROOT / "statemerge" / f"{name}.py").exists()}
    assert sorted(documented - submodules) == sorted(_exported("statemerge"))


def test_every_name_the_docs_use_from_a_package_is_exported() -> None:
    missing = []
    for package, name in sorted(_documented()):
        module_path = ROOT / Path(*package.split(".")) / name
        if module_path.is_dir() or module_path.with_suffix(".py").exists():
            continue  # a submodule, e.g. statemerge.eventlog.ot
        if name not in _exported(package):
            missing.append(f"{package}.{name}")
    assert missing == []
