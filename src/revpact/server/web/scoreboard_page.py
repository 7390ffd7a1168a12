"""The scoreboard: ``/dashboard``, every goal of the agreement for the month and the year so far.

For the current month (the month of the moment shown) and the year to date: revenue against its
trajectory with Goals 1–3 and the catch-up line (the revenue needed in each remaining month),
marketing's lead value by type, follow-up compliance, close rate and sales cycle against their
trajectories — each with actual, target and met/missed, and a chart of the months so far; then
the escalation level with its open actions, and the reward state.

The data are the services' own: :func:`revpact.services.year_scoreboard` (its twin
``YearScoreboardPublic`` is ``data["year"]``, the same as ``revpact status --json`` and
``GET /scoreboard``), :func:`~revpact.services.escalation_status` and
:func:`~revpact.services.reward_status`. Every figure the page prints is in ``data["figures"]``
(see :mod:`revpact.server.web.page_parts`). The year's figures are sums of the months' (ratios are
recomputed from the sums; the year's close-rate and cycle targets are the latest month's, where
the trajectories stand now). A month in progress shows its verdicts as "in progress" and a note
of what that means (so does a month awaiting close); a revenue figure that used the won deals
for a month without a revenue row is marked ``*`` with a footnote. Each month's close is
shown: who closed it, when, under which agreement version and with which facts' hash, or
awaiting close, or in progress (a line for the month shown, a mark per month in the months'
table); then the restatements closed months wait for — each figure old → new and the rows
recorded after the close, applied only by reopening and closing the month again
(``data["restatements"]``, :class:`revpact.services.public.months.RestatementPublic`).
``?as_of=`` shows a past moment; a value that is not a moment, or one before the agreement's
period, answers 422.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

import plotly.graph_objects as go

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.scoreboard.goals import MONTHLY_GOALS, Goal
from revpact.errors import RevpactError
from revpact.render import formatting
from revpact.render.restatements import close_text, restatement_view
from revpact.render.texts import Labels
from revpact.server.web.page_parts import AsOfError, Charts, Figures, error_page, strict_moment
from revpact.server.web.site import Page, PageRequest, page
from revpact.services import (
    EscalationPublic,
    RewardStatusPublic,
    escalation_status,
    reward_status,
    year_scoreboard,
)
from revpact.services.agreement_versions import versions
from revpact.services.month_states import close_block, month_states
from revpact.services.public.months import RestatementPublic
from revpact.services.public.scoreboard import YearScoreboardPublic

__all__ = ["CHARTS", "scoreboard", "year_totals"]

CHARTS: Final = tuple(goal.key for goal in MONTHLY_GOALS)
"""The charts of the page, in order."""

_DAYS: Final = Decimal("0.0001")


def _d(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _ratio(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / whole if whole else None


def year_totals(months: Sequence[Mapping[str, Any]], annual_target: Decimal) -> dict[str, Any]:
    """The year so far from the months of ``YearScoreboardPublic``: sums, and ratios of the sums.

    "Met" is decided exactly (by cross-multiplication), as the months' are.
    """
    if not months:
        return {}
    last = months[-1]
    revenue = last["revenue"]
    lead_actual = sum((Decimal(m["lead_value"]["actual"]) for m in months), Decimal(0))
    lead_target = sum((Decimal(m["lead_value"]["target"]) for m in months), Decimal(0))
    met = sum(m["follow_up"]["met"] for m in months)
    breached = sum(m["follow_up"]["breached"] for m in months)
    waiting = sum(m["follow_up"]["open"] for m in months)
    follow_target = Decimal(last["follow_up"]["target"])
    won = sum(m["close_rate"]["won"] for m in months)
    lost = sum(m["close_rate"]["lost"] for m in months)
    close_target = Decimal(last["close_rate"]["target"])
    deals = sum(m["sales_cycle_days"]["deals"] for m in months)
    day_total = sum(
        (
            Decimal(m["sales_cycle_days"]["actual"]) * m["sales_cycle_days"]["deals"]
            for m in months
            if m["sales_cycle_days"]["actual"] is not None
        ),
        Decimal(0),
    )
    cycle_target = Decimal(last["sales_cycle_days"]["target"])
    cycle = (day_total / deals).quantize(_DAYS) if deals else None
    ytd, ytd_target = Decimal(revenue["ytd"]), Decimal(revenue["ytd_target"])
    return {
        "months": len(months),
        "revenue": {
            "actual": revenue["ytd"],
            "target": revenue["ytd_target"],
            "met": ytd >= ytd_target,
            "annual_target": str(annual_target),
            "projected_year_end": revenue["projected_year_end"],
            "required_per_remaining_month": revenue["required_per_remaining_month"],
        },
        "lead_value": {
            "actual": str(lead_actual),
            "target": str(lead_target),
            "met": lead_actual >= lead_target,
        },
        "follow_up": {
            "met": met,
            "breached": breached,
            "open": waiting,
            "compliance": _s(_ratio(met, met + breached)),
            "target": str(follow_target),
            "met_goal": met >= follow_target * (met + breached) if met + breached else None,
        },
        "close_rate": {
            "won": won,
            "lost": lost,
            "actual": _s(_ratio(won, won + lost)),
            "target": str(close_target),
            "met": won >= close_target * (won + lost) if won + lost else None,
        },
        "sales_cycle_days": {
            "deals": deals,
            "actual": _s(cycle),
            "target": str(cycle_target),
            "met": day_total <= cycle_target * deals if deals else None,
        },
    }


# --- figures --------------------------------------------------------------------------------

_REWARD_FIGURES: Final = (("monthly_pool", "money"), ("earned", "verdict"), ("amount", "money"))
"""The month's reward figures, shown after the goals'."""


def _month_figures() -> Iterator[tuple[str, str, str]]:
    """Each month figure of the page: the goals' (as :data:`MONTHLY_GOALS` declares them), then
    the reward's."""
    for goal in MONTHLY_GOALS:
        for name, kind in goal.month_fields:
            yield goal.section, name, kind
    for name, kind in _REWARD_FIGURES:
        yield "reward", name, kind


