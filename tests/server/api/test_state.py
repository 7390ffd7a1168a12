"""The server reads the agreement again when its file changes; a bad edit keeps the last good
one in force."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine

from revpact.errors import AgreementError
from revpact.server.settings import Settings
from revpact.server.state import ServerState


def _touch_later(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def test_an_amended_file_takes_effect_and_a_bad_edit_is_ignored(
    engine: Engine, agreement_file: Path
) -> None:
    state = ServerState(engine=engine, agreement_path=agreement_file, settings=Settings())
    first = state.agreement()
    assert first.sales.follow_up.within == 3600
    good = agreement_file.read_text(encoding="utf-8")
    _touch_later(agreement_file, good.replace("within: 1h", "within: 45m", 1))
    assert state.agreement().sales.follow_up.within == 45 * 60
    _touch_later(agreement_file, "not: [an agreement")
    assert state.agreement().sales.follow_up.within == 45 * 60


def test_a_bad_file_at_start_is_an_error(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "revpact.yaml"
    path.write_text("sales: 1\n", encoding="utf-8")
    state = ServerState(engine=engine, agreement_path=path, settings=Settings())
    with pytest.raises(AgreementError):
        state.agreement()
