"""The second store the properties of this folder compare with (on ``reference_url``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from revpact.store import open_store


@pytest.fixture
def reference(reference_url: str) -> Iterator[Engine]:
    store = open_store(reference_url)
    try:
        yield store
    finally:
        store.dispose()