def _verdict_of(fields: tuple[tuple[str, str], ...]) -> str:
    return next(name for name, kind in fields if kind == "verdict")


_GOAL_ROWS: Final = tuple(
    {
        "key": goal.key,
        "section": goal.section,
        "slug": goal.section.replace("_", "-"),
        "reached": goal.reached.replace("_", "-"),
        "verdict": _verdict_of(goal.month_fields).replace("_", "-"),
        "year_verdict": _verdict_of(goal.year_fields).replace("_", "-"),
    }
    for goal in MONTHLY_GOALS
)
"""The goals table's rows: a goal's label key, its figures' ids and its verdict field."""


def _fid(*parts: str) -> str:
    return "fig-" + "-".join(p.replace("_", "-") for p in parts)


def _figures(
    figures: Figures,
    month: Mapping[str, Any] | None,
    totals: Mapping[str, Any],
    year: Mapping[str, Any],
    escalation: Mapping[str, Any],
    running: str,
    to_close: str,
) -> None:
    """Every figure of the page; a verdict of a month in progress reads ``running``, of a month
    awaiting its close ``to_close`` (no verdict before the close)."""
    if month is not None:
        for group, name, kind in _month_figures():
            fid = _fid("month", group, name)
            figures.add(fid, month[group][name], kind)
            if kind == "verdict":  # the reward too: a month not counted earns nothing yet
                if month["state"] == "in_progress":
                    figures.items[fid]["text"] = running
                elif month["state"] == "awaiting_close":
                    figures.items[fid]["text"] = to_close
        for numbered in ("goal1", "goal2", "goal3"):
            figures.add(_fid("month", numbered, "met"), month["goals"][numbered]["met"], "verdict")
        figures.add(
            _fid("month", "goal2", "shortfall"), month["goals"]["goal2"]["shortfall"], "money"
        )
        figures.add(_fid("month", "goal2", "surplus"), month["goals"]["goal2"]["surplus"], "money")
        for kind, item in month["lead_value"]["by_type"].items():
            figures.add(_fid("month", "lead-type", kind, "count"), item["count"], "number")
            figures.add(_fid("month", "lead-type", kind, "unit-value"), item["unit_value"], "money")
            figures.add(_fid("month", "lead-type", kind, "value"), item["value"], "money")
        for kind, extra in month["lead_value"]["mix_to_close_gap"].items():
            figures.add(_fid("month", "lead-type", kind, "mix"), extra, "number")
    for goal in MONTHLY_GOALS if totals else ():
        for name, kind in goal.year_fields:
            figures.add(_fid("year", goal.section, name), totals[goal.section][name], kind)
    annual = year["annual_reward"]
    for name in ("earned", "team_goals", "financial_goals"):
        figures.add(_fid("year", "annual-reward", name), annual[name], "verdict")
    figures.add(_fid("escalation", "level"), escalation["level"], "number")
    figures.add(_fid("escalation", "months-missed"), escalation["months_missed"], "number")


