"""The house's floors, held by reading every import (relative and function-local too).

Imports point down this list only::

    errors < domain < {ingest, store, render, alerts} < services < server < demo < cli

The four middle packages never import each other, and the faces (``server``, ``cli``) reach
``store`` and ``ingest`` only through ``services``. The domain imports no storage, web, CLI or
I/O framework and never reads the clock. Files over 500 lines are listed below, and the list
may only shrink.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import revpact

PACKAGE = Path(revpact.__file__).parent

# The floor of each top-level part of the package; a module may import its own floor's part,
# any lower floor, and nothing above.
FLOORS: dict[str, int] = {
    "errors": 0,
    "domain": 1,
    "ingest": 2,
    "store": 2,
    "render": 2,
    "alerts": 2,
    "services": 3,
    "server": 4,
    "demo": 5,
    "cli": 6,
}
# The parts a face may not import directly: it goes through services.
THROUGH_SERVICES: dict[str, frozenset[str]] = {
    "server": frozenset({"store", "ingest"}),
    "cli": frozenset({"store", "ingest"}),
}
FORBIDDEN_IN_DOMAIN = (
    "sqlalchemy",
    "alembic",
    "psycopg",
    "typer",
    "rich",
    "click",
    "yaml",
    "fastapi",
    "starlette",
    "httpx",
    "jinja2",
    "weasyprint",
)
MAX_LINES = 500
# Files over MAX_LINES today. This list may only shrink: split a file along a seam rather than
# adding it here.
TOO_LONG: dict[str, int] = {
    # Company A's generated year: one generator whose steps share its random state
    "demo/data.py": 602,
    # the leads' queries (clock, queue, follow-up summary): issue 14 rewrites them for speed
    "store/leads.py": 562,
    # the schema, one table declaration each: the Alembic migrations mirror it
    "store/tables.py": 515,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in the file, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            # ``from revpact.x import y`` may name a module y: count it as imported too.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def part_of(module: str) -> str | None:
    """The top-level part of revpact ``module`` belongs to (``None`` outside revpact)."""
    pieces = module.split(".")
    if pieces[0] != "revpact" or len(pieces) < 2:
        return None
    return pieces[1] if pieces[1] in FLOORS else None


def sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def layer_offences(paths: list[Path]) -> list[str]:
    offences = []
    for path in paths:
        here = part_of(module_name(path))
        if here is None:
            continue
        for module in sorted(imports_of(path)):
            there = part_of(module)
            if there is None or there == here:
                continue
            where = f"{path.relative_to(PACKAGE)} imports {module}"
            if FLOORS[there] > FLOORS[here]:
                offences.append(f"{where} (upward: {here} < {there})")
            elif FLOORS[there] == FLOORS[here]:
                offences.append(f"{where} (sideways: {here} and {there} are one floor)")
            elif there in THROUGH_SERVICES.get(here, ()):
                offences.append(f"{where} ({here} reaches {there} only through services)")
    return offences


def test_every_import_points_down_the_floors() -> None:
    assert layer_offences(sources()) == []


def test_the_floors_checker_would_notice(tmp_path: Path) -> None:
    fake = PACKAGE / "store" / "_architecture_probe.py"
    face = PACKAGE / "cli" / "_architecture_probe.py"
    try:
        fake.write_text(
            "from revpact.services import tokens\n"
            "def f():\n    from ..render import texts\n    from . import db\n",
            encoding="utf-8",
        )
        face.write_text("import revpact.store.db\nfrom revpact.ingest import files\n", "utf-8")
        found = layer_offences([fake, face])
    finally:
        fake.unlink()
        face.unlink()
    assert any("revpact.services" in f and "upward" in f for f in found)
    assert any("revpact.render" in f and "sideways" in f for f in found)
    assert any("revpact.store.db" in f and "only through services" in f for f in found)
    assert any("revpact.ingest" in f and "only through services" in f for f in found)
    assert not any("revpact.store.db" in f and "store/_architecture_probe" in f for f in found)


def test_domain_imports_no_framework() -> None:
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


def test_only_the_clock_reads_the_wall_clock() -> None:
    """One clock: outside ``services/clock.py`` the time comes in as an argument or from a
    :class:`~revpact.services.clock.Clock`, so every read can be fixed in a test."""
    clock = PACKAGE / "services" / "clock.py"
    for path in sorted(p for p in PACKAGE.rglob("*.py") if p != clock):
        text = path.read_text(encoding="utf-8")
        for call in ("datetime.now(", "datetime.utcnow(", "date.today(", "time.time("):
            assert call not in text, f"{path.relative_to(PACKAGE)} calls {call}"


def test_files_stay_small() -> None:
    """A file over the limit is split along a seam; the allow-list only shrinks."""
    long: dict[str, int] = {}
    for path in sources():
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_LINES:
            long[str(path.relative_to(PACKAGE))] = count
    grown = {k: v for k, v in long.items() if v > TOO_LONG.get(k, MAX_LINES)}
    assert grown == {}, f"over {MAX_LINES} lines and not allowed (or grown): {grown}"
    shrunk = sorted(k for k in TOO_LONG if long.get(k, 0) < TOO_LONG[k])
    assert shrunk == [], f"shrunk or split — lower or remove their entries in TOO_LONG: {shrunk}"


@pytest.mark.parametrize("part", sorted(FLOORS))
def test_every_part_has_a_floor(part: str) -> None:
    assert (PACKAGE / part).is_dir() or (PACKAGE / f"{part}.py").is_file()


def test_nothing_lies_outside_the_floors() -> None:
    loose = sorted(
        p.name
        for p in PACKAGE.iterdir()
        if p.name not in {"__init__.py", "py.typed", "__pycache__"}
        and p.with_suffix("").name not in FLOORS
    )
    assert loose == []


def test_the_checker_reads_relative_and_local_imports(tmp_path: Path) -> None:
    bad = PACKAGE / "domain" / "_probe.py"
    try:
        bad.write_text(
            "from sqlalchemy import select\ndef f():\n    from ..store import db\n", "utf-8"
        )
        found = imports_of(bad)
    finally:
        bad.unlink()
    assert {"sqlalchemy", "revpact.store", "revpact.store.db"} <= found


def test_every_public_surface_resolves() -> None:
    """Each module's ``__all__`` names only what the module really has."""
    missing = []
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="revpact."):
        if ".migrations" in info.name:
            continue  # Alembic's env.py runs only inside a migration
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            if not hasattr(module, name):
                missing.append(f"{info.name}.{name}")
    assert missing == []


