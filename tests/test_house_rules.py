"""House rules a newcomer can hold in their head: no module in ``strategy/`` over 500 lines,
and no function there over 60, except named data literals (written as data, read as data)."""

from __future__ import annotations

import ast
from dataclasses import dataclass

import pytest

from tests.layers import ROOT, module_path, product_files

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
DATA_LITERALS = {
    "strategy/demo.py::_company": "the demo company: one literal of people, weeks and tests",
}
"""Functions that are one data literal, by ``path::qualified name``, each with why."""

STRATEGY = sorted(m for m in product_files() if m == "strategy" or m.startswith("strategy."))


@dataclass(frozen=True)
class Function:
    where: str
    """``path::qualified.name`` (nested functions and methods spelled with dots)."""
    first: int
    lines: int


def functions_in(path: str, source: str) -> list[Function]:
    """Every function and method in a module, nested ones too, with its length in lines (from
    its first decorator, or ``def``, to its last line)."""
    found: list[Function] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                end = child.end_lineno or child.lineno
                found.append(Function(f"{path}::{name}", child.lineno, end - first + 1))
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return found


def _source(module: str) -> str:
    return product_files()[module].read_text(encoding="utf-8")


MEASURES = [
    ("a function", "def f():\n    return 1\n", {"m.py::f": 2}),
    ("a decorated function", "@cache\n@other\ndef f():\n    pass\n", {"m.py::f": 4}),
    ("a method", "class C:\n    def m(self):\n        pass\n", {"m.py::C.m": 2}),
    (
        "a nested function, counted in its own right and within its parent",
        "def f():\n    def g():\n        pass\n    return g\n",
        {"m.py::f": 4, "m.py::f.g": 2},
    ),
    ("a function under an if", "if X:\n    async def f():\n        pass\n", {"m.py::f": 2}),
]


@pytest.mark.parametrize(
    ("source", "lengths"), [m[1:] for m in MEASURES], ids=[m[0] for m in MEASURES]
)
def test_each_kind_of_function_is_measured_from_its_first_line_to_its_last(
    source: str, lengths: dict[str, int]
) -> None:
    assert {f.where: f.lines for f in functions_in("m.py", source)} == lengths


@pytest.mark.parametrize("module", STRATEGY)
def test_no_module_in_strategy_is_over_500_lines(module: str) -> None:
    lines = len(_source(module).splitlines())
    assert lines <= MAX_MODULE_LINES, (
        f"{module_path(module)} has {lines} lines (at most {MAX_MODULE_LINES})"
    )


@pytest.mark.parametrize("module", STRATEGY)
def test_no_function_in_strategy_is_over_60_lines_except_named_data_literals(
    module: str,
) -> None:
    path = module_path(module)
    long = [
        f"{f.where} (line {f.first}) has {f.lines} lines (at most {MAX_FUNCTION_LINES})"
        for f in functions_in(path, _source(module))
        if f.lines > MAX_FUNCTION_LINES and f.where not in DATA_LITERALS
    ]
    assert not long, "\n".join(long)


@pytest.mark.parametrize("where", sorted(DATA_LITERALS))
def test_each_named_data_literal_is_a_function_that_still_exists(where: str) -> None:
    path = where.partition("::")[0]
    assert (ROOT / path).is_file(), f"{where}: no such file"
    names = {f.where for f in functions_in(path, (ROOT / path).read_text(encoding="utf-8"))}
    assert where in names, f"{where}: no such function; take it off DATA_LITERALS"