# --- charts ---------------------------------------------------------------------------------


def _floats(values: Sequence[str | None]) -> list[float | None]:
    return [None if v is None else float(v) for v in values]


def _actual_target(
    title: str, months: list[str], actual: list[str | None], target: list[str | None], texts: Any
) -> Callable[[], go.Figure]:
    def build() -> go.Figure:
        figure = go.Figure()
        figure.add_trace(
            go.Scatter(x=months, y=_floats(actual), mode="lines+markers", name=texts("actual"))
        )
        figure.add_trace(
            go.Scatter(
                x=months,
                y=_floats(target),
                mode="lines",
                name=texts("target"),
                line={"dash": "dash"},
            )
        )
        figure.update_layout(title=title)
        return figure

    return build


def _charts(
    req: PageRequest, months: Sequence[Mapping[str, Any]], period: Sequence[date]
) -> Charts:
    texts = req.labels

    def t(key: str) -> str:
        return texts.text(f"scoreboard.{key}")

    keys = [m["month"] for m in months]

    def revenue() -> go.Figure:
        figure = go.Figure()
        figure.add_trace(
            go.Bar(x=keys, y=_floats([m["revenue"]["actual"] for m in months]), name=t("actual"))
        )
        figure.add_trace(
            go.Scatter(
                x=keys,
                y=_floats([m["revenue"]["target"] for m in months]),
                mode="lines",
                name=t("target"),
                line={"dash": "dash"},
            )
        )
        required = months[-1]["revenue"]["required_per_remaining_month"] if months else None
        remaining = [f"{p:%Y-%m}" for p in period][len(months) :]
        if required is not None and remaining:
            figure.add_trace(
                go.Scatter(
                    x=remaining,
                    y=[float(required)] * len(remaining),
                    mode="lines+markers",
                    name=t("catch_up"),
                    line={"dash": "dot"},
                )
            )
        figure.update_layout(title=t("revenue"))
        return figure

    def lead_value() -> go.Figure:
        figure = go.Figure()
        types = list(months[-1]["lead_value"]["by_type"]) if months else []
        for kind in types:
            figure.add_trace(
                go.Bar(
                    x=keys,
                    y=_floats([m["lead_value"]["by_type"][kind]["value"] for m in months]),
                    name=html.escape(kind),  # plotly reads tags in text
                )
            )
        figure.add_trace(
            go.Scatter(
                x=keys,
                y=_floats([m["lead_value"]["target"] for m in months]),
                mode="lines",
                name=t("target"),
                line={"dash": "dash"},
            )
        )
        figure.update_layout(title=t("lead_value"), barmode="stack")
        return figure

    def series(goal: Goal) -> Callable[[], go.Figure]:
        return _actual_target(
            t(goal.key),
            keys,
            [m[goal.section][goal.reached] for m in months],
            [m[goal.section]["target"] for m in months],
            t,
        )

    drawn: dict[str, Callable[[], go.Figure]] = {"revenue": revenue, "lead_value": lead_value}
    return Charts({g.key: drawn.get(g.key) or series(g) for g in MONTHLY_GOALS})


# --- the page -------------------------------------------------------------------------------


def _state_text(texts: Any, month: Mapping[str, Any] | None, lang: str) -> str | None:
    """What the month's state means, for a month in progress (a month awaiting close says so
    in its close line)."""
    if month is None or month["state"] != "in_progress":
        return None
    share = Decimal(month["elapsed_share"]).quantize(Decimal("0.001"))
    shown = formatting.format_percent(share, lang)
    return str(texts.text("scoreboard.state.in_progress", share=shown))


