"""Route files share helpers through modules beside ``routes/``, never by importing each other."""

from __future__ import annotations

import ast
from pathlib import Path

ROUTES = Path(__file__).resolve().parents[1] / "outsend_gateway" / "routes"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_route_file_imports_another() -> None:
    offenders = {
        path.name: sorted(
            module for module in imported_modules(path) if module.startswith((".", "outsend_gateway.routes"))
        )
        for path in ROUTES.glob("*.py")
    }
    assert {name: modules for name, modules in offenders.items() if modules} == {}
