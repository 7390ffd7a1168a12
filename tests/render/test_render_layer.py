"""The render package imports the domain, never the store, services, API or command line."""

from __future__ import annotations

import ast
from pathlib import Path

import revpact.render

RENDER = Path(revpact.render.__file__).parent
FORBIDDEN = ("revpact.store", "revpact.services", "revpact.server.api", "revpact.cli", "sqlalchemy")


def test_render_imports_no_outer_layer() -> None:
    offenders = []
    for path in sorted(RENDER.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                    offenders.append(f"{path.name} imports {name}")
    assert offenders == []
