"""The layout's rules: no import cycle in mock_ingrid, one home per data file.

Every import counts for the cycle check, wherever it is written: at module level, inside
a function (deferred until the call), and under ``if TYPE_CHECKING:`` (never run). A
cycle closed by a deferred or a type-only import still ties the modules together: none
of them can be read, tested or moved without the others. Importing ``a.b.c`` also runs
the packages ``a`` and ``a.b``; an import counts for them too, except for the packages
the importing module is itself inside (they are set up before it runs).
"""

from __future__ import annotations

import ast
import hashlib
import subprocess
from collections import defaultdict
from collections.abc import Iterator, Mapping, Set
from pathlib import Path

import pytest

from tests.server import ROOT

PACKAGE = ROOT / "mock_ingrid"


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package, by dotted name (a package by its ``__init__.py``)."""
    found = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _ancestors(name: str) -> Iterator[str]:
    parts = name.split(".")
    for end in range(1, len(parts)):
        yield ".".join(parts[:end])


def imported_names(name: str, source: str, is_package: bool) -> set[str]:
    """The dotted names the module's imports can refer to, from every import statement in
    it (``from a import b`` may import the module ``a.b``), relative ones resolved."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph(found: Mapping[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules of ``found`` that importing it runs first."""
    return graph_of(
        {
            name: imported_names(name, path.read_text(), path.name == "__init__.py")
            for name, path in found.items()
        }
    )


def graph_of(imports: Mapping[str, Set[str]]) -> dict[str, set[str]]:
    """Module -> the modules (keys of ``imports``) its imports run: each one named, and
    the packages it is in, but for the packages of the importing module itself."""
    graph: dict[str, set[str]] = {}
    for name, names in imports.items():
        own = set(_ancestors(name))
        targets = set()
        for imported in names & imports.keys():
            targets.add(imported)
            targets.update(p for p in _ancestors(imported) if p in imports and p not in own)
        targets.discard(name)
        graph[name] = targets
    return graph


def cycles(graph: Mapping[str, Set[str]]) -> list[list[str]]:
    """One shortest cycle through each group of modules that import one another, as a
    path from its first module (by name) back to it."""
    found = []
    for group in _strongly_connected(graph):
        start = min(group)
        previous: dict[str, str] = {}
        frontier = [start]
        while frontier and start not in previous:
            following = []
            for module in frontier:
                for target in sorted(graph[module] & group):
                    if target not in previous:
                        previous[target] = module
                        following.append(target)
            frontier = following
        path = [start]
        while (step := previous[path[-1]]) != start:
            path.append(step)
        found.append([start, *reversed(path)])
    return sorted(found)


def _strongly_connected(graph: Mapping[str, Set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: the groups of more than one module, or of one importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in graph[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            if len(group) > 1 or module in graph[module]:
                groups.append(group)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return groups


def test_no_import_cycle_in_mock_ingrid() -> None:
    found = cycles(import_graph(modules()))
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_check_sees_every_kind_of_import() -> None:
    source = """
from typing import TYPE_CHECKING
from . import sibling
from .. import api
import pkg.deep.leaf
if TYPE_CHECKING:
    from pkg.types import Shape
def later():
    from pkg.lazy import thing
"""
    names = imported_names("pkg.sub.mod", source, is_package=False)
    assert {"pkg.sub.sibling", "pkg.api", "pkg.deep.leaf", "pkg.types", "pkg.lazy"} <= names


def test_the_check_names_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c", "a"], ["e", "e"]]
    # p/__init__.py imports p.x: q importing p.y runs it, p.x importing p.y does not.
    assert cycles(graph_of({"p": {"p.x"}, "p.x": {"p.y"}, "p.y": set()})) == []
    imports = {"p": {"p.x"}, "p.x": {"q"}, "q": {"p.y"}, "p.y": set()}
    assert cycles(graph_of(imports)) == [["p", "p.x", "q", "p"]]


def test_no_two_tracked_json_files_are_the_same() -> None:
    """One home per data file: a copy kept in step by hand drifts."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--", "*.json"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    by_content: dict[str, list[str]] = defaultdict(list)
    for name in filter(None, listed.decode().split("\0")):
        by_content[hashlib.sha256((ROOT / name).read_bytes()).hexdigest()].append(name)
    copies = [names for names in by_content.values() if len(names) > 1]
    assert listed and not copies, f"the same file twice: {copies}"
