"""Alerts: which leads alert and when, each once, and how delivery retries — on a fixed clock.

Company A's agreement: America/New_York, Monday-Friday 09:00-17:00, one hour to follow up, at
risk with 15 minutes left. Monday 9 March 2020 is EDT (UTC-4). The scheduler's first scan sets
the watermark, so most tests start with a scan at 10:30 while nothing is due.
"""

from __future__ import annotations

import csv
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from revpact import services
from revpact.alerts import DeliveryError, OutgoingAlert, RetryPolicy
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.ingest.leads.canonical import CANONICAL_COLUMNS
from revpact.services.alerts import deliver, scan
from revpact.store.alerts import WATERMARK_KEY, AlertRepository, AlertRow

NY = ZoneInfo("America/New_York")
BOTH = ("slack", "email")


def at(hour: int, minute: int, second: int = 0, day: int = 9) -> datetime:
    return datetime(2020, 3, day, hour, minute, second, tzinfo=NY)


def lead(
    lead_id: str,
    notified: str = "2020-03-09T10:00:00-04:00",
    touched: str = "",
    *,
    lead_type: str = "content",
    owner: str = "ana@example.com",
) -> tuple[str, ...]:
    return (lead_id, lead_type, "late", "true", notified, notified, touched, owner)


def load(engine: Engine, agreement: Agreement, tmp_path: Path, *rows: tuple[str, ...]) -> None:
    path = tmp_path / f"leads-{time.monotonic_ns()}.csv"
    with path.open("w", newline="", encoding="utf-8") as fp:
        writer = csv.writer(fp)
        writer.writerow(CANONICAL_COLUMNS)
        writer.writerows(rows)
    services.import_leads(engine, agreement, path, now=at(9, 0))


def stored(engine: Engine) -> list[AlertRow]:
    with engine.connect() as conn:
        return AlertRepository(conn).all()


def keys(engine: Engine) -> list[tuple[str, str, str]]:
    return [(r.key.lead_id, r.key.kind, r.key.channel) for r in stored(engine)]


class Recorder:
    """A fake sender: records what it is given; fails while ``failures`` is above zero."""

    def __init__(self, failures: int = 0, pause: float = 0.0) -> None:
        self.sent: list[OutgoingAlert] = []
        self.failures = failures
        self.pause = pause
        self._lock = threading.Lock()

    def send(self, alert: OutgoingAlert) -> None:
        time.sleep(self.pause)
        with self._lock:
            if self.failures > 0:
                self.failures -= 1
                raise DeliveryError("the Slack webhook answered HTTP 500")
            self.sent.append(alert)


# ---------------------------------------------------------------------------- scan


