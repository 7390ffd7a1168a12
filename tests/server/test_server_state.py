"""What a running server holds: a bad edit of the agreement is read once, not per request."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from revpact.ingest.agreement_file import company_a_template
from revpact.server import state as state_module
from revpact.server.settings import Settings
from revpact.server.state import ServerState


def test_a_bad_edit_keeps_the_last_good_agreement_and_is_read_once(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "revpact.yaml"
    path.write_text(company_a_template("en"), encoding="utf-8")
    state = ServerState(engine=engine, agreement_path=path, settings=Settings())
    good = state.agreement()
    reads: list[Path] = []
    real = state_module.load_agreement

    def counting(where: Path) -> object:
        reads.append(where)
        return real(where)

    monkeypatch.setattr(state_module, "load_agreement", counting)
    path.write_text("title: [unclosed\n", encoding="utf-8")
    assert [state.agreement() for _ in range(3)] == [good] * 3
    assert len(reads) == 1
    path.write_text(company_a_template("pl"), encoding="utf-8")
    assert state.agreement().language == "pl"
    assert len(reads) == 2
