"""``revpact.services`` names its use cases without importing them: each name loads its module on
first use, and is the very object that module defines."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import revpact.services as services


def test_every_name_is_its_modules_own() -> None:
    for name in services.__all__:
        module, attribute = services._HOMES[name]
        home = importlib.import_module(f"revpact.services.{module}")
        assert getattr(services, name) is getattr(home, attribute), name


def test_the_names_the_type_checker_reads_are_the_ones_loaded() -> None:
    """The ``if TYPE_CHECKING:`` imports say the same as ``_HOMES``, name for name."""
    tree = ast.parse(Path(services.__file__).read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If))
    declared = {
        alias.asname or alias.name: (
            (node.module or "").removeprefix("revpact.services."),
            alias.name,
        )
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert declared == services._HOMES
    assert sorted(declared) == sorted(services.__all__)


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        services.no_such_service  # noqa: B018
    except AttributeError as exc:
        assert "no_such_service" in str(exc)
    else:
        raise AssertionError("an unknown name resolved")


def test_importing_the_package_loads_no_service() -> None:
    code = (
        "import json, sys; import revpact.services; "
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.startswith('revpact.services.') or m in ('sqlalchemy', 'numpy'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout) == []
