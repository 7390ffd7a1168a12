"""Publishing and signing versions, and measuring each lead and month under its version."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from revpact import services
from revpact.errors import NotFoundError, RefusedError
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.ingest.leads.canonical import CANONICAL_COLUMNS
from revpact.services import agreement_versions as av
from revpact.services.public.scoreboard import MonthScoreboard
from revpact.store.tables import APPEND_ONLY

NY = ZoneInfo("America/New_York")
NOW = datetime(2020, 12, 31, 18, tzinfo=UTC)
EN = company_a_template("en")
# v2 gives sales two business hours instead of one.
EN_2H = EN.replace("within: 1h ", "within: 2h ")


def publish(engine: Engine, source: str, at: datetime) -> av.Published:
    return av.publish(engine, parse_agreement(source), source, at=at, now=NOW)


def sign_all(engine: Engine, at: datetime, *, but: int = 0) -> datetime:
    """Everyone on the latest version's roster signs, a minute apart; the last signing time."""
    latest = av.versions(engine)[-1]
    people = latest.agreement.signatories
    moment = at
    for index, person in enumerate(people[: len(people) - but]):
        moment = at + timedelta(minutes=index)
        av.sign(engine, person.email, version=None, at=moment, now=NOW, via="cli")
    return moment


def test_publishing_the_same_content_again_changes_nothing(engine: Engine) -> None:
    first = publish(engine, EN, datetime(2019, 12, 1, tzinfo=UTC))
    assert first.created and first.version.number == 1 and first.previous is None
    again = publish(engine, "# a comment\n" + EN, datetime(2019, 12, 2, tzinfo=UTC))
    assert not again.created and again.version == first.version
    second = publish(engine, EN_2H, datetime(2019, 12, 3, tzinfo=UTC))
    assert second.version.number == 2
    assert [str(c) for c in second.changes] == ["sales.follow_up.within: 1h → 2h"]
    with pytest.raises(RefusedError, match="this content is v1"):
        publish(engine, EN, datetime(2019, 12, 4, tzinfo=UTC))
    assert [v.number for v in av.versions(engine)] == [1, 2]


def test_the_log_only_moves_forward(engine: Engine) -> None:
    publish(engine, EN, datetime(2019, 12, 10, tzinfo=UTC))
    with pytest.raises(RefusedError, match="before the newest record"):
        av.sign(
            engine,
            "kevin.tran@company-a.example",
            version=None,
            at=datetime(2019, 12, 9, tzinfo=UTC),
            now=NOW,
            via="cli",
        )
    with pytest.raises(RefusedError, match="future"):
        publish(engine, EN_2H, NOW + timedelta(seconds=1))


def test_signing_rules(engine: Engine) -> None:
    with pytest.raises(RefusedError, match="no version has been published"):
        av.sign(engine, "kevin.tran@company-a.example", version=None, at=NOW, now=NOW, via="cli")
    publish(engine, EN, datetime(2019, 12, 1, tzinfo=UTC))
    at = datetime(2019, 12, 2, tzinfo=UTC)
    with pytest.raises(RefusedError, match=r"stranger@company-a\.example is not a signatory"):
        av.sign(engine, "stranger@company-a.example", version=None, at=at, now=NOW, via="cli")
    signed = av.sign(
        engine, "Kevin.Tran@company-a.example", version="v1", at=at, now=NOW, via="cli"
    )
    assert signed.signatory.name == "Kevin Tran" and not signed.in_force
    with pytest.raises(RefusedError, match="already signed v1"):
        av.sign(engine, "kevin.tran@company-a.example", version=None, at=at, now=NOW, via="cli")
    with pytest.raises(NotFoundError, match='no version "v7"'):
        av.sign(engine, "olivia.grant@company-a.example", version="v7", at=at, now=NOW, via="cli")
    publish(engine, EN_2H, datetime(2019, 12, 3, tzinfo=UTC))
    with pytest.raises(RefusedError, match=r"v1 .* is not the latest version: v2"):
        av.sign(
            engine,
            "olivia.grant@company-a.example",
            version="1",
            at=datetime(2019, 12, 4, tzinfo=UTC),
            now=NOW,
            via="cli",
        )


