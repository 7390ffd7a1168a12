"""At-risk and breach alerts: find the leads that warrant one, record it once, deliver it.

The server's scheduler (:mod:`revpact.server.alert_loop`) calls :func:`scan` then :func:`deliver`
every few seconds; both take the moment as an argument and keep all their state in the store,
so any number of server processes can run them at once and a restart forgets nothing.

Which leads alert. A lead the SLA applies to, notified and still not touched, alerts

* ``at_risk`` when it has entered ``at_risk`` (no more than ``at_risk_within`` of business
  time left) and is still at risk when seen — a lead first seen already breached gets only
  the breach alert, not a stale warning;
* ``breach`` when it is past due and still untouched.

Only transitions at or after the *watermark* alert: the moment the scheduler first ran on the
store, kept in ``store_state``. So a server started on a store full of last year's leads does
not send thousands of breach alerts about the past, yet a lead that breaches while the server
is down (after that first start) is alerted on as soon as it is up again. A lead touched by the
time it is seen never alerts; an alert still waiting to go out is dropped when its lead has
been touched since, has breached (an at-risk alert: the breach alert says more), or the SLA no
longer applies to it.

Each alert is one row per (lead, kind, channel), recorded once on every channel configured at
that moment. Delivery claims a row by a compare-and-set on its next attempt time (a lease of
``lease_seconds``), sends it, and records ``sent_us``; a failure is retried with exponential
backoff (:class:`~revpact.alerts.RetryPolicy`) and given up after the last attempt with the
error kept in ``last_error``. A process that dies between the receiver accepting an alert and
recording it may send that one alert again after the lease: at least once, never lost.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import Engine

from revpact.alerts.base import AlertKind, Channel, DeliveryError, OutgoingAlert, Sender
from revpact.alerts.messages import AlertSubject, alert_text
from revpact.alerts.retry import DEFAULT_RETRY, RetryPolicy
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.clock.sla import NO_TIME, LeadStatus, evaluate_many, status_code
from revpact.services.deadlines import recompute_deadlines
from revpact.store.alerts import AlertKey, AlertRepository, DueAlert, NewAlert

__all__ = ["DeliveryReport", "deliver", "scan"]

logger = logging.getLogger(__name__)

_US = 1_000_000
DEFAULT_LEASE_SECONDS = 600
"""How long a claimed alert is left to its sender before another attempt may take it."""


def scan(engine: Engine, agreement: Agreement, channels: Sequence[str], now: datetime) -> int:
    """Record the alerts due as of ``now`` on ``channels``; returns how many are new.

    The first scan on a store sets the watermark to ``now``. Safe to run concurrently: an
    alert recorded twice is stored once.
    """
    wanted = tuple(Channel(c) for c in dict.fromkeys(channels))
    if not wanted:
        return 0
    now_us = to_us(now)
    recompute_deadlines(engine, agreement)
    with engine.begin() as conn:
        watermark = AlertRepository(conn).ensure_watermark(now_us)
    calendar, rule = agreement.business_calendar(), agreement.follow_up_rule()
    at_risk_us = rule.at_risk_seconds * _US
    # Every lead at risk or overdue by now is due by the moment at_risk_within from now.
    until_us = calendar.add_business_us(now_us, at_risk_us)
    with engine.connect() as conn:
        found = AlertRepository(conn).candidates(
            now_us=now_us, since_us=watermark, until_us=until_us
        )
    if not found:
        return 0
    notified = np.array([c.notified_us for c in found], dtype=np.int64)
    due = np.array([c.due_us for c in found], dtype=np.int64)
    touch = np.array(
        [NO_TIME if c.first_touch_us is None else c.first_touch_us for c in found], np.int64
    )
    results = evaluate_many(
        calendar,
        rule,
        applies=np.ones(len(found), dtype=bool),
        notified_us=notified,
        due_us=due,
        touch_us=touch,
        as_of_us=now_us,
    )
    # A lead entered at risk when notified, or when its time left first fell to
    # at_risk_within; it did so at or after the watermark unless it was at risk just before.
    before = np.full(len(found), watermark - 1, dtype=np.int64)
    left_before = calendar.business_us_between(before, due)
    fresh = (notified >= watermark) | (left_before > at_risk_us)
    overdue = calendar.business_us_between(due, np.full(len(found), now_us, dtype=np.int64))
    timezone = agreement.calendar.timezone
    new: list[NewAlert] = []
    for i, lead in enumerate(found):
        status = int(results.status[i])
        if status == status_code(LeadStatus.BREACHED):
            kind, seconds = AlertKind.BREACH, int(overdue[i]) // _US
        elif status == status_code(LeadStatus.AT_RISK) and fresh[i] and not lead.at_risk_recorded:
            kind, seconds = AlertKind.AT_RISK, int(results.left_s[i])
        else:
            continue
        subject = AlertSubject(lead.lead_id, lead.lead_type, lead.owner, lead.due_us)
        text = alert_text(kind, subject, seconds=seconds, timezone=timezone)
        new.extend(
            NewAlert(AlertKey(lead.lead_id, kind, channel), lead.due_us, now_us, text)
            for channel in wanted
        )
    if not new:
        return 0
    with engine.begin() as conn:
        return AlertRepository(conn).record(new, next_attempt_us=now_us)


@dataclass(frozen=True)
class DeliveryReport:
    """What one :func:`deliver` did with the due alerts it looked at."""

    looked_at: int = 0  # due alerts read (at most ``limit``)
    sent: int = 0  # accepted by the receiver
    retrying: int = 0  # failed, to be tried again later
    failed: int = 0  # failed for the last time: given up
    skipped: int = 0  # no longer worth sending (touched, breached, not covered)
    errors: tuple[str, ...] = ()  # each failure, "lead kind channel: error"


def deliver(
    engine: Engine,
    senders: Mapping[str, Sender],
    now: datetime,
    *,
    policy: RetryPolicy = DEFAULT_RETRY,
    limit: int = 50,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
) -> DeliveryReport:
    """Send up to ``limit`` alerts due by ``now`` through ``senders`` (by channel).

    Alerts on a channel with no sender wait until one is configured. Each alert is claimed
    before it is sent, so two processes delivering at once never send the same one.
    """
    now_us = to_us(now)
    with engine.connect() as conn:
        due = AlertRepository(conn).due(now_us=now_us, channels=list(senders), limit=limit)
    sent = retrying = failed = skipped = 0
    errors: list[str] = []
    for alert in due:
        reason = _not_worth_sending(alert, now_us)
        if reason is not None:
            with engine.begin() as conn:
                gave_up = AlertRepository(conn).give_up(
                    alert.key, seen_us=alert.next_attempt_us, reason=reason
                )
            skipped += gave_up
            continue
        lease_us = now_us + lease_seconds * _US
        with engine.begin() as conn:
            claimed = AlertRepository(conn).claim(
                alert.key, seen_us=alert.next_attempt_us, lease_until_us=lease_us
            )
        if not claimed:
            continue  # another process has it
        key = alert.key
        outgoing = OutgoingAlert(key.lead_id, AlertKind(key.kind), alert.message)
        try:
            senders[key.channel].send(outgoing)
        except Exception as exc:
            error = str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}"
            attempts = alert.attempts + 1
            delay = policy.delay_after(attempts)
            next_us = None if delay is None else now_us + delay * _US
            if delay is None:
                error = f"gave up after {attempts} attempts: {error}"
                failed += 1
            else:
                retrying += 1
            errors.append(f"{key.lead_id} {key.kind} {key.channel}: {error}")
            logger.warning("%s alert about %s on %s: %s", key.kind, key.lead_id, key.channel, error)
            with engine.begin() as conn:
                AlertRepository(conn).mark_failed(
                    key, lease_until_us=lease_us, error=error, next_attempt_us=next_us
                )
        else:
            with engine.begin() as conn:
                AlertRepository(conn).mark_sent(key, at_us=now_us)
            sent += 1
    return DeliveryReport(len(due), sent, retrying, failed, skipped, tuple(errors))


def _not_worth_sending(alert: DueAlert, now_us: int) -> str | None:
    """Why a pending alert should no longer go out, if it should not."""
    if alert.lead_applies is None:
        return "not sent: the lead is no longer in the store"
    if not alert.lead_applies or alert.lead_due_us is None:
        return "not sent: the SLA no longer applies to the lead"
    touch = alert.lead_first_touch_us
    if touch is not None and touch <= now_us:
        return f"not sent: the lead was followed up at {from_us(touch).isoformat()}"
    overdue = now_us > alert.lead_due_us
    if alert.key.kind == AlertKind.AT_RISK and overdue:
        return "not sent: the lead breached before the warning went out"
    if alert.key.kind == AlertKind.BREACH and not overdue:
        return "not sent: the lead is no longer overdue (its deadline moved)"
    return None