def test_at_risk_then_breach_each_once_per_channel(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    load(engine, agreement, tmp_path, lead("L1", lead_type="referral"))
    assert scan(engine, agreement, BOTH, at(10, 30)) == 0  # open: 30 minutes left
    assert scan(engine, agreement, BOTH, at(10, 44, 59)) == 0
    assert scan(engine, agreement, BOTH, at(10, 45)) == 2  # 15 minutes left: at risk
    assert keys(engine) == [("L1", "at_risk", "email"), ("L1", "at_risk", "slack")]
    assert scan(engine, agreement, BOTH, at(10, 50)) == 0  # already recorded
    assert scan(engine, agreement, BOTH, at(11, 0)) == 0  # due at 11:00: not yet overdue
    assert scan(engine, agreement, BOTH, at(11, 0, 1)) == 2
    assert scan(engine, agreement, BOTH, at(11, 30)) == 0
    rows = stored(engine)
    assert [(r.key.kind, r.key.channel) for r in rows] == [
        ("at_risk", "email"),
        ("at_risk", "slack"),
        ("breach", "email"),
        ("breach", "slack"),
    ]
    assert rows[0].message == (
        "At risk: lead L1 (referral), owner ana@example.com, 15m of business time left\n"
        "Follow up by Mon 9 Mar 2020 11:00 EDT (America/New_York)."
    )
    assert rows[2].message == (
        "Breached: lead L1 (referral), owner ana@example.com, less than 1m of business time "
        "overdue\nIt was due Mon 9 Mar 2020 11:00 EDT (America/New_York); follow up now."
    )
    assert all(r.due_us == to_us(at(11, 0)) and r.sent_us is None for r in rows)
    assert all(r.attempts == 0 and r.next_attempt_us == r.created_us for r in rows)


def test_the_first_scan_sets_the_watermark_once(engine: Engine, agreement: Agreement) -> None:
    assert scan(engine, agreement, (), at(10, 0)) == 0
    with engine.connect() as conn:
        assert AlertRepository(conn).watermark() is None  # no channel: the scheduler is off
    scan(engine, agreement, ("slack",), at(10, 0))
    scan(engine, agreement, ("slack",), at(12, 0))
    with engine.connect() as conn:
        assert AlertRepository(conn).watermark() == to_us(at(10, 0))
        assert WATERMARK_KEY == "alerts_watermark_us"


def test_history_before_the_watermark_never_alerts(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    # Last week's untouched leads are long breached when the scheduler first runs.
    old = [lead(f"OLD{i}", f"2020-03-0{2 + i % 4}T1{i % 6}:00:00-05:00") for i in range(40)]
    load(engine, agreement, tmp_path, *old, lead("L1", "2020-03-09T09:40:00-04:00"))
    # L1 has been at risk since 10:25; the first scan at 10:30 is after that.
    assert scan(engine, agreement, BOTH, at(10, 30)) == 0
    assert scan(engine, agreement, BOTH, at(10, 35)) == 0
    assert scan(engine, agreement, BOTH, at(10, 41)) == 2  # but its breach is after it
    assert keys(engine) == [("L1", "breach", "email"), ("L1", "breach", "slack")]


def test_a_lead_first_seen_breached_gets_only_the_breach_alert(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    scan(engine, agreement, BOTH, at(10, 0))  # the server's first run: the watermark
    load(engine, agreement, tmp_path, lead("L1", "2020-03-09T10:10:00-04:00"))
    # The server was down from 10:01 to 11:20: the lead went at risk and breached meanwhile.
    assert scan(engine, agreement, BOTH, at(11, 20)) == 2
    assert keys(engine) == [("L1", "breach", "email"), ("L1", "breach", "slack")]
    [row, _] = stored(engine)
    assert "10m of business time overdue" in row.message


def test_a_breach_over_the_weekend_is_alerted_after_a_restart(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    scan(engine, agreement, ("slack",), at(16, 0, day=6))  # Friday
    load(engine, agreement, tmp_path, lead("L1", "2020-03-06T16:30:00-05:00"))
    # Due Monday 09:30 EDT; the server comes back at 10:00.
    assert scan(engine, agreement, ("slack",), at(10, 0)) == 1
    [row] = stored(engine)
    assert row.key.kind == "breach" and "Mon 9 Mar 2020 09:30 EDT" in row.message
    assert "30m of business time overdue" in row.message


def test_a_touched_lead_gets_no_alert(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    scan(engine, agreement, BOTH, at(10, 0))
    load(
        engine,
        agreement,
        tmp_path,
        lead("T1", touched="2020-03-09T10:40:00-04:00"),  # before it was at risk
        lead("T2", touched="2020-03-09T10:50:00-04:00"),  # while at risk, before a scan
        lead("T3", touched="2020-03-09T11:30:00-04:00"),  # late, before the next scan
    )
    assert scan(engine, agreement, BOTH, at(10, 44)) == 0
    assert scan(engine, agreement, BOTH, at(10, 46)) == 4  # T2 and T3 at risk
    assert scan(engine, agreement, BOTH, at(11, 31)) == 0  # all three touched by now
    assert {k[0] for k in keys(engine)} == {"T2", "T3"}
    # The at-risk alerts still waiting go out no more: T2 and T3 have been followed up.
    report = deliver(engine, {"slack": Recorder(), "email": Recorder()}, at(11, 31))
    assert (report.looked_at, report.sent, report.skipped) == (4, 0, 4)
    assert all(r.sent_us is None and r.next_attempt_us is None for r in stored(engine))
    assert all(
        "not sent: the lead was followed up at" in (r.last_error or "") for r in stored(engine)
    )


def test_a_touch_not_yet_happened_does_not_count(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    scan(engine, agreement, ("slack",), at(10, 0))
    load(engine, agreement, tmp_path, lead("L1", touched="2020-03-09T11:30:00-04:00"))
    assert scan(engine, agreement, ("slack",), at(10, 50)) == 1  # as of 10:50, untouched


def test_leads_the_sla_does_not_cover_never_alert(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    scan(engine, agreement, BOTH, at(10, 0))
    load(
        engine,
        agreement,
        tmp_path,
        lead("W1", lead_type="webinar"),  # excluded by type
        ("E1", "content", "early", "true", *(["2020-03-09T10:00:00-04:00"] * 2), "", "ben"),
        ("N1", "content", "late", "false", *(["2020-03-09T10:00:00-04:00"] * 2), "", "ben"),
    )
    assert scan(engine, agreement, BOTH, at(10, 50)) == 0
    assert scan(engine, agreement, BOTH, at(12, 0)) == 0
    assert stored(engine) == []


def test_a_lead_nobody_owns_says_so(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    scan(engine, agreement, ("email",), at(10, 0))
    load(engine, agreement, tmp_path, lead("L1", owner=""))
    scan(engine, agreement, ("email",), at(10, 52, 30))
    [row] = stored(engine)
    assert row.message.startswith("At risk: lead L1 (content), no owner, 7m of business time")


def test_concurrent_scans_record_each_alert_once(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    scan(engine, agreement, BOTH, at(10, 0))
    load(engine, agreement, tmp_path, *(lead(f"L{i}") for i in range(20)))
    counts: list[int] = []
    barrier = threading.Barrier(4)

    def run() -> None:
        barrier.wait()
        counts.append(scan(engine, agreement, BOTH, at(11, 5)))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 40
    assert len(keys(engine)) == 40


# ---------------------------------------------------------------------------- deliver


def test_deliver_sends_each_alert_once_and_records_it(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    scan(engine, agreement, BOTH, at(10, 0))
    load(engine, agreement, tmp_path, lead("L1"))
    scan(engine, agreement, BOTH, at(10, 46))
    slack, email = Recorder(), Recorder()
    senders = {"slack": slack, "email": email}
    report = deliver(engine, senders, at(10, 46))
    assert (report.looked_at, report.sent, report.retrying, report.failed) == (2, 2, 0, 0)
    assert deliver(engine, senders, at(10, 47)).looked_at == 0
    assert [a.lead_id for a in slack.sent] == ["L1"] and len(email.sent) == 1
    assert slack.sent[0].kind == "at_risk" and slack.sent[0].headline.startswith("At risk: lead L1")
    assert all(r.sent_us == to_us(at(10, 46)) and r.attempts == 1 for r in stored(engine))


def test_an_at_risk_alert_still_waiting_when_the_lead_breaches_is_dropped(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    scan(engine, agreement, ("slack",), at(10, 0))
    load(engine, agreement, tmp_path, lead("L1"))
    scan(engine, agreement, ("slack",), at(10, 46))
    down = Recorder(failures=100)
    deliver(engine, {"slack": down}, at(10, 46))  # fails: retry at 10:46:30
    scan(engine, agreement, ("slack",), at(11, 1))
    up = Recorder()
    report = deliver(engine, {"slack": up}, at(11, 1))
    assert (report.sent, report.skipped) == (1, 1)
    assert [a.kind for a in up.sent] == ["breach"]
    at_risk = next(r for r in stored(engine) if r.key.kind == "at_risk")
    assert at_risk.last_error == "not sent: the lead breached before the warning went out"


def test_alerts_on_a_channel_without_a_sender_wait(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    scan(engine, agreement, BOTH, at(10, 0))
    load(engine, agreement, tmp_path, lead("L1"))
    scan(engine, agreement, BOTH, at(11, 1))
    assert deliver(engine, {"slack": Recorder()}, at(11, 1)).sent == 1
    email = next(r for r in stored(engine) if r.key.channel == "email")
    assert email.sent_us is None and email.next_attempt_us is not None
    assert deliver(engine, {"email": Recorder()}, at(11, 2)).sent == 1


def test_failures_back_off_exponentially_then_give_up(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    scan(engine, agreement, ("slack",), at(10, 0))
    load(engine, agreement, tmp_path, lead("L1"))
    scan(engine, agreement, ("slack",), at(11, 1))
    down = Recorder(failures=100)
    policy = RetryPolicy()
    assert policy.schedule() == (30, 60, 120, 240, 480, 960, 1800)
    now = at(11, 1)
    waits = []
    for attempt in range(1, 9):
        report = deliver(engine, {"slack": down}, now, policy=policy)
        assert report.looked_at == 1
        [row] = stored(engine)
        assert row.attempts == attempt and row.sent_us is None
        if attempt < 8:
            assert report.retrying == 1 and report.failed == 0
            assert row.last_error == "the Slack webhook answered HTTP 500"
            assert row.next_attempt_us is not None
            wait = (row.next_attempt_us - to_us(now)) // 1_000_000
            waits.append(wait)
            # Not before its time.
            early = now + timedelta(seconds=wait - 1)
            assert deliver(engine, {"slack": down}, early).looked_at == 0
            now += timedelta(seconds=wait)
        else:
            assert report.failed == 1 and report.retrying == 0
            assert row.next_attempt_us is None
            assert row.last_error == "gave up after 8 attempts: the Slack webhook answered HTTP 500"
    assert waits == [30, 60, 120, 240, 480, 960, 1800]
    assert deliver(engine, {"slack": down}, now + timedelta(days=1)).looked_at == 0


def test_a_receiver_that_recovers_gets_the_alert_once(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    scan(engine, agreement, ("slack",), at(10, 0))
    load(engine, agreement, tmp_path, lead("L1"))
    scan(engine, agreement, ("slack",), at(11, 1))
    flaky = Recorder(failures=2)
    policy = RetryPolicy(first_delay_seconds=10, max_delay_seconds=60, max_attempts=3)
    assert deliver(engine, {"slack": flaky}, at(11, 1), policy=policy).retrying == 1
    assert deliver(engine, {"slack": flaky}, at(11, 1, 10), policy=policy).retrying == 1
    assert deliver(engine, {"slack": flaky}, at(11, 1, 29), policy=policy).looked_at == 0
    assert deliver(engine, {"slack": flaky}, at(11, 1, 30), policy=policy).sent == 1
    [row] = stored(engine)
    assert (row.attempts, row.sent_us, row.last_error) == (3, to_us(at(11, 1, 30)), None)
    assert len(flaky.sent) == 1


def test_an_unexpected_sender_error_is_recorded_like_a_failure(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    class Broken:
        def send(self, alert: OutgoingAlert) -> None:
            raise RuntimeError("boom")

    scan(engine, agreement, ("slack",), at(10, 0))
    load(engine, agreement, tmp_path, lead("L1"))
    scan(engine, agreement, ("slack",), at(11, 1))
    report = deliver(engine, {"slack": Broken()}, at(11, 1))
    assert report.errors == ("L1 breach slack: RuntimeError: boom",)
    assert stored(engine)[0].last_error == "RuntimeError: boom"


def test_two_deliverers_at_once_never_send_the_same_alert(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    scan(engine, agreement, BOTH, at(10, 0))
    load(engine, agreement, tmp_path, *(lead(f"L{i:02d}") for i in range(15)))
    assert scan(engine, agreement, BOTH, at(11, 1)) == 30
    slack, email = Recorder(pause=0.005), Recorder(pause=0.005)
    senders = {"slack": slack, "email": email}
    barrier = threading.Barrier(3)
    reports = []

    def run() -> None:
        barrier.wait()
        reports.append(deliver(engine, senders, at(11, 1)))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.sent for r in reports) == 30
    assert sorted(a.lead_id for a in slack.sent) == [f"L{i:02d}" for i in range(15)]
    assert sorted(a.lead_id for a in email.sent) == [f"L{i:02d}" for i in range(15)]
    assert all(r.attempts == 1 and r.sent_us is not None for r in stored(engine))


def test_a_claimed_alert_is_left_alone_until_its_lease_ends(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    scan(engine, agreement, ("slack",), at(10, 0))
    load(engine, agreement, tmp_path, lead("L1"))
    scan(engine, agreement, ("slack",), at(11, 1))
    with engine.begin() as conn:  # a process claims it, then dies before recording anything
        repo = AlertRepository(conn)
        [due] = repo.due(now_us=to_us(at(11, 1)), channels=["slack"], limit=10)
        assert repo.claim(due.key, seen_us=due.next_attempt_us, lease_until_us=to_us(at(11, 11)))
        assert not repo.claim(due.key, seen_us=due.next_attempt_us, lease_until_us=0)
    assert deliver(engine, {"slack": Recorder()}, at(11, 10)).looked_at == 0
    assert deliver(engine, {"slack": Recorder()}, at(11, 11)).sent == 1
    [row] = stored(engine)
    assert row.attempts == 2


@pytest.mark.parametrize("channel", ["sms", ""])
def test_an_unknown_channel_is_refused(engine: Engine, agreement: Agreement, channel: str) -> None:
    with pytest.raises(ValueError):
        scan(engine, agreement, (channel,), at(10, 0))