def test_an_amendment_makes_every_signature_stale_and_keeps_the_old_version_in_force(
    engine: Engine,
) -> None:
    publish(engine, EN, datetime(2019, 12, 1, tzinfo=UTC))
    last = sign_all(engine, datetime(2019, 12, 2, 9, tzinfo=UTC))
    state = av.status(engine, now=last)
    assert state.in_force is not None and state.in_force.number == 1 and not state.pending
    publish(engine, EN_2H, datetime(2020, 6, 1, tzinfo=UTC))
    state = av.status(engine, now=datetime(2020, 6, 2, tzinfo=UTC))
    assert state.in_force is not None and state.in_force.number == 1
    assert state.latest is not None and state.latest.number == 2 and state.pending
    assert all(s.signed_us is None for s in state.signers)  # v1's signatures do not carry over
    assert [str(c) for c in state.changes_since_in_force] == ["sales.follow_up.within: 1h → 2h"]
    done = sign_all(engine, datetime(2020, 6, 29, 9, tzinfo=UTC), but=1)
    assert av.status(engine, now=done).in_force.number == 1  # type: ignore[union-attr]
    last_person = av.versions(engine)[-1].agreement.signatories[-1]
    final = av.sign(
        engine, last_person.email, version=None, at=datetime(2020, 6, 30, 12, tzinfo=UTC),
        now=NOW, via="cli",
    )  # fmt: skip
    assert final.in_force
    state = av.status(engine, now=datetime(2020, 6, 30, 12, tzinfo=UTC))
    assert state.in_force is not None and state.in_force.number == 2 and not state.pending
    # Earlier moments keep their version.
    before = av.status(engine, now=datetime(2020, 6, 30, 11, 59, tzinfo=UTC))
    assert before.in_force is not None and before.in_force.number == 1


LEAD_ROWS = [
    # lead_id, lead_type, stage, requested_follow_up, created_at, notified_at, first_touch_at,
    # owner: each touched 90 minutes after its 10:00 notification (a Monday and a Wednesday).
    ("JUN", "content", "late", "true", "2020-06-29T09:59:00-04:00", "2020-06-29T10:00:00-04:00",
     "2020-06-29T11:30:00-04:00", "ana"),
    ("JUL", "content", "late", "true", "2020-07-01T09:59:00-04:00", "2020-07-01T10:00:00-04:00",
     "2020-07-01T11:30:00-04:00", "ana"),
]  # fmt: skip


