"""The bulk recompute of stored deadlines gives what the scalar clock gives, lead by lead.

Generated leads are stored as if computed under another SLA, then brought under a timeline
of two versions (the second changes the follow-up window and reads a field of the lead file's
own); every stored due time and ``applies`` flag must equal the scalar path's for the version
in force at the lead's notification. Runs on SQLite and, when configured, PostgreSQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.clock.sla import NO_TIME, evaluate_lead
from revpact.domain.versions import AgreementTimeline, InForce
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.services.deadlines import recompute_deadlines
from revpact.store.bulk import read_by_id, update_by_id
from revpact.store.leads import LEAD_COLUMNS, LeadRepository
from revpact.store.tables import leads

YEAR_US = to_us(datetime(2020, 1, 1, tzinfo=UTC))
AMENDED_US = to_us(datetime(2020, 6, 22, 13, 30, tzinfo=UTC))
MINUTES = 366 * 24 * 60


@dataclass(frozen=True)
class Lead:
    lead_id: str
    lead_type: str
    stage: str
    requested_follow_up: bool
    owner: str
    region: str | None
    notified_us: int | None


@st.composite
def lead_sets(draw: st.DrawFn) -> list[Lead]:
    count = draw(st.integers(min_value=0, max_value=40))
    found = []
    for i in range(count):
        minute = draw(st.one_of(st.none(), st.integers(0, MINUTES)))
        seconds = draw(st.integers(0, 59))
        found.append(
            Lead(
                f"L{i:03d}",
                draw(st.sampled_from(["referral", "webinar", "demo_request", "other"])),
                draw(st.sampled_from(["sales_ready", "early", "qualified"])),
                draw(st.booleans()),
                draw(st.sampled_from(["", "ana", "bo"])),
                draw(st.sampled_from([None, "emea", "EMEA", "apac"])),
                None if minute is None else YEAR_US + (minute * 60 + seconds) * 1_000_000,
            )
        )
    return found


def _timeline() -> AgreementTimeline:
    text_ = company_a_template("en")
    amended = text_.replace("within: 1h ", "within: 45m ").replace(
        "applies_to: {requested_follow_up: true}",
        "applies_to: {requested_follow_up: true, region: [emea]}",
    )
    first, second = parse_agreement(text_), parse_agreement(amended)
    assert first.sla_fingerprint() != second.sla_fingerprint()
    return AgreementTimeline((InForce(None, first, None), InForce(AMENDED_US, second, None)))


TIMELINE = _timeline()


def _store(engine: Engine, found: list[Lead]) -> None:
    """``found`` as if their deadlines were computed under some other SLA."""
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM leads"))
        conn.execute(text("DELETE FROM store_state"))
        values = {
            "created_us": YEAR_US,
            "first_touch_us": NO_TIME,
            "due_us": 12345,
            "applies": 1,
            "sla_fingerprint": "an older SLA",
            "touch_claimed_us": NO_TIME,
            "recorded_us": YEAR_US,
            "recorded_by": "",
        }
        columns: dict[str, list[str | int]] = {c: [] for c in LEAD_COLUMNS}
        for lead in found:
            attrs = {} if lead.region is None else {"region": lead.region}
            values |= {
                "lead_id": lead.lead_id,
                "lead_type": lead.lead_type,
                "stage": lead.stage,
                "requested_follow_up": int(lead.requested_follow_up),
                "owner": lead.owner,
                "attributes": json.dumps(attrs),
                "notified_us": NO_TIME if lead.notified_us is None else lead.notified_us,
            }
            for c in LEAD_COLUMNS:
                columns[c].append(values[c])
        if found:
            LeadRepository(conn).insert(columns)


def _scalar(lead: Lead) -> tuple[int | None, bool]:
    """The due time and ``applies`` the scalar path gives, under the version in force."""
    agreement: Agreement = TIMELINE.at_us(
        NO_TIME if lead.notified_us is None else lead.notified_us
    ).agreement
    attrs = {
        "lead_type": lead.lead_type,
        "stage": lead.stage,
        "requested_follow_up": lead.requested_follow_up,
        "owner": lead.owner or None,
        "region": lead.region,
    }
    applies = agreement.sales.follow_up.applies(attrs) and lead.notified_us is not None
    if not applies or lead.notified_us is None:
        return None, False
    result = evaluate_lead(
        agreement.business_calendar(),
        agreement.follow_up_rule(),
        applies=True,
        notified_at=from_us(lead.notified_us),
        first_touch_at=None,
        as_of=from_us(lead.notified_us),
    )
    assert result.due_at is not None
    return to_us(result.due_at), True


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(found=lead_sets())
def test_the_bulk_recompute_equals_the_scalar_path(engine: Engine, found: list[Lead]) -> None:
    _store(engine, found)
    assert recompute_deadlines(engine, TIMELINE.current.agreement, TIMELINE) == len(found)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT lead_id, due_us, applies, sla_fingerprint FROM leads ORDER BY lead_id")
        ).all()
    got = {r[0]: (r[1], bool(r[2])) for r in rows}
    assert got == {lead.lead_id: _scalar(lead) for lead in found}
    for lead_id, _, _, fingerprint in rows:
        [lead] = [x for x in found if x.lead_id == lead_id]
        span = TIMELINE.at_us(NO_TIME if lead.notified_us is None else lead.notified_us)
        assert fingerprint == span.agreement.sla_fingerprint()
    # Under the timeline now: nothing left to do.
    assert recompute_deadlines(engine, TIMELINE.current.agreement, TIMELINE) == 0


def test_the_generated_leads_reach_both_versions_and_both_answers() -> None:
    """The property above could fail: its leads fall on both sides of the amendment, and the
    amendment moves due times and changes which leads the SLA covers."""
    friday_us = to_us(datetime(2020, 6, 19, 14, tzinfo=UTC))  # 10:00 in New York
    early = Lead("A", "referral", "sales_ready", True, "ana", None, friday_us)
    late = Lead("B", "referral", "sales_ready", True, "ana", "emea", AMENDED_US + 3_600_000_000)
    late_apac = Lead("C", "referral", "sales_ready", True, "ana", "apac", AMENDED_US + 60_000_000)
    (due_early, _), (due_late, _) = _scalar(early), _scalar(late)
    assert due_early is not None and due_late is not None
    assert due_early - friday_us == 3_600_000_000  # 1 h under the first version
    assert due_late - (AMENDED_US + 3_600_000_000) == 45 * 60_000_000  # 45 min under v2
    assert _scalar(late_apac) == (None, False)


def test_the_bulk_write_sets_columns_by_id_and_refuses_unknown_ones(engine: Engine) -> None:
    _store(engine, [Lead(f"L{i}", "referral", "early", True, "", None, YEAR_US) for i in range(5)])
    with engine.begin() as conn:
        found = read_by_id(conn, leads, {"notified_us": "notified_us"}, ["lead_id"], [], [])
        assert sorted(found.kinds[k][0] for k in found.kind.tolist()) == [f"L{i}" for i in range(5)]
        picked = found.id[[1, 3]]
        due = np.array([NO_TIME, 42], dtype=np.int64)
        written = LeadRepository(conn).refresh_deadlines(
            picked, {"due_us": due, "applies": np.array([True, False])}, fingerprint="new"
        )
        assert written == 2
        with pytest.raises(ValueError, match="no column to set named nonsense"):
            update_by_id(conn, leads, picked, {"nonsense": due})
        rows = conn.execute(
            text("SELECT id, due_us, applies, sla_fingerprint FROM leads ORDER BY id")
        ).all()
    by_id = {r[0]: (r[1], bool(r[2]), r[3]) for r in rows}
    first, second = picked.tolist()
    assert by_id[first] == (None, True, "new")  # NO_TIME is stored as NULL
    assert by_id[second] == (42, False, "new")
    assert [v for k, v in by_id.items() if k not in (first, second)] == [
        (12345, True, "an older SLA")
    ] * 3


def test_generated_times_cover_the_year() -> None:
    assert from_us(YEAR_US + MINUTES * 60_000_000) > datetime(2020, 12, 31, tzinfo=UTC)
    assert from_us(AMENDED_US) - from_us(YEAR_US) > timedelta(days=150)