def _closes(
    req: PageRequest, agreement: Agreement, year: dict[str, Any], as_of: datetime
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """The year with each month's ``close`` block (the shape of
    :class:`revpact.services.public.scoreboard_closes.ScoreboardPublic`, read once with the
    restatements), the pending restatements' JSON, and their text: each month's close line and
    state mark, and each restatement written out (:mod:`revpact.render.restatements` words them
    for the packs too)."""
    engine = req.state.engine
    states = {f"{s.month:%Y-%m}": s for s in month_states(engine, agreement, as_of_us=to_us(as_of))}
    months = [
        {**m, "close": None if m["month"] not in states else close_block(states[m["month"]])}
        for m in year["months"]
    ]
    pending = [
        RestatementPublic.of(s.restatement).model_dump(mode="json")
        for s in states.values()
        if s.restatement is not None
    ]
    numbers = {v.hash: v.number for v in versions(engine)}
    words = req.labels["scoreboard"]
    if not isinstance(words, Labels):
        raise TypeError("the dashboard's labels have no scoreboard section")
    zone, lang = agreement.calendar.timezone, req.lang

    def line(close: Mapping[str, Any] | None) -> str | None:
        version = None if close is None else numbers.get(str(close["version"]))
        return close_text(words, close, version, zone, lang)

    shown = [
        {
            "month": m["month"],
            "name": formatting.format_month(date.fromisoformat(m["month"] + "-01"), lang),
            "state": m["close"]["state"],
            "mark": req.labels.text(f"scoreboard.close_mark.{m['close']['state']}"),
            "line": line(m["close"]),
            "pending": len(m["close"]["restatements"]),
        }
        for m in months
        if m["close"] is not None
    ]
    by_month = {m["month"]: m for m in months}
    types = {k: agreement.marketing.label(k) for k in agreement.marketing.lead_values}
    restated = [
        dataclasses.asdict(
            restatement_view(
                words,
                item,
                line(by_month[item["month"]]["close"]) or "",
                types,
                agreement.currency,
                zone,
                lang,
            )
        )
        for item in pending
    ]
    display = {
        "close": line(months[-1]["close"]) if months else None,
        "months": shown,
        "restatements": restated,
    }
    return {**year, "months": months}, pending, display


@page("")
def scoreboard(req: PageRequest) -> Page:
    """The month and the year against every goal; escalation and rewards."""
    texts = req.labels
    try:
        as_of, asked = strict_moment(req)
    except AsOfError as exc:
        return error_page(
            req, "scoreboard.bad_as_of_title", texts.text("scoreboard.bad_as_of", value=str(exc))
        )
    engine, agreement = req.state.engine, req.agreement
    try:
        board = year_scoreboard(engine, agreement, as_of=as_of)
    except RevpactError as exc:
        return error_page(req, "scoreboard.bad_as_of_title", str(exc))
    scored = YearScoreboardPublic.of(board).model_dump(mode="json")
    year, pending, closes = _closes(req, agreement, scored, as_of)
    status = escalation_status(engine, agreement, as_of=as_of)
    escalation: dict[str, Any] = EscalationPublic.of(status).model_dump(mode="json")
    escalation["open_actions"] = [
        action
        for action, item in zip(escalation["actions"], status.actions, strict=True)
        if not item.done
    ]
    reward = RewardStatusPublic.of(reward_status(engine, agreement, as_of=as_of)).model_dump(
        mode="json"
    )
    months: list[dict[str, Any]] = year["months"]
    month = months[-1] if months else None
    totals = year_totals(months, agreement.company_goals.annual_revenue_target)
    zone = agreement.calendar.timezone
    figures = Figures(texts, req.lang, agreement.currency)
    _figures(
        figures,
        month,
        totals,
        year,
        escalation,
        texts.text("scoreboard.in_progress"),
        texts.text("scoreboard.to_close"),
    )
    goals = [
        {"key": key, "id": goal.id, "name": goal.name, "text": goal.text}
        for key, goal in zip(
            ("goal1", "goal2", "goal3"), agreement.company_goals.goals, strict=False
        )
    ]
    data: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "as_of_requested": asked,
        "time_zone": zone,
        "currency": agreement.currency,
        "period": {
            "start": agreement.period.start.isoformat(),
            "end": agreement.period.end.isoformat(),
        },
        "month": None if month is None else month["month"],
        "month_state": None if month is None else month["state"],
        "figures": figures.items,
        "year": year,
        "restatements": pending,
        "year_totals": totals,
        "company_goals": goals,
        "escalation": escalation,
        "reward": reward,
        "charts": list(CHARTS),
        "display": {
            "as_of": formatting.format_moment(as_of, zone, req.lang),
            "state": _state_text(texts, month, req.lang),
            **closes,
            "month": None
            if month is None
            else formatting.format_month(date.fromisoformat(month["month"] + "-01"), req.lang),
        },
    }
    return Page(
        title=texts.text("scoreboard.title"),
        template="scoreboard.html.j2",
        data=data,
        context={
            "charts": True,
            "plots": _charts(req, months, board.period_months),
            "goals": _GOAL_ROWS,
        },
    )
