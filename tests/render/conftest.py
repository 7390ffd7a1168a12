"""Fixtures of the rendering tests: Company A's agreement in both languages."""

from __future__ import annotations

import pytest

from revpact.domain.agreement.model import Agreement
from revpact.ingest.agreement_file import company_a_template, parse_agreement


@pytest.fixture(scope="session")
def polish() -> Agreement:
    """Company A's agreement, as the Polish template writes it."""
    return parse_agreement(company_a_template("pl"))


@pytest.fixture(scope="session")
def company_a(agreement: Agreement, polish: Agreement) -> dict[str, Agreement]:
    """Company A's agreement by language."""
    return {"en": agreement, "pl": polish}
