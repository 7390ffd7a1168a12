"""Month close: freezing a month's figures, reopening it, and the restatements that data arriving
later for a closed month would cause.

The rules:

* **Who** closes and reopens: a signatory of the agreement in force at the moment of the close
  who is a team leader (``leader: true``) or on the executive team (``team: executive``) — for
  Company A the CEO, the CFO and the four team leaders. Anyone else is refused; over HTTP an
  admin or executive token acts as its member, who must be such a signatory.
* **What** can be closed: a month of the agreement's period that has ended (in the calendar's
  time zone), whose leads have all been decided (none still waiting for its first touch: the
  last falls due at the latest a business day after the month ends), and whose earlier months
  are all closed (months are closed in order, as the escalation ladder reads them). A closed
  month cannot be closed again; reopen it first.
* **What a close keeps**: the month's facts (:class:`~revpact.domain.scoreboard.facts.MonthFacts`)
  as canonical JSON and their SHA-256, the month's figures as the scoreboard showed them then,
  the hash of the agreement version the month is measured under, who and when. From then on
  the scoreboard scores the month from the frozen facts (:func:`closed_facts`), so data that
  arrives later does not change it.
* **Restatements**: a closed month whose live facts (recomputed now) differ from its frozen ones
  has a pending restatement — each figure that changed, old → new, and the rows of leads,
  deals and revenue of the month recorded after the close (unknown where the store does not
  record when rows arrive). It is applied only by a reopen (with a reason) and a new close.
  Restatements and each month's close state are :mod:`revpact.services.month_states`'.
* The log only moves forward: a close or reopen dated before the newest one is refused, and
  the table is append-only. Every close and reopen is also a row of the audit trail
  (``month.close``, ``month.reopen``), in the same transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement, Signatory
from revpact.domain.agreement.types import Team
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.scoreboard.facts import MonthFacts, months_between
from revpact.domain.versions import AgreementTimeline, version_hash
from revpact.errors import RefusedError, RevpactError
from revpact.services.agreement_versions import governing_timeline
from revpact.services.deals import month_ranges
from revpact.services.month_facts import live_month_facts
from revpact.services.month_facts_json import canonical, facts_hash, facts_to_json
from revpact.services.public.scoreboard import MonthScoreboard
from revpact.services.scoreboard import year_scoreboard
from revpact.store.audit import record_write
from revpact.store.follow_up import unsettled
from revpact.store.month_closes import (
    CloseAction,
    CloseRow,
    MonthCloseRepository,
)
from revpact.store.revision import bump_revision

__all__ = [
    "MonthClose",
    "close_month",
    "close_record",
    "may_close",
    "parse_month",
    "reopen_month",
]

_STYLE = "%Y-%m-%d %H:%M %Z"


@dataclass(frozen=True)
class MonthClose:
    """One close or reopen as recorded: ``figures`` (a close's) is the month's scoreboard JSON
    as it was then, ``version_hash`` the agreement version the month is measured under."""

    month: date
    action: CloseAction
    at: datetime
    by: str
    version_hash: str | None
    facts_hash: str | None
    reason: str | None
    figures: dict[str, Any] | None


# ---------------------------------------------------------------------------- reading


def parse_month(text: str) -> date:
    """``YYYY-MM`` as the month's first day."""
    try:
        return date.fromisoformat(f"{text.strip()}-01")
    except ValueError:
        raise RevpactError(f'"{text}" is not a month; write it as YYYY-MM, e.g. 2020-09') from None


def close_record(row: CloseRow) -> MonthClose:
    """A stored close or reopen as a value."""
    return MonthClose(
        month=parse_month(row.month),
        action=row.action,
        at=from_us(row.at_us),
        by=row.by,
        version_hash=row.version_hash,
        facts_hash=row.facts_hash,
        reason=row.reason,
        figures=None if row.figures is None else json.loads(row.figures),
    )


# ---------------------------------------------------------------------------- who may close


def _closer(agreement: Agreement, email: str) -> Signatory | None:
    wanted = email.strip().casefold()
    for person in agreement.signatories:
        if person.email.casefold() == wanted and (person.leader or person.team is Team.EXECUTIVE):
            return person
    return None


def may_close(
    engine: Engine, agreement: Agreement, email: str | None, *, at: datetime
) -> str | None:
    """Why ``email`` may not close or reopen months at ``at`` (None: they may): they must be a
    signatory of the agreement then in force who leads a team or sits on the executive team."""
    if email is None:
        return "closing a month takes a member: a team leader or an executive who signs"
    in_force = governing_timeline(engine, agreement).at(at).agreement
    if _closer(in_force, email) is not None:
        return None
    allowed = ", ".join(
        p.email for p in in_force.signatories if p.leader or p.team is Team.EXECUTIVE
    )
    return (
        f"{email} may not close or reopen months: only a signatory who leads a team "
        f"(leader: true) or sits on the executive team may ({allowed or 'nobody is named'})"
    )


# ---------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class _Checked:
    first: date
    key: str
    at_us: int
    by: str
    timeline: AgreementTimeline


def _check(
    engine: Engine,
    agreement: Agreement,
    month: str | date,
    *,
    by: str,
    now: datetime,
    at: datetime | None,
    verb: str,
) -> _Checked:
    """What close and reopen both check: the month, the moment, and who acts."""
    first = parse_month(month) if isinstance(month, str) else month.replace(day=1)
    key = f"{first:%Y-%m}"
    moment = now if at is None else at
    if to_us(moment) > to_us(now):
        raise RefusedError(f"a {verb} cannot be dated in the future ({moment.isoformat()})")
    period = agreement.period
    if first not in months_between(period.start, period.end):
        raise RefusedError(
            f"{key} is outside the agreement's period {period.start}..{period.end}; "
            "name a month of the period"
        )
    timeline = governing_timeline(engine, agreement)
    in_force = timeline.at(moment).agreement
    person = _closer(in_force, by)
    if person is None:
        raise RefusedError(str(may_close(engine, agreement, by, at=moment)))
    at_us = to_us(moment)
    with engine.connect() as conn:
        last = MonthCloseRepository(conn).last_at_us()
    if last is not None and at_us < last:
        raise RefusedError(
            f"a {verb} dated {_local(moment, agreement)} is before the newest close or reopen "
            f"({_local(from_us(last), agreement)}); the record only moves forward — date it "
            "later"
        )
    return _Checked(first, key, at_us, person.email, timeline)


def close_month(
    engine: Engine,
    agreement: Agreement,
    month: str | date,
    *,
    by: str,
    now: datetime,
    via: str,
    at: datetime | None = None,
) -> MonthClose:
    """Close ``month`` (``YYYY-MM``) as ``by`` at ``at`` (default ``now``): freeze its facts and
    figures with the agreement version and the facts' hash (see the module docstring for the
    rules). ``via`` says how the write came (``cli`` or ``token:<id>``)."""
    checked = _check(engine, agreement, month, by=by, now=now, at=at, verb="close")
    first, key, at_us = checked.first, checked.key, checked.at_us
    moment = from_us(at_us)
    lo, hi = month_ranges(agreement, [first])[0]
    if hi > at_us:
        raise RefusedError(
            f"{key} has not ended yet ({_local(moment, agreement)}); it can be closed from "
            f"{_local(from_us(hi), agreement)}"
        )
    with engine.connect() as conn:
        latest = MonthCloseRepository(conn).latest()
    _refuse_closed(latest.get(key), key, agreement)
    for earlier in months_between(agreement.period.start, first)[:-1]:
        row = latest.get(f"{earlier:%Y-%m}")
        if row is None or row.action is not CloseAction.CLOSE:
            raise RefusedError(
                f"close {earlier:%Y-%m} first: months are closed in order, and {earlier:%Y-%m} "
                "is not closed"
            )
    facts = live_month_facts(engine, agreement, [first], as_of=moment)[0]
    _refuse_waiting(engine, agreement, facts, key, (lo, hi), at_us)
    board = year_scoreboard(engine, agreement, as_of=moment, require_close=False)
    score = next(s for s in board.months if s.month == first)
    span = checked.timeline.at(datetime.combine(first, time(0), _zone(agreement)))
    version = span.hash or version_hash(span.agreement)
    digest = facts_hash(facts)
    figures = MonthScoreboard.of(score).model_dump(mode="json")
    with engine.begin() as conn:
        repo = MonthCloseRepository(conn)
        _refuse_closed(repo.latest().get(key), key, agreement)  # a close that raced this one
        repo.insert(
            month=key,
            action=CloseAction.CLOSE,
            at_us=at_us,
            recorded_us=to_us(now),
            by=checked.by,
            version_hash=version,
            facts_hash=digest,
            facts=canonical(facts_to_json(facts)),
            figures=canonical(figures),
        )
        record_write(
            conn,
            recorded_us=to_us(now),
            actor=checked.by,
            via=via,
            action="month.close",
            subject=f"month:{key}",
            claimed_us=at_us,
            detail={"facts_hash": digest, "version": version},
        )
        bump_revision(conn)
    return MonthClose(first, CloseAction.CLOSE, moment, checked.by, version, digest, None, figures)


def reopen_month(
    engine: Engine,
    agreement: Agreement,
    month: str | date,
    *,
    by: str,
    reason: str,
    now: datetime,
    via: str,
    at: datetime | None = None,
) -> MonthClose:
    """Reopen a closed ``month`` as ``by``, saying why (to apply its restatement, say): it is
    scored from live facts again until it is closed anew."""
    why = reason.strip()
    if not why:
        raise RevpactError("say why the month is reopened (--reason TEXT)")
    checked = _check(engine, agreement, month, by=by, now=now, at=at, verb="reopen")
    key = checked.key
    with engine.begin() as conn:
        repo = MonthCloseRepository(conn)
        current = repo.latest().get(key)
        if current is None or current.action is not CloseAction.CLOSE:
            raise RefusedError(f"{key} is not closed, so there is nothing to reopen")
        repo.insert(
            month=key,
            action=CloseAction.REOPEN,
            at_us=checked.at_us,
            recorded_us=to_us(now),
            by=checked.by,
            version_hash=current.version_hash,
            facts_hash=current.facts_hash,
            reason=why,
        )
        record_write(
            conn,
            recorded_us=to_us(now),
            actor=checked.by,
            via=via,
            action="month.reopen",
            subject=f"month:{key}",
            claimed_us=checked.at_us,
            detail={"reason": why, "facts_hash": current.facts_hash},
        )
        bump_revision(conn)
    return MonthClose(
        checked.first,
        CloseAction.REOPEN,
        from_us(checked.at_us),
        checked.by,
        current.version_hash,
        current.facts_hash,
        why,
        None,
    )


def _refuse_closed(row: CloseRow | None, key: str, agreement: Agreement) -> None:
    if row is not None and row.action is CloseAction.CLOSE:
        raise RefusedError(
            f"{key} was closed by {row.by} on {_local(from_us(row.at_us), agreement)}; to "
            f"apply a restatement, reopen it first (revpact month reopen {key} --by EMAIL "
            "--reason TEXT)"
        )


def _refuse_waiting(
    engine: Engine,
    agreement: Agreement,
    facts: MonthFacts,
    key: str,
    span: tuple[int, int],
    at_us: int,
) -> None:
    """A month with leads still waiting for their first touch is not final yet."""
    if not facts.follow_up_open:
        return
    with engine.connect() as conn:
        pending = unsettled(conn, [span], as_of_us=at_us)
    waiting = (
        (pending.notified_us <= at_us)
        & (pending.first_touch_us > at_us)
        & (pending.due_us >= at_us)
    )
    last = int(pending.due_us[waiting].max()) if waiting.any() else at_us
    count = facts.follow_up_open
    raise RefusedError(
        f"{key} still has {count} lead{'s' * (count != 1)} waiting for a first touch (the last "
        f"falls due {_local(from_us(last), agreement)}); close it once every lead is decided"
    )


def _zone(agreement: Agreement) -> ZoneInfo:
    return ZoneInfo(agreement.calendar.timezone)


def _local(moment: datetime, agreement: Agreement) -> str:
    return moment.astimezone(_zone(agreement)).strftime(_STYLE)
