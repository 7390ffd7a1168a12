"""Reward splits: a month's pool split by the team leaders, changed only by a numbered
correction, and the rewards earned as of a moment."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from revpact.domain.agreement.accountability import RewardCondition
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.scoreboard.year import MonthScore, validate_split
from revpact.errors import RefusedError, RevpactError
from revpact.services.accountability.model import (
    MonthReward,
    RewardStatus,
    SplitRecord,
    parse_month,
)
from revpact.services.accountability.timing import finished_months
from revpact.services.agreement_versions import governing_timeline
from revpact.services.claimed import check_claimed
from revpact.services.clock import recorded_at_us
from revpact.services.scoreboard import year_scoreboard
from revpact.store.accountability import AccountabilityRepository, SplitRow
from revpact.store.audit import record_write
from revpact.store.revision import bump_revision

__all__ = ["allocate_reward", "correct_reward", "reward_status"]

_E4 = 4


def _why_not(agreement: Agreement, score: MonthScore) -> list[str]:
    monthly = agreement.rewards.monthly
    requires = monthly.requires if monthly else ()
    reasons: list[str] = []
    if RewardCondition.COMPANY_REVENUE_GOAL in requires and not score.revenue.met:
        reasons.append(f"revenue {score.revenue.actual} below the target {score.revenue.target}")
    if RewardCondition.MONTHLY_TEAM_GOALS in requires:
        goals: tuple[tuple[str, bool | None], ...] = (
            ("lead value", score.lead_value.met),
            ("follow-up compliance", score.follow_up.met_goal),
            ("close rate", score.close_rate.met),
            ("sales cycle", score.sales_cycle.met),
        )
        for name, met in goals:
            if met is None:
                reasons.append(f"{name}: no data")
            elif not met:
                reasons.append(f"{name} missed")
    return reasons or ["an annual condition is not met"]


def _pool(agreement: Agreement) -> Decimal:
    if agreement.rewards.monthly is None:
        raise RevpactError("the agreement has no monthly reward (rewards.monthly)")
    return agreement.rewards.monthly.pool


def _e4(who: str, amount: Decimal) -> int:
    scaled = amount.scaleb(_E4)
    if scaled != scaled.to_integral_value():
        raise RevpactError(f"the share of {who!r} is {amount}; use at most {_E4} decimal places")
    return int(scaled)


def _money(amount_e4: int) -> Decimal:
    amount = Decimal(amount_e4).scaleb(-_E4)
    whole = amount.quantize(Decimal(1))
    return whole if whole == amount else amount.normalize()


def _leader(engine: Engine, agreement: Agreement, by: str, at: datetime) -> str:
    """``by`` as the roster spells it: a team leader (``leader: true``) of the version in force
    at ``at``; else refused, naming the leaders."""
    roster = governing_timeline(engine, agreement).at(at).agreement.signatories
    wanted = by.strip().casefold()
    leaders = [p for p in roster if p.leader]
    person = next((p for p in leaders if p.email.casefold() == wanted), None)
    if person is None:
        known = ", ".join(p.email for p in leaders) or "none (mark them leader: true)"
        listed = any(p.email.casefold() == wanted for p in roster)
        what = "is a signatory but not a team leader" if listed else "is not a signatory"
        raise RefusedError(
            f'"{by.strip()}" {what}; the team leaders split the reward pool (the agreement\'s '
            f"signatories with leader: true): {known}"
        )
    return person.email


def _split_of(row: SplitRow) -> SplitRecord:
    return SplitRecord(
        number=row.number,
        split={who: _money(amount) for who, amount in sorted(row.shares.items())},
        allocated_at=from_us(row.allocated_us),
        recorded_at=from_us(row.recorded_us),
        allocated_by=row.allocated_by,
        reason=row.reason,
    )


def _checked_split(
    engine: Engine, agreement: Agreement, month: str, shares: Mapping[str, Decimal], as_of: datetime
) -> tuple[date, Decimal, dict[str, Decimal]]:
    """The month, its pool and the split: the month is over, earned the pool, and the shares
    name recipients and add up to the pool."""
    pool = _pool(agreement)
    first = parse_month(month)
    board = year_scoreboard(engine, agreement, as_of=as_of)
    score = next((s for s in finished_months(board, agreement, as_of) if s.month == first), None)
    if score is None:
        raise RevpactError(
            f"{first:%Y-%m} is not a finished month of the agreement's period as of "
            f"{as_of:%Y-%m-%d}; a month's pool is split once the month is over"
        )
    if not score.reward.earned:
        raise RevpactError(
            f"{first:%Y-%m} did not earn the monthly pool: " + "; ".join(_why_not(agreement, score))
        )
    names = [who.strip() for who in shares]
    if any(not name for name in names):
        raise RevpactError("a share has no recipient; write NAME=AMOUNT")
    try:
        split = validate_split(dict(zip(names, shares.values(), strict=True)), pool)
    except ValueError as exc:
        raise RevpactError(f"{first:%Y-%m}: {exc}") from None
    return first, pool, split


def _record_split(
    engine: Engine,
    first: date,
    split: dict[str, Decimal],
    *,
    as_of: datetime,
    by: str,
    reason: str | None,
    via: str,
    now: datetime | None,
) -> SplitRecord:
    key = f"{first:%Y-%m}"
    at_us = to_us(as_of)
    shares = {who: _e4(who, amount) for who, amount in split.items()}
    with engine.begin() as conn:
        repo = AccountabilityRepository(conn)
        earlier = repo.splits(key)
        last = earlier[-1] if earlier else None
        if reason is None and last is not None:
            raise RefusedError(
                f"{key}'s pool was already split on {from_us(last.allocated_us):%Y-%m-%d}"
                + (f" by {last.allocated_by}" if last.allocated_by else "")
                + "; a recorded split is changed only by a correction: `revpact rewards "
                f"correct --month {key} --share NAME=AMOUNT ... --by EMAIL --reason TEXT`"
            )
        if reason is not None and last is None:
            raise RefusedError(
                f"{key}'s pool has not been split yet, so there is nothing to correct; record "
                f"the split with `revpact rewards allocate --month {key}`"
            )
        if last is not None and at_us < last.allocated_us:
            raise RefusedError(
                f"a correction of {key} cannot be dated {as_of.isoformat()}, before the split "
                f"it corrects ({from_us(last.allocated_us).isoformat()})"
            )
        number = 1 if last is None else last.number + 1
        recorded_us = recorded_at_us(now)
        try:
            repo.add_split(
                month=key,
                number=number,
                shares=shares,
                allocated_us=at_us,
                recorded_us=recorded_us,
                allocated_by=by,
                reason=reason,
            )
        except IntegrityError:
            raise RefusedError(
                f"another split of {key} was recorded at the same moment; see `revpact "
                "rewards status` and correct the newest split"
            ) from None
        bump_revision(conn)
        record_write(
            conn,
            recorded_us=recorded_us,
            actor=by,
            via=via,
            action="reward.allocate" if reason is None else "reward.correct",
            subject=f"reward:{key}",
            claimed_us=at_us,
            detail={
                "number": number,
                "shares": {who: str(amount) for who, amount in split.items()},
                **({} if last is None else {"corrects": last.number, "reason": reason}),
            },
        )
    return SplitRecord(number, split, from_us(at_us), from_us(recorded_us), by, reason)


def allocate_reward(
    engine: Engine,
    agreement: Agreement,
    *,
    month: str,
    shares: Mapping[str, Decimal],
    as_of: datetime,
    by: str,
    via: str = "cli",
    now: datetime | None = None,
) -> MonthReward:
    """Record how the team leaders split ``month``'s pool, made at ``as_of`` by ``by`` (a team
    leader). Refused when the month already has a split: change it with
    :func:`correct_reward`."""
    check_claimed(agreement, as_of, "as_of")
    first, pool, split = _checked_split(engine, agreement, month, shares, as_of)
    who = _leader(engine, agreement, by, as_of)
    made = _record_split(engine, first, split, as_of=as_of, by=who, reason=None, via=via, now=now)
    return MonthReward(first, pool, split, made.allocated_at, who, (made,))


def correct_reward(
    engine: Engine,
    agreement: Agreement,
    *,
    month: str,
    shares: Mapping[str, Decimal],
    as_of: datetime,
    by: str,
    reason: str,
    via: str = "cli",
    now: datetime | None = None,
) -> MonthReward:
    """Correct ``month``'s recorded split: a new numbered split by ``by`` (a team leader) with
    ``reason``; the earlier splits stay on record."""
    why = reason.strip()
    if not why:
        raise RevpactError("a correction says why; give --reason (e.g. a recipient was missed)")
    check_claimed(agreement, as_of, "as_of")
    first, pool, split = _checked_split(engine, agreement, month, shares, as_of)
    who = _leader(engine, agreement, by, as_of)
    _record_split(engine, first, split, as_of=as_of, by=who, reason=why, via=via, now=now)
    status = reward_status(engine, agreement, as_of=as_of)
    found = next(m for m in status.months if m.month == first)
    return MonthReward(first, pool, split, found.allocated_at, who, found.history)


def reward_status(engine: Engine, agreement: Agreement, *, as_of: datetime) -> RewardStatus:
    """The finished months that earned the pool with their split as of ``as_of`` (the newest
    split made by then; every split made by then in ``history``), and the annual reward."""
    board = year_scoreboard(engine, agreement, as_of=as_of)
    limit = to_us(as_of)
    with engine.connect() as conn:
        recorded: dict[str, list[SplitRow]] = {}
        for row in AccountabilityRepository(conn).splits():
            if row.allocated_us <= limit:
                recorded.setdefault(row.month, []).append(row)
    months = []
    for score in finished_months(board, agreement, as_of):
        if not score.reward.earned or score.reward.pool is None:
            continue
        history = tuple(_split_of(r) for r in recorded.get(f"{score.month:%Y-%m}", []))
        current = history[-1] if history else None
        months.append(
            MonthReward(
                month=score.month,
                pool=score.reward.pool,
                split=None if current is None else current.split,
                allocated_at=None if current is None else current.allocated_at,
                allocated_by=None if current is None else current.allocated_by,
                history=history,
            )
        )
    annual = board.annual_reward
    return RewardStatus(tuple(months), annual.text, annual.earned)
