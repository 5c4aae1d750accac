"""Imports point down only (docs/architecture.md): the pure core imports nothing from the edges,
and the packages import each other without cycles. Imports are read with `ast`, so an import
inside a function counts as much as one at the top of a module."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "statemerge"

# The pure core: plain data in and out, no I/O. It may use itself and the base modules below it.
CORE = {"merging", "crdt", "eventlog", "patch", "clocks", "pointer"}
BASE = {"errors", "jsonvalue", "gcpause", "nesting", "sha256", "records"}
HEAVY = {"typer", "rich", "deepdiff", "ruamel", "yaml", "jsonschema"}

# Edges that are known to point the wrong way, each to be removed by the change named beside it;
# nothing may be added here. (module, imported unit)
KNOWN: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _unit(module: str) -> str:
    """The package or top-level module of `statemerge.x.y`: `x`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports() -> dict[str, set[str]]:
    """Every module of the package and the modules it imports (statemerge ones in full)."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found[module].update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found[module].add(node.module)
                if node.module == "statemerge":  # from statemerge import crdt
                    found[module].update(f"statemerge.{alias.name}" for alias in node.names)
    return found


IMPORTS = _imports()


def _edges() -> dict[str, dict[str, list[str]]]:
    """unit -> imported unit -> the modules that import it, without the KNOWN edges."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for module, names in IMPORTS.items():
        for name in names:
            inside = name.startswith("statemerge.") and _unit(name) != _unit(module)
            if inside and (module, _unit(name)) not in KNOWN:
                graph[_unit(module)][_unit(name)].append(module)
    return graph


def test_the_core_imports_nothing_from_the_edges() -> None:
    wrong = []
    for module, names in sorted(IMPORTS.items()):
        if _unit(module) not in CORE:
            continue
        for name in sorted(names):
            unit = _unit(name) if name.startswith("statemerge.") else None
            if unit is not None and unit not in CORE | BASE and (module, unit) not in KNOWN:
                wrong.append(f"{module} imports {name}")
            if name.split(".")[0] in HEAVY:
                wrong.append(f"{module} imports {name}")
    assert wrong == []


def test_every_known_wrong_edge_is_still_there() -> None:
    """A KNOWN edge that is gone is removed from the list, so it cannot come back unseen."""
    found = {(module, _unit(name)) for module, names in IMPORTS.items() for name in names
             if name.startswith("statemerge.")}
    assert [edge for edge in KNOWN if edge not in found] == []


def test_the_base_modules_import_only_each_other() -> None:
    wrong = [
        f"{module} imports {name}"
        for module, names in sorted(IMPORTS.items())
        if _unit(module) in BASE
        for name in sorted(names)
        if name.startswith("statemerge.") and _unit(name) not in BASE
    ]
    assert wrong == []


def test_only_cli_imports_typer_and_only_report_imports_rich_and_deepdiff() -> None:
    wrong = []
    for module, names in sorted(IMPORTS.items()):
        for name in names:
            top = name.split(".")[0]
            if top == "typer" and _unit(module) != "cli":
                wrong.append(f"{module} imports {name}")
            if top in ("rich", "deepdiff") and _unit(module) != "report":
                wrong.append(f"{module} imports {name}")
    assert wrong == []


def test_packages_import_each_other_without_cycles() -> None:
    graph = _edges()
    cycles = []
    for start in sorted(graph):
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            unit, path = stack.pop()
            for target in sorted(graph[unit]):
                if target == start:
                    via = graph[unit][target][0]
                    cycles.append(" -> ".join([*path, target]) + f" (via {via})")
                elif target not in seen:
                    seen.add(target)
                    stack.append((target, [*path, target]))
    assert cycles == []


def test_the_known_wrong_edges_are_few_and_each_names_its_fix() -> None:
    assert len(KNOWN) <= 4
    assert all(reason for reason in KNOWN.values())


@pytest.mark.parametrize(
    "package", sorted({_unit(module) for module in IMPORTS if _unit(module)} - {"__main__"})
)
def test_each_package_imports_on_its_own(package: str) -> None:
    """A fresh interpreter imports each package first, so an import cycle at load time shows."""
    done = subprocess.run(
        [sys.executable, "-c", f"import statemerge.{package}"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
