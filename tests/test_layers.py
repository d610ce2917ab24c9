"""The layering holds: the import graph between product modules has no cycle, and no module
imports one from a higher layer.

Layers, low to high (same-layer imports are fine)::

    domain <- ingest <- storage <- usecases <- report/views <- top (CLI, demo, ui, pages, app)

Imports are read with ``ast``, so those inside functions count as much as the top-level ones.
"""

from __future__ import annotations

import pytest

from tests.layers import ROOT, Import, imports_in, module_path, product_files, project_imports

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("domain", ("strategy.domain",)),
    ("ingest", ("strategy.ingest",)),
    ("storage", ("strategy.storage",)),
    ("usecases", ("strategy.usecases",)),
    ("report/views", ("strategy.report", "strategy.brief", "strategy.views")),
    (
        "top",
        ("strategy.cli", "strategy.__main__", "strategy.demo", "ui", "pages", "app"),
    ),
)
"""Each layer with the modules (and packages, with all they hold) that make it up."""
ROOT_PACKAGE = "strategy"
"""The bare ``strategy`` package (its docstring): on top, so nothing below may import it; a
new module directly under ``strategy/`` still has to be given a layer."""


def layer_of(module: str) -> tuple[int, str] | None:
    """The rank and name of a module's layer, or None when no layer names it."""
    if module == ROOT_PACKAGE:
        return len(LAYERS) - 1, LAYERS[-1][0]
    for rank, (layer, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(f"{p}.") for p in prefixes):
            return rank, layer
    return None


MODULES = sorted(product_files())


# --- the walk itself ------------------------------------------------------------------


WALKS = [
    ("a plain import", "import strategy.domain.team\n", ["strategy.domain.team"]),
    ("an import from a package", "from strategy.domain import team\n", ["strategy.domain.team"]),
    (
        "an import of names from a module",
        "from strategy.domain.team import Member, Role\n",
        ["strategy.domain.team", "strategy.domain.team"],
    ),
    ("a name a package defines", "from strategy.storage import Workspace\n", ["strategy.storage"]),
    (
        "an import inside a function",
        "def f():\n    from strategy.report import analyse\n    return analyse\n",
        ["strategy.report"],
    ),
    (
        "an import only for type checking",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import strategy.report\n",
        ["strategy.report"],
    ),
    ("a relative import of a sibling", "from . import team\n", ["strategy.domain.team"]),
    ("a relative import from the parent", "from ..report import x\n", ["strategy.report"]),
    ("an import of the ui", "from ui import session\n", ["ui.session"]),
    ("no third-party import", "import pandas as pd\nfrom sqlalchemy import text\n", []),
]


@pytest.mark.parametrize(("source", "expected"), [w[1:] for w in WALKS], ids=[w[0] for w in WALKS])
def test_the_walk_finds_each_kind_of_project_import(source: str, expected: list[str]) -> None:
    found = imports_in("strategy.domain.gates", source, product_files())
    assert [i.target for i in found] == expected


def test_the_walk_covers_strategy_ui_pages_and_the_app() -> None:
    tops = {m.split(".")[0] for m in MODULES}
    assert {"strategy", "ui", "pages", "app"} <= tops
    assert "strategy.domain.team" in MODULES and "strategy.storage" in MODULES
    assert all(not p.is_relative_to(ROOT / "tests") for p in product_files().values())
    assert sum(len(found) for found in project_imports().values()) > 100  # a graph to check


# --- the rules ------------------------------------------------------------------------


@pytest.mark.parametrize("module", MODULES)
def test_every_module_belongs_to_a_layer(module: str) -> None:
    assert layer_of(module) is not None, (
        f"{module_path(module)} is in no layer: add where it belongs to LAYERS in this file"
    )


@pytest.mark.parametrize("module", MODULES)
def test_no_module_imports_one_from_a_higher_layer(module: str) -> None:
    own = layer_of(module)
    if own is None:
        pytest.fail(f"{module_path(module)} is in no layer")
    upward: list[str] = []
    for found in project_imports()[module]:
        theirs = layer_of(found.target)
        if theirs is not None and theirs[0] > own[0]:
            upward.append(f"{found} ({own[1]} may not import {theirs[1]})")
    assert not upward, "an upward import:\n" + "\n".join(upward)


def _cycle(graph: dict[str, dict[str, Import]]) -> list[Import] | None:
    """One cycle in the graph as the imports that make it up, or None."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path: list[Import] = []
        on_path = {start}
        stack = [(start, iter(sorted(graph[start].items())))]
        while stack:
            node, edges = stack[-1]
            step = next(edges, None)
            if step is None:
                stack.pop()
                on_path.discard(node)
                done.add(node)
                if path:
                    path.pop()
                continue
            target, found = step
            if target in on_path:
                first = next((i for i, e in enumerate(path) if e.importer == target), len(path))
                return [*path[first:], found]
            if target in done or target not in graph:
                continue
            path.append(found)
            on_path.add(target)
            stack.append((target, iter(sorted(graph[target].items()))))
    return None


def import_graph() -> dict[str, dict[str, Import]]:
    """Module -> the modules it imports (each with its first import line)."""
    graph: dict[str, dict[str, Import]] = {}
    for module, found in project_imports().items():
        edges = graph.setdefault(module, {})
        for i in found:
            if i.target != module:
                edges.setdefault(i.target, i)
    return graph


CYCLES = [
    ("no edge", {"a": {}}, None),
    ("a chain", {"a": {"b": Import("a", 1, "b")}, "b": {}}, None),
    ("a module importing itself", {"a": {"a": Import("a", 1, "a")}}, ["a"]),
    ("two modules", {"a": {"b": Import("a", 1, "b")}, "b": {"a": Import("b", 2, "a")}}, ["a", "b"]),
    (
        "three modules behind a fourth",
        {
            "a": {"b": Import("a", 1, "b")},
            "b": {"c": Import("b", 1, "c")},
            "c": {"d": Import("c", 1, "d")},
            "d": {"b": Import("d", 1, "b")},
        },
        ["b", "c", "d"],
    ),
]


@pytest.mark.parametrize(
    ("graph", "importers"), [c[1:] for c in CYCLES], ids=[c[0] for c in CYCLES]
)
def test_the_cycle_search_finds_a_cycle_exactly_when_there_is_one(
    graph: dict[str, dict[str, Import]], importers: list[str] | None
) -> None:
    found = _cycle(graph)
    assert (None if found is None else [i.importer for i in found]) == importers


def test_the_import_graph_between_modules_has_no_cycle() -> None:
    cycle = _cycle(import_graph())
    assert cycle is None, "an import cycle:\n" + "\n".join(str(i) for i in cycle or [])
