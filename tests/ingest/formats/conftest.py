"""A look into the store for the export tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, select

from revpact.store.tables import deals, leads


@pytest.fixture
def stored_leads(engine: Engine) -> Callable[[], dict[str, dict[str, Any]]]:
    def read() -> dict[str, dict[str, Any]]:
        with engine.connect() as conn:
            rows = conn.execute(select(leads)).mappings().all()
        return {
            row["lead_id"]: {**row, "attributes": json.loads(row["attributes"])} for row in rows
        }

    return read


@pytest.fixture
def stored_deals(engine: Engine) -> Callable[[], dict[str, dict[str, Any]]]:
    def read() -> dict[str, dict[str, Any]]:
        with engine.connect() as conn:
            rows = conn.execute(select(deals)).mappings().all()
        return {row["deal_id"]: dict(row) for row in rows}

    return read
