"""Dependencies point inward: the domain layer imports no storage, web, CLI or I/O framework."""

from __future__ import annotations

import ast
from pathlib import Path

import revpact

PACKAGE = Path(revpact.__file__).parent
FORBIDDEN_IN_DOMAIN = (
    "revpact.store",
    "revpact.ingest",
    "revpact.services",
    "revpact.cli",
    "revpact.ingest.agreement_file",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "typer",
    "rich",
    "click",
    "yaml",
    "fastapi",
    "httpx",
)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_domain_imports_nothing_from_the_outer_layers() -> None:
    offenders = []
    for path in sorted((PACKAGE / "domain").rglob("*.py")):
        for module in imports_of(path):
            if any(module == f or module.startswith(f + ".") for f in FORBIDDEN_IN_DOMAIN):
                offenders.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert offenders == []


def test_domain_never_reads_the_clock() -> None:
    """Time is an argument: nothing in the domain asks for now()."""
    for path in sorted((PACKAGE / "domain").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for call in ("datetime.now(", "datetime.utcnow(", "date.today(", "time.time("):
            assert call not in text, f"{path.relative_to(PACKAGE)} calls {call}"


def test_the_checker_would_notice(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from sqlalchemy import select\nimport revpact.store.db\n", encoding="utf-8")
    assert {"sqlalchemy", "revpact.store.db"} <= imports_of(bad)


def test_every_public_surface_resolves() -> None:
    """Each module's ``__all__`` names only what the module really has."""
    import importlib
    import pkgutil

    missing = []
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="revpact."):
        if ".migrations" in info.name:
            continue  # Alembic's env.py runs only inside a migration
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            if not hasattr(module, name):
                missing.append(f"{info.name}.{name}")
    assert missing == []
