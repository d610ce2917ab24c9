"""The product's modules as files, and the project imports each one makes (read with ``ast``).

Shared by ``test_layers.py`` (the import graph) and ``test_house_rules.py`` (sizes).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("strategy", "ui", "pages")
"""Top-level names whose imports are the project's own (``app`` is a module, not imported)."""


@dataclass(frozen=True)
class Import:
    """One import of a project module: by whom, where, and of what (a dotted module name)."""

    importer: str
    line: int
    target: str

    def __str__(self) -> str:
        return f"{module_path(self.importer)}:{self.line} imports {self.target}"


def module_name(path: Path) -> str:
    """``strategy/storage/__init__.py`` -> ``strategy.storage``; ``app.py`` -> ``app``."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def product_files() -> dict[str, Path]:
    """Every product module by dotted name: strategy/, ui/, pages/ and app.py."""
    paths = [ROOT / "app.py"]
    for package in PROJECT_PACKAGES:
        paths.extend(sorted((ROOT / package).rglob("*.py")))
    return {module_name(p): p for p in paths if "__pycache__" not in p.parts}


def module_path(name: str) -> str:
    """Where a module lives, relative to the repository (for messages)."""
    path = product_files().get(name)
    return path.relative_to(ROOT).as_posix() if path else name


def _is_package(name: str, files: dict[str, Path]) -> bool:
    path = files.get(name)
    return path is not None and path.name == "__init__.py"


def imports_in(name: str, source: str, files: dict[str, Path]) -> list[Import]:
    """The project imports in one module's source, wherever they stand (top level, inside a
    function, under ``if TYPE_CHECKING``), relative ones resolved.

    ``from strategy.storage import database`` names the module ``strategy.storage.database``
    when that is a module, else the package ``strategy.storage`` (a name it defines).
    """
    found: list[Import] = []
    package = name if _is_package(name, files) else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".") if package else []
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = []
            for alias in node.names:
                submodule = f"{base}.{alias.name}" if base else alias.name
                targets.append(submodule if submodule in files else base)
        else:
            continue
        for target in targets:
            if target.split(".")[0] in PROJECT_PACKAGES:
                found.append(Import(name, node.lineno, target))
    return found


@cache
def project_imports() -> dict[str, tuple[Import, ...]]:
    """Every product module's project imports, by module name."""
    files = product_files()
    return {
        name: tuple(imports_in(name, path.read_text(encoding="utf-8"), files))
        for name, path in files.items()
    }
