"""A copy of the scoreboard benchmark's database served over loopback, for the benchmarks that
measure the server (``api.py``, ``dashboard.py``): its clock fixed at :data:`AS_OF`, alerts
off, webhooks signed with :data:`SECRET`, and a viewer token."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from revpact.services.clock import FixedClock
from scoreboard import DB, build

AS_OF = datetime(2020, 12, 31, 16, 0, tzinfo=timezone(timedelta(hours=-5)))
SECRET = "whsec_bench"


@contextmanager
def served_copy(name: str) -> Iterator[tuple[str, str]]:
    """(base URL, viewer token) of a server over a fresh copy of the 1,000,000-lead database
    (built on first use); the copy is deleted afterwards, so what a benchmark writes stays out
    of the shared database."""
    from revpact.domain.roles import Role
    from revpact.ingest.agreement_file import company_a_template
    from revpact.server.loopback import running
    from revpact.server.settings import AlertSettings, Settings, WebhookSettings
    from revpact.server.state import ServerState
    from revpact.services.tokens import create_token
    from revpact.store import open_store

    build(DB)
    work = Path(tempfile.mkdtemp(prefix=f"revpact-bench-{name}-"))
    try:
        db = work / f"{name}.db"
        shutil.copyfile(DB, db)
        agreement = work / "revpact.yaml"
        agreement.write_text(company_a_template("en"), encoding="utf-8")
        engine = open_store(f"sqlite:///{db}")
        token = create_token(engine, name="bench", role=Role.VIEWER, now=AS_OF).token
        state = ServerState(
            engine=engine,
            agreement_path=agreement,
            settings=Settings(
                webhooks=WebhookSettings(secrets=(SECRET,)), alerts=AlertSettings(enabled=False)
            ),
            clock=FixedClock(AS_OF),
        )
        try:
            with running(state) as url:
                yield url, token
        finally:
            engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
