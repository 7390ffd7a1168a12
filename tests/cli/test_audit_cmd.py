"""``revpact audit``: the trail as a table (user text escaped) and as JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine
from typer.testing import CliRunner

from revpact.cli import app
from revpact.domain.clock.calendar import to_us
from revpact.ingest.agreement_file import company_a_template
from revpact.store.audit import record_write
from revpact.store.db import migrate


def test_the_trail_from_the_command_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    agreement = tmp_path / "revpact.yaml"
    agreement.write_text(company_a_template("en"), encoding="utf-8")
    engine = create_engine(db)
    migrate(engine)
    with engine.begin() as conn:
        for n, (actor, subject) in enumerate(
            [("anna@x.example", "lead:[bold]L1[/bold]"), (None, "import:leads.csv")]
        ):
            record_write(
                conn,
                recorded_us=to_us(datetime(2020, 9, 1 + n, 12, tzinfo=UTC)),
                actor=actor,
                via="cli",
                action="lead.touch" if n == 0 else "import.leads",
                subject=subject,
                claimed_us=to_us(datetime(2020, 9, 1, 9, tzinfo=UTC)),
                late=n == 0,
            )
    engine.dispose()
    common = ["--agreement", str(agreement), "--db", db]
    result = CliRunner().invoke(app, ["audit", *common], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "lead:[bold]L1[/bold]" in result.output  # shown as written, not read as markup
    assert "(cli)" in result.output and "*" in result.output
    result = CliRunner().invoke(app, ["audit", "--json", "--since", "2020-09-02", *common])
    entries = json.loads(result.output)
    assert [e["action"] for e in entries] == ["import.leads"]
    assert entries[0]["delay_seconds"] == 86_400 + 3 * 3600