TESTS = Path(__file__).resolve().parent
WHOLE_PACKAGE_TESTS = {"test_architecture.py", "test_docs_agreement.py", "conftest.py"}


def test_tests_mirror_the_package() -> None:
    """A module's tests live under the same path in tests/ as the module under src/revpact/
    (tests/server/browser drives the dashboard in chromium, tests/reliability attacks the whole
    app, tests/bench checks the benchmark runner beside the package: none has a module of its
    own)."""
    strays = sorted(
        str(d.relative_to(TESTS))
        for d in TESTS.rglob("*")
        if d.is_dir()
        and d.name not in {"__pycache__", "browser", "reliability", "bench"}
        and not d.name.startswith(".")
        and not (PACKAGE / d.relative_to(TESTS)).is_dir()
    )
    assert strays == []
    loose = sorted(p.name for p in TESTS.glob("*.py") if p.name not in WHOLE_PACKAGE_TESTS)
    assert loose == []


def cycles_within(part: str) -> list[list[str]]:
    """Import cycles among the modules of ``part`` (every import counted, local ones too)."""
    modules = {module_name(p): p for p in sources() if part_of(module_name(p)) == part}
    graph = {
        m: sorted(i for i in imports_of(p) if i in modules and i != m) for m, p in modules.items()
    }
    found: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                found.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return found


@pytest.mark.parametrize("part", sorted(set(FLOORS) - {"cli"}))
def test_no_import_loop_within_a_part(part: str) -> None:
    """Modules of one part import each other one way (render: one module per document, no
    loop). The CLI's package registers its commands, which import it back: it is exempt."""
    assert cycles_within(part) == []


def test_the_loop_checker_would_notice() -> None:
    one, two = PACKAGE / "render" / "_loop_a.py", PACKAGE / "render" / "_loop_b.py"
    try:
        one.write_text("def f():\n    from revpact.render import _loop_b\n", "utf-8")
        two.write_text("from revpact.render._loop_a import f\n", "utf-8")
        found = cycles_within("render")
    finally:
        one.unlink()
        two.unlink()
    assert any("revpact.render._loop_a" in c and "revpact.render._loop_b" in c for c in found)
