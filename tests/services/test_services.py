"""Import, recompute, list and summarise leads, on SQLite and (when configured) PostgreSQL.

The hand-made leads below use Company A's calendar (America/New_York, Monday-Friday
09:00-17:00, one hour to follow up, at risk with 15 minutes left). The week of 2 March 2020 is
EST (UTC-5); clocks go forward on Sunday 8 March, so Monday 9 March is EDT (UTC-4).
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.sla import LeadStatus
from revpact.errors import InputError
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.ingest.leads import canonical
from revpact.ingest.leads.canonical import CANONICAL_COLUMNS

NY = ZoneInfo("America/New_York")
AS_OF = datetime(2020, 3, 9, 9, 30, tzinfo=NY)  # Monday, EDT

# lead_id, lead_type, stage, requested_follow_up, created_at, notified_at, first_touch_at, owner
LEADS = [
    # met: 30 minutes after the notification
    ("A1", "content", "late", "true", "2020-03-02T09:55:00-05:00",
     "2020-03-02T10:00:00-05:00", "2020-03-02T10:30:00-05:00", "ana"),
    # breached: 90 minutes
    ("A2", "referral", "late", "true", "2020-03-02T09:55:00-05:00",
     "2020-03-02T10:00:00-05:00", "2020-03-02T11:30:00-05:00", "ana"),
    # met: 30 minutes on Monday + 15 on Tuesday morning (due Tuesday 09:30)
    ("A3", "internet_sales_ready", "late", "yes", "2020-03-02T16:29:00-05:00",
     "2020-03-02T16:30:00-05:00", "2020-03-03T09:15:00-05:00", "ana"),
    # excluded: a webinar lead; an early-stage lead; a lead that asked for no follow-up
    ("A4", "webinar", "late", "true", "2020-03-02T09:55:00-05:00",
     "2020-03-02T10:00:00-05:00", "", "ana"),
    ("A5", "content", "early", "true", "2020-03-02T09:55:00-05:00",
     "2020-03-02T10:00:00-05:00", "", "ben"),
    ("A6", "content", "late", "no", "2020-03-02T09:00:00-05:00", "", "", "ben"),
    # open: Friday 16:50 + 10 min, Monday 09:00 EDT + 50 min -> due 09:50, 20 min left
    ("A7", "content", "late", "true", "2020-03-06T16:49:00-05:00",
     "2020-03-06T16:50:00-05:00", "", "ben"),
    # at risk: Friday 16:40 -> due Monday 09:40 EDT, 10 minutes left
    ("A8", "referral", "late", "true", "2020-03-06T16:39:00-05:00",
     "2020-03-06T16:40:00-05:00", "", "ben"),
    # open as of 09:30: the touch at 10:00 has not happened yet; due 10:20, 50 min left
    ("A9", "content", "late", "true", "2020-03-09T09:19:00-04:00",
     "2020-03-09T09:20:00-04:00", "2020-03-09T10:00:00-04:00", ""),
    # not there yet as of 09:30
    ("A10", "content", "late", "true", "2020-03-09T10:59:00-04:00",
     "2020-03-09T11:00:00-04:00", "", "ana"),
    # met with a touch before the notification: response 0
    ("A11", "content", "late", "true", "2020-03-03T09:40:00-05:00",
     "2020-03-03T10:00:00-05:00", "2020-03-03T09:50:00-05:00", "ben"),
    # breached: never touched, due Tuesday 11:00
    ("A12", "content", "late", "true", "2020-03-03T09:55:00-05:00",
     "2020-03-03T10:00:00-05:00", "", "ben"),
]  # fmt: skip


def write_leads(path: Path, rows: list[tuple[str, ...]], header: tuple[str, ...] = ()) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fp:
        writer = csv.writer(fp)
        writer.writerow(header or CANONICAL_COLUMNS)
        writer.writerows(rows)
    return path


def variant(find: str, replace: str) -> Agreement:
    text_ = company_a_template("en")
    assert find in text_
    return parse_agreement(text_.replace(find, replace))


def table(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                text(
                    "SELECT lead_id, lead_type, stage, requested_follow_up, owner, attributes, "
                    "created_us, notified_us, first_touch_us, due_us, applies, sla_fingerprint "
                    "FROM leads ORDER BY lead_id"
                )
            )
        ]


@pytest.fixture
def leads_csv(tmp_path: Path) -> Path:
    return write_leads(tmp_path / "leads.csv", LEADS)


# ---------------------------------------------------------------------------- import


def test_import_then_the_same_file_again_changes_nothing(
    engine: Engine, agreement: Agreement, leads_csv: Path
) -> None:
    first = services.import_leads(engine, agreement, leads_csv)
    assert (first.rows, first.inserted, first.updated, first.unchanged, first.rejected) == (
        12,
        12,
        0,
        0,
        0,
    )
    assert first.rejects_path is None and first.file_name == str(leads_csv)
    before = table(engine)
    second = services.import_leads(engine, agreement, leads_csv)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 12)
    assert second.sha256 == first.sha256
    assert table(engine) == before
    with engine.connect() as conn:
        logged = conn.execute(text("SELECT rows, inserted, unchanged FROM imports")).all()
    assert [tuple(r) for r in logged] == [(12, 12, 0), (12, 0, 12)]


def test_a_changed_row_is_updated(
    engine: Engine, agreement: Agreement, leads_csv: Path, tmp_path: Path
) -> None:
    services.import_leads(engine, agreement, leads_csv)
    touched = [row if row[0] != "A12" else (*row[:6], "2020-03-03T10:20:00-05:00", "ben")
               for row in LEADS]  # fmt: skip
    touched.append(("A13", "content", "late", "true", "2020-03-04T09:00:00-05:00",
                    "2020-03-04T10:00:00-05:00", "", "ana"))  # fmt: skip
    # Exported right after the touch (a re-import records a changed touch when it runs; see
    # tests/services/test_late_entries_service.py for one recorded late).
    exported = datetime(2020, 3, 3, 10, 25, tzinfo=NY)
    report = services.import_leads(
        engine, agreement, write_leads(tmp_path / "b.csv", touched), now=exported
    )
    assert (report.inserted, report.updated, report.unchanged) == (1, 1, 11)
    [a12] = [v for v in services.list_leads(engine, agreement, as_of=AS_OF) if v.lead_id == "A12"]
    assert a12.status is LeadStatus.MET and a12.response_business_seconds == 1200


def test_a_bad_file_stores_nothing_and_names_every_problem(
    engine: Engine, agreement: Agreement, leads_csv: Path, tmp_path: Path
) -> None:
    services.import_leads(engine, agreement, leads_csv)
    before = table(engine)
    rows = [(*row[:5], "2020-13-01 10:00", *row[6:]) if row[0] in {"A2", "A3"} else row
            for row in LEADS]  # fmt: skip
    rows = [(f"{r[0]}x", *r[1:]) for r in rows]  # all new ids: nothing may be inserted either
    bad = write_leads(tmp_path / "bad.csv", rows)
    with pytest.raises(InputError) as caught:
        services.import_leads(engine, agreement, bad)
    message = str(caught.value)
    assert message.startswith(f"{bad}: 2 problems in 2 rows; nothing was imported")
    assert (
        f'{bad} row 3, column notified_at: "2020-13-01 10:00" is not an ISO 8601 timestamp'
        in message
    )
    assert len(caught.value.problems) == 2
    assert table(engine) == before


def test_a_bad_last_row_of_a_long_file_rolls_back_every_chunk(
    engine: Engine, agreement: Agreement, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(canonical, "BLOCK_BYTES", 4096)
    rows = [
        (f"L{i:05d}", "content", "late", "true", "2020-03-02T09:00:00-05:00",
         f"2020-03-02T10:{i % 60:02d}:00-05:00", "", f"rep{i % 7}")
        for i in range(2000)
    ]  # fmt: skip
    rows.append(("L99999", "content", "late", "true", "2020-03-02T09:00:00-05:00", "soon", "", ""))
    bad = write_leads(tmp_path / "long.csv", rows)
    with pytest.raises(InputError, match=r"long.csv row 2002, column notified_at: \"soon\""):
        services.import_leads(engine, agreement, bad)
    assert table(engine) == []


def test_the_problem_list_is_capped(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    rows = [(f"L{i}", "seminar", "late", "true", "x", "", "", "") for i in range(30)]
    with pytest.raises(InputError) as caught:
        services.import_leads(engine, agreement, write_leads(tmp_path / "bad.csv", rows))
    assert (
        str(caught.value).splitlines()[0].endswith("90 problems in 30 rows; nothing was imported")
    )
    assert len(caught.value.problems) == 21
    assert caught.value.problems[-1] == "and 70 more"


def test_skip_invalid_stores_the_good_rows_and_writes_the_rejects(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    rows = [*LEADS[:3], ("B1", "seminar", "late", "true", "2020-03-02T09:00:00Z", "", "", "x")]
    source = write_leads(tmp_path / "leads.csv", rows)
    report = services.import_leads(engine, agreement, source, skip_invalid=True)
    assert (report.inserted, report.rejected) == (3, 1)
    assert report.rejects_path == tmp_path / "leads.rejects.csv"
    with report.rejects_path.open(newline="", encoding="utf-8") as fp:
        written = list(csv.reader(fp))
    assert written[0] == [*CANONICAL_COLUMNS, "error"]
    assert written[1][:8] == list(rows[3])
    assert written[1][8] == (
        f'{source} row 5, column lead_type: "seminar" is not a lead type; write one of content, '
        f"internet_sales_ready, referral, webinar; {source} row 5, column notified_at: is empty, "
        "but the follow-up SLA covers this lead and its clock starts at the notification; write "
        "when the rep was notified"
    )
    assert not (tmp_path / "leads.rejects.csv.tmp").exists()


def test_skip_invalid_without_rejects_writes_no_file(
    engine: Engine, agreement: Agreement, leads_csv: Path
) -> None:
    report = services.import_leads(engine, agreement, leads_csv, skip_invalid=True)
    assert report.rejects_path is None and report.rejected == 0
    assert not leads_csv.with_name("leads.rejects.csv").exists()


def test_a_header_without_required_columns(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    path = tmp_path / "h.csv"
    path.write_text("lead_id,lead_type,created_at\nL1,content,2020-03-02T09:00:00Z\n")
    with pytest.raises(InputError, match="lacks the columns stage, requested_follow_up"):
        services.import_leads(engine, agreement, path)


def test_a_missing_file(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        services.import_leads(engine, agreement, tmp_path / "nope.csv")


def test_times_without_offset_are_calendar_wall_time(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    rows = [
        ("W1", "content", "late", "true", "2020-03-02 09:00", "2020-03-02 10:00", "", "ana"),
        # 01:30 on 1 November 2020 happened twice in New York; the first (EDT) is meant.
        ("W2", "content", "late", "true", "2020-11-01T01:00:00", "2020-11-01T01:30:00",
         "2020-11-02T09:10:00", "ana"),
    ]  # fmt: skip
    services.import_leads(engine, agreement, write_leads(tmp_path / "w.csv", rows))
    views = services.list_leads(engine, agreement, as_of=datetime(2020, 12, 1, tzinfo=UTC))
    by_id = {v.lead_id: v for v in views}
    assert by_id["W1"].notified_at == datetime(2020, 3, 2, 15, 0, tzinfo=UTC)
    assert by_id["W2"].notified_at == datetime(2020, 11, 1, 5, 30, tzinfo=UTC)
    assert by_id["W2"].due_at == datetime(2020, 11, 2, 15, 0, tzinfo=UTC)  # Monday 10:00 EST
    assert by_id["W2"].response_business_seconds == 600


def test_extra_columns_are_kept_and_the_agreement_can_use_them(
    engine: Engine, tmp_path: Path
) -> None:
    regional = variant(
        "applies_to: {requested_follow_up: true}",
        "applies_to: {requested_follow_up: true, region: [emea]}",
    )
    header = (*CANONICAL_COLUMNS, "region")
    rows = [
        (*LEADS[0][:7], "ana", "EMEA"),
        (f"{LEADS[1][0]}", *LEADS[1][1:7], "ana", "apac"),
    ]
    services.import_leads(engine, regional, write_leads(tmp_path / "r.csv", rows, header))
    views = services.list_leads(engine, regional, as_of=AS_OF)
    assert [(v.lead_id, v.status) for v in views] == [
        ("A1", LeadStatus.MET),
        ("A2", LeadStatus.EXCLUDED),
    ]
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT attributes FROM leads ORDER BY lead_id")).scalars()
        assert list(stored) == ['{"region": "EMEA"}', '{"region": "apac"}']


def test_deadlines_follow_a_changed_agreement(
    engine: Engine, agreement: Agreement, leads_csv: Path
) -> None:
    services.import_leads(engine, agreement, leads_csv)
    assert services.recompute_deadlines(engine, agreement) == 0
    slower = variant("within: 1h  ", "within: 2h  ")
    assert slower.sla_fingerprint() != agreement.sla_fingerprint()
    [a2] = [v for v in services.list_leads(engine, slower, as_of=AS_OF) if v.lead_id == "A2"]
    assert a2.status is LeadStatus.MET  # 90 minutes is within two hours
    assert a2.due_at == datetime(2020, 3, 2, 17, 0, tzinfo=UTC)
    assert services.recompute_deadlines(engine, slower) == 0  # already done by list_leads
    with engine.connect() as conn:
        fingerprints = set(conn.execute(text("SELECT sla_fingerprint FROM leads")).scalars())
    assert fingerprints == {slower.sla_fingerprint()}
    assert services.recompute_deadlines(engine, agreement) == 12
    summary = services.follow_up_summary(engine, agreement, as_of=AS_OF)
    assert summary.counts[LeadStatus.BREACHED] == 2


def test_recompute_follows_a_changed_scope(
    engine: Engine, agreement: Agreement, leads_csv: Path
) -> None:
    services.import_leads(engine, agreement, leads_csv)
    webinars_too = variant(
        "excludes: {lead_type: [webinar], stage: [early]}", "excludes: {stage: [early]}"
    )
    [a4] = [v for v in services.list_leads(engine, webinars_too, as_of=AS_OF) if v.lead_id == "A4"]
    assert a4.status is LeadStatus.BREACHED
    assert a4.due_at == datetime(2020, 3, 2, 16, 0, tzinfo=UTC)


def test_an_agreement_that_covers_every_lead(
    engine: Engine, agreement: Agreement, leads_csv: Path
) -> None:
    services.import_leads(engine, agreement, leads_csv)
    text_ = company_a_template("en")
    for line in ("applies_to: {requested_follow_up: true}", "excludes: {lead_type: [webinar]"):
        text_ = "\n".join(x for x in text_.splitlines() if line not in x)
    everyone = parse_agreement(text_)
    assert services.recompute_deadlines(engine, everyone) == 12
    statuses = {v.lead_id: v.status for v in services.list_leads(engine, everyone, as_of=AS_OF)}
    assert statuses["A4"] is LeadStatus.BREACHED  # the webinar lead counts now
    assert statuses["A6"] is LeadStatus.EXCLUDED  # never notified: nothing to measure


def test_progress_is_reported(engine: Engine, agreement: Agreement, leads_csv: Path) -> None:
    calls: list[tuple[int, int]] = []
    services.import_leads(engine, agreement, leads_csv, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1] == (12, 12)
    assert all(done <= total for done, total in calls)


def test_the_helper_process_reads_the_same(
    engine: Engine, agreement: Agreement, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(canonical, "BLOCK_BYTES", 512)
    rows = [*LEADS, ("B1", "seminar", "late", "true", "2020-03-02T09:00:00Z", "", "", "x")]
    source = write_leads(tmp_path / "p.csv", rows)
    with pytest.raises(InputError) as caught:
        services.import_leads(engine, agreement, source, parallel=True)
    with pytest.raises(InputError) as again:
        services.import_leads(engine, agreement, source, parallel=False)
    assert caught.value.problems == again.value.problems and len(caught.value.problems) == 2
    in_child = services.import_leads(engine, agreement, source, parallel=True, skip_invalid=True)
    assert (in_child.rows, in_child.inserted, in_child.rejected) == (13, 12, 1)
    stored = table(engine)
    here = services.import_leads(engine, agreement, source, parallel=False, skip_invalid=True)
    assert (here.rows, here.unchanged, here.rejected) == (13, 12, 1)
    assert here.sha256 == in_child.sha256
    assert table(engine) == stored


# ---------------------------------------------------------------------------- reading


def test_list_leads_as_of_a_moment(engine: Engine, agreement: Agreement, leads_csv: Path) -> None:
    services.import_leads(engine, agreement, leads_csv)
    views = services.list_leads(engine, agreement, as_of=AS_OF)
    got = {
        v.lead_id: (v.status, v.response_business_seconds, v.business_seconds_left) for v in views
    }
    assert got == {
        "A1": (LeadStatus.MET, 1800, None),
        "A2": (LeadStatus.BREACHED, 5400, None),
        "A3": (LeadStatus.MET, 2700, None),
        "A4": (LeadStatus.EXCLUDED, None, None),
        "A5": (LeadStatus.EXCLUDED, None, None),
        "A6": (LeadStatus.EXCLUDED, None, None),
        "A7": (LeadStatus.OPEN, None, 1200),
        "A8": (LeadStatus.AT_RISK, None, 600),
        "A9": (LeadStatus.OPEN, None, 3000),
        "A11": (LeadStatus.MET, 0, None),
        "A12": (LeadStatus.BREACHED, None, None),
    }
    # Notification order (a lead never notified by its creation); A10 comes after as_of.
    assert [v.lead_id for v in views] == [
        "A6", "A1", "A2", "A4", "A5", "A3", "A11", "A12", "A8", "A7", "A9",
    ]  # fmt: skip
    by_id = {v.lead_id: v for v in views}
    assert by_id["A3"].due_at == datetime(2020, 3, 3, 14, 30, tzinfo=UTC)
    assert by_id["A7"].due_at == datetime(2020, 3, 9, 13, 50, tzinfo=UTC)
    assert by_id["A4"].due_at is None and by_id["A6"].notified_at is None
    assert by_id["A9"].first_touch_at is None  # touched at 10:00, after as_of
    assert by_id["A9"].owner is None
    later = services.list_leads(engine, agreement, as_of=AS_OF + timedelta(hours=1))
    [a9] = [v for v in later if v.lead_id == "A9"]
    assert (a9.status, a9.response_business_seconds) == (LeadStatus.MET, 2400)
    assert a9.first_touch_at == datetime(2020, 3, 9, 14, 0, tzinfo=UTC)


def test_list_leads_by_status_and_owner(
    engine: Engine, agreement: Agreement, leads_csv: Path
) -> None:
    services.import_leads(engine, agreement, leads_csv)
    met = services.list_leads(engine, agreement, as_of=AS_OF, status=LeadStatus.MET)
    assert [v.lead_id for v in met] == ["A1", "A3", "A11"]
    bens = services.list_leads(engine, agreement, as_of=AS_OF, owner="ben")
    assert [v.lead_id for v in bens] == ["A6", "A5", "A11", "A12", "A8", "A7"]
    none = services.list_leads(engine, agreement, as_of=AS_OF, owner="ben", status=LeadStatus.MET)
    assert [v.lead_id for v in none] == ["A11"]
    first_two_met = services.list_leads(
        engine, agreement, as_of=AS_OF, status=LeadStatus.MET, limit=2
    )
    assert [v.lead_id for v in first_two_met] == ["A1", "A3"]
    everyone = services.list_leads(engine, agreement, as_of=AS_OF)
    first = services.list_leads(engine, agreement, as_of=AS_OF, limit=4)
    assert first == everyone[:4]


def test_an_empty_store(engine: Engine, agreement: Agreement) -> None:
    assert services.list_leads(engine, agreement, as_of=AS_OF) == []
    summary = services.follow_up_summary(engine, agreement, as_of=AS_OF)
    assert summary.leads == 0 and summary.compliance is None and summary.owners == ()
    assert summary.median_response_seconds is None


def test_follow_up_summary(engine: Engine, agreement: Agreement, leads_csv: Path) -> None:
    services.import_leads(engine, agreement, leads_csv)
    summary = services.follow_up_summary(engine, agreement, as_of=AS_OF)
    assert summary.leads == 11
    assert dict(summary.counts) == {
        LeadStatus.EXCLUDED: 3,
        LeadStatus.MET: 3,
        LeadStatus.BREACHED: 2,
        LeadStatus.AT_RISK: 1,
        LeadStatus.OPEN: 2,
    }
    assert summary.compliance == pytest.approx(0.6)
    # Responses 0, 1800, 2700, 5400: nearest-rank median and 90th percentile.
    assert (summary.median_response_seconds, summary.p90_response_seconds) == (1800, 5400)
    owners = {o.owner: o for o in summary.owners}
    assert list(owners) == ["ana", "ben", None]
    ana, ben, nobody = owners["ana"], owners["ben"], owners[None]
    assert (ana.leads, ana.compliance, ana.median_response_seconds) == (4, 2 / 3, 2700)
    assert ana.p90_response_seconds == 5400
    assert (ben.leads, ben.compliance, ben.median_response_seconds) == (6, 0.5, 0)
    assert ben.counts[LeadStatus.AT_RISK] == 1 and ben.counts[LeadStatus.OPEN] == 1
    assert (nobody.leads, nobody.compliance) == (1, None)


def test_json_twins(engine: Engine, agreement: Agreement, leads_csv: Path) -> None:
    services.import_leads(engine, agreement, leads_csv)
    views = {v.lead_id: v for v in services.list_leads(engine, agreement, as_of=AS_OF)}
    assert services.LeadPublic.of(views["A3"]).model_dump(mode="json") == {
        "lead_id": "A3",
        "lead_type": "internet_sales_ready",
        "stage": "late",
        "owner": "ana",
        "status": "met",
        "created_at": "2020-03-02T21:29:00+00:00",
        "notified_at": "2020-03-02T21:30:00+00:00",
        "first_touch_at": "2020-03-03T14:15:00+00:00",
        "due_at": "2020-03-03T14:30:00+00:00",
        "response_business_seconds": 2700,
        "business_seconds_left": None,
        "agreement_version": None,  # no version published: the file governs
        "late_entry": None,  # nothing was recorded late
    }
    excluded = services.LeadPublic.of(views["A6"]).model_dump(mode="json")
    assert excluded["due_at"] is None and excluded["response_business_seconds"] is None
    summary = services.FollowUpSummaryPublic.of(
        services.follow_up_summary(engine, agreement, as_of=AS_OF)
    ).model_dump(mode="json")
    assert summary["counts"] == {
        "excluded": 3, "met": 3, "breached": 2, "at_risk": 1, "open": 2,
    }  # fmt: skip
    assert summary["compliance"] == pytest.approx(0.6)
    assert summary["as_of"] == "2020-03-09T09:30:00-04:00"
    assert summary["median_response_business_seconds"] == 1800
    owners = summary["owners"]
    assert isinstance(owners, list) and owners[2]["owner"] is None


def test_the_queue_is_every_waiting_lead_by_time_left(
    engine: Engine, agreement: Agreement, leads_csv: Path
) -> None:
    services.import_leads(engine, agreement, leads_csv)
    for moment in (AS_OF, AS_OF - timedelta(hours=30), AS_OF + timedelta(minutes=15)):
        everything = services.list_leads(engine, agreement, as_of=moment)
        waiting = [v for v in everything if v.status in (LeadStatus.OPEN, LeadStatus.AT_RISK)]
        expected = sorted(waiting, key=lambda v: (v.business_seconds_left, v.notified_at))
        assert services.lead_queue(engine, agreement, as_of=moment) == expected
    queue = services.lead_queue(engine, agreement, as_of=AS_OF)
    assert [v.lead_id for v in queue] == ["A8", "A7", "A9"]
    assert services.lead_queue(engine, agreement, as_of=AS_OF, owner="ben", limit=1)[0].lead_id == (
        "A8"
    )