def write_leads(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fp:
        writer = csv.writer(fp)
        writer.writerow(CANONICAL_COLUMNS)
        writer.writerows(LEAD_ROWS)
    return path


def test_each_lead_and_month_is_measured_under_the_version_in_force_at_its_start(
    engine: Engine, tmp_path: Path
) -> None:
    file_agreement = parse_agreement(EN)
    services.import_leads(engine, file_agreement, write_leads(tmp_path / "leads.csv"))
    as_of = datetime(2020, 7, 31, 17, tzinfo=NY)

    def by_id() -> dict[str, services.LeadView]:
        views = services.list_leads(engine, file_agreement, as_of=as_of)
        return {v.lead_id: v for v in views}

    # No version published: the file (1 hour) governs both: both breached.
    assert {k: v.status.value for k, v in by_id().items()} == {"JUN": "breached", "JUL": "breached"}
    publish(engine, EN, datetime(2019, 12, 1, tzinfo=UTC))
    sign_all(engine, datetime(2019, 12, 2, 9, tzinfo=UTC))
    # v1 says what the file says: no deadline changes.
    assert services.recompute_deadlines(engine, file_agreement) == 0
    publish(engine, EN_2H, datetime(2020, 6, 15, tzinfo=UTC))
    sign_all(engine, datetime(2020, 6, 30, 14, tzinfo=UTC))  # v2 in force from June 30
    # Only the lead v2 governs is recomputed; June's keeps the deadline it had.
    assert services.recompute_deadlines(engine, file_agreement) == 1
    leads = by_id()
    assert leads["JUN"].agreement_version == 1 and leads["JUN"].status.value == "breached"
    assert leads["JUN"].due_at == datetime(2020, 6, 29, 11, tzinfo=NY)
    assert leads["JUL"].agreement_version == 2 and leads["JUL"].status.value == "met"
    assert leads["JUL"].due_at == datetime(2020, 7, 1, 12, tzinfo=NY)
    # The file passed in (still 1 hour) does not matter once versions are in force.
    board = services.year_scoreboard(engine, file_agreement, as_of=as_of)
    months = {
        f"{m.month:%Y-%m}": MonthScoreboard.of(m).model_dump(mode="json") for m in board.months
    }
    assert months["2020-06"]["agreement_version"]["number"] == 1
    assert months["2020-07"]["agreement_version"]["number"] == 2
    assert months["2020-06"]["follow_up"]["breached"] == 1
    assert months["2020-07"]["follow_up"]["met"] == 1
    # A later amendment (signed in August) rewrites nothing before it.
    publish(engine, EN.replace("within: 1h ", "within: 30m "), datetime(2020, 8, 3, tzinfo=UTC))
    sign_all(engine, datetime(2020, 8, 4, 9, tzinfo=UTC))
    again = by_id()
    assert (again["JUN"].status, again["JUL"].status) == (leads["JUN"].status, leads["JUL"].status)
    assert again["JUL"].due_at == leads["JUL"].due_at


def test_a_lead_written_after_an_amendment_gets_its_versions_deadline(
    engine: Engine, tmp_path: Path
) -> None:
    """Rows written under the file's SLA are recomputed under the timeline on the next read."""
    publish(engine, EN_2H, datetime(2019, 12, 1, tzinfo=UTC))
    sign_all(engine, datetime(2019, 12, 2, 9, tzinfo=UTC))
    file_agreement = parse_agreement(EN)  # the file still says 1 hour
    services.import_leads(engine, file_agreement, write_leads(tmp_path / "leads.csv"))
    views = services.list_leads(engine, file_agreement, as_of=datetime(2020, 7, 31, tzinfo=UTC))
    assert {v.lead_id: v.status.value for v in views} == {"JUN": "met", "JUL": "met"}


def test_the_governing_timeline_is_read_once_per_state_of_the_log(engine: Engine) -> None:
    """Cached while the log of versions and signatures stands still; each publication and
    each signature moves it on."""
    file_agreement = parse_agreement(EN)
    first = av.governing_timeline(engine, file_agreement)
    assert not first.published
    assert av.governing_timeline(engine, file_agreement) is first
    assert av.governing_timeline(engine, parse_agreement(EN_2H)) is not first  # another file
    publish(engine, EN_2H, datetime(2019, 12, 1, tzinfo=UTC))
    signed = av.governing_timeline(engine, file_agreement)
    assert not signed.published  # published, not signed yet: the file still governs
    sign_all(engine, datetime(2019, 12, 2, 9, tzinfo=UTC), but=1)
    assert not av.governing_timeline(engine, file_agreement).published
    last = av.versions(engine)[-1].agreement.signatories[-1]
    av.sign(
        engine,
        last.email,
        version=None,
        at=datetime(2019, 12, 3, tzinfo=UTC),
        now=NOW,
        via="cli",
    )
    in_force = av.governing_timeline(engine, file_agreement)
    assert in_force.published and in_force.fingerprint() == parse_agreement(EN_2H).sla_fingerprint()
    assert av.governing_timeline(engine, file_agreement) is in_force


def test_sla_fingerprint_is_the_agreements_own() -> None:
    agreement = parse_agreement(EN)
    assert av.sla_fingerprint(agreement) == agreement.sla_fingerprint()
    assert av.sla_fingerprint(agreement) == av.sla_fingerprint(agreement)
    other = parse_agreement(EN_2H)
    assert av.sla_fingerprint(other) == other.sla_fingerprint() != av.sla_fingerprint(agreement)


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM agreement_versions",
        "UPDATE agreement_versions SET published_by = 'someone else'",
        "UPDATE agreement_versions SET source = ''",
        "DELETE FROM signatures",
        "UPDATE signatures SET signed_us = 0",
    ],
)
def test_the_database_refuses_to_change_or_delete_versions_and_signatures(
    engine: Engine, statement: str
) -> None:
    publish(engine, EN, datetime(2019, 12, 1, tzinfo=UTC))
    sign_all(engine, datetime(2019, 12, 2, 9, tzinfo=UTC), but=9)
    with pytest.raises((IntegrityError, DBAPIError), match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    with engine.connect() as conn:
        counts = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM agreement_versions), "
                "(SELECT count(*) FROM signatures)"
            )
        ).one()
    assert tuple(counts) == (1, 2)
    assert av.versions(engine)[0].published_by is None


def test_every_append_only_table_has_its_triggers(engine: Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(
                text("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
            )
            found = {
                (table, op)
                for table, sql in rows
                for op in ("UPDATE", "DELETE")
                if f"BEFORE {op}" in sql
            }
        else:
            rows = conn.execute(
                text(
                    "SELECT event_object_table, event_manipulation "
                    "FROM information_schema.triggers WHERE trigger_schema = current_schema()"
                )
            )
            found = {(table, op) for table, op in rows}
    assert {(t, op) for t in APPEND_ONLY for op in ("UPDATE", "DELETE")} <= found
