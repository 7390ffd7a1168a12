"""The month-by-month scoreboard as Rich tables (``revpact status --month`` / ``--year``)."""

from __future__ import annotations

from decimal import Decimal
from typing import assert_never

from rich.markup import escape
from rich.table import Table

from revpact.domain.agreement.model import Agreement
from revpact.domain.scoreboard.goals import MONTHLY_GOALS, Goal, GoalUnit
from revpact.domain.scoreboard.trend import Trend
from revpact.domain.scoreboard.year import MonthScore, MonthState, RevenueScore, YearScoreboard

__all__ = ["FALLBACK_MARK", "month_table", "notes", "year_table"]


def _money(value: Decimal | None, currency: str) -> str:
    return "—" if value is None else f"{value:,.0f} {escape(currency)}"


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _days(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f} d"


def _verdict(met: bool | None, state: MonthState = MonthState.DECIDED) -> str:
    if state is MonthState.IN_PROGRESS:
        return "[yellow]in progress[/]"
    if state is MonthState.AWAITING_CLOSE:
        return "[yellow]to close[/]"
    return "—" if met is None else ("[green]met[/]" if met else "[red]missed[/]")


FALLBACK_MARK = "*"
"""Marks a revenue figure that used the won deals for a month without a revenue row."""

FALLBACK_NOTE = "* revenue of a month without a revenue row: the deals won in it (fallback)"
UNKNOWN_NOTE = "revenue unknown: no revenue row, and the agreement takes recognised revenue only"
_STATE_NOTES = {
    MonthState.IN_PROGRESS: "so far: in progress, month to date against pro-rated targets; "
    "not counted",
    MonthState.AWAITING_CLOSE: "to close: ended, awaiting its close; no verdict and not counted "
    "until closed (revpact month close)",
}


def _shared(score: MonthScore) -> str:
    """The year table's shared-goals cell: the verdict, or where the month stands."""
    match score.state:
        case MonthState.IN_PROGRESS:
            return "[yellow]so far[/]"
        case MonthState.AWAITING_CLOSE:
            return "[yellow]to close[/]"
        case MonthState.DECIDED:
            return _verdict(score.shared_goals.met)
        case _:
            assert_never(score.state)


def _revenue(revenue: RevenueScore, shown: str) -> str:
    if revenue.actual is None:
        return "unknown"
    return shown + (FALLBACK_MARK if revenue.fallback else "")


def _state_line(score: MonthScore) -> str:
    match score.state:
        case MonthState.DECIDED:
            return ""
        case MonthState.IN_PROGRESS:
            return f"in progress: {score.revenue.share:.0%} of the month, month to date"
        case MonthState.AWAITING_CLOSE:
            return "awaiting close: no verdict until closed"
        case _:
            assert_never(score.state)


def notes(board_or_score: YearScoreboard | MonthScore) -> list[str]:
    """The footnotes the marks of a table need (none when nothing is marked)."""
    months = (
        board_or_score.months if isinstance(board_or_score, YearScoreboard) else (board_or_score,)
    )
    found: list[str] = []
    if any(s.revenue.fallback_months for s in months):
        found.append(FALLBACK_NOTE)
    if any(s.revenue.months_unknown for s in months):
        found.append(UNKNOWN_NOTE)
    found += [note for state, note in _STATE_NOTES.items() if any(s.state is state for s in months)]
    return found


def _change(value: Decimal | None, kind: str, *, lower_is_better: bool = False) -> str:
    if value is None:
        return ""
    text = {
        "money": f"{value:+,.0f}",
        "pct": f"{value * 100:+.1f} pt",
        "days": f"{value:+.1f} d",
    }[kind]
    if value == 0:
        return text
    better = (value < 0) if lower_is_better else (value > 0)
    return f"[green]{text}[/]" if better else f"[red]{text}[/]"


_CHANGE_KIND = {GoalUnit.MONEY: "money", GoalUnit.RATIO: "pct", GoalUnit.DAYS: "days"}


def _figure(unit: GoalUnit, value: Decimal | None, currency: str) -> str:
    match unit:
        case GoalUnit.MONEY:
            return _money(value, currency)
        case GoalUnit.RATIO:
            return _pct(value)
        case GoalUnit.DAYS:
            return _days(value)
        case _:
            assert_never(unit)


def _goal_rows(table: Table, goal: Goal, spec: Agreement, score: MonthScore, change: Trend) -> None:
    """A goal's row of the month table, and the rows that detail it."""
    cur, st = spec.currency, score.state
    reached, target, met = goal.figures(score)
    label, shown = goal.short, _figure(goal.unit, reached, cur)
    if goal.unit is GoalUnit.MONEY and st is MonthState.IN_PROGRESS:
        label += " (pro-rated target)"
    if goal.key == "revenue":
        shown = _revenue(score.revenue, shown)
    if goal.key == "follow_up":
        label += f" ({score.follow_up.met:,} met, {score.follow_up.breached:,} breached)"
    table.add_row(
        label,
        shown,
        _figure(goal.unit, target, cur),
        _verdict(met, st),
        _change(
            getattr(change, goal.trend),
            _CHANGE_KIND[goal.unit],
            lower_is_better=goal.lower_is_better,
        ),
    )
    if goal.key == "revenue":
        r = score.revenue
        ytd = _money(r.ytd, cur) + (FALLBACK_MARK if r.fallback_months else "")
        table.add_row("revenue year to date", ytd, _money(r.ytd_target, cur), "")
        table.add_row(
            "required per remaining month", _money(r.required_per_remaining_month, cur), "", ""
        )
        table.add_row("projected year end", _money(r.projected_year_end, cur), "", "")
        goals = score.goals
        for name, verdict in (
            ("Goal 1", goals.goal1),
            ("Goal 2", goals.goal2),
            ("Goal 3", goals.goal3),
        ):
            table.add_row(name, "", "", _verdict(verdict.met))
    if goal.key == "lead_value":
        for item in score.lead_value.by_type:
            label = f"  {escape(item.lead_type)} ({item.count:,})"
            table.add_row(label, _money(item.value, cur), "", "")


def month_table(spec: Agreement, score: MonthScore, change: Trend) -> Table:
    """Every goal of one month: actual, target, met or missed, and the change since last month."""
    cur = spec.currency
    under = (
        ""
        if score.version is None
        else f" (agreement v{score.version.number}, {score.version.hash[:8]})"
    )
    state = _state_line(score)
    footnotes = [n for n in notes(score) if n not in _STATE_NOTES.values()]
    table = Table(
        title=f"Scoreboard — {escape(spec.company)}, {score.month:%B %Y}{under}"
        + (f" — {state}" if state else ""),
        title_justify="left",
        caption="\n".join(footnotes) or None,
        caption_justify="left",
    )
    for column in ("goal", "actual", "target", "", "vs last month"):
        table.add_column(column, justify="left" if column == "goal" else "right")
    for goal in MONTHLY_GOALS:
        _goal_rows(table, goal, spec, score, change)
    table.add_row("shared goals", "", "", _verdict(score.shared_goals.met, score.state))
    esc = score.escalation
    since = "" if esc.since is None else f"since {esc.since:%Y-%m}"
    counted = "" if not score.provisional else "[yellow]not counted yet[/]"
    table.add_row("escalation", f"{esc.level}-day step" if esc.level else "none", since, counted)
    reward = score.reward
    table.add_row("monthly reward", _money(reward.amount, cur), _money(reward.pool, cur), counted)
    return table


def _k(value: Decimal) -> str:
    return f"{value / 1000:,.0f}"


def versions_caption(board: YearScoreboard) -> str:
    """Which agreement version each run of months is measured under ("" when unpublished)."""
    runs: list[tuple[str, str, str]] = []
    for score in board.months:
        if score.version is None:
            return ""
        label = f"v{score.version.number} ({score.version.hash[:8]})"
        month = f"{score.month:%Y-%m}"
        if runs and runs[-1][0] == label:
            runs[-1] = (label, runs[-1][1], month)
        else:
            runs.append((label, month, month))
    parts = [f"{first}..{last} under {label}" for label, first, last in runs]
    return "; measured " + ", ".join(parts) if parts else ""


def year_table(spec: Agreement, board: YearScoreboard) -> Table:
    """The months side by side, a row each; amounts in thousands, so it fits 80 columns."""
    table = Table(
        title=f"Scoreboard — {escape(spec.company)}, {spec.period.start} to {spec.period.end}",
        title_justify="left",
        caption="\n".join(
            [
                f"amounts in thousands of {escape(spec.currency)}; level = escalation step (days)"
                + versions_caption(board),
                *notes(board),
            ]
        ),
        caption_justify="left",
        box=None,
        padding=(0, 0, 0, 2),
        pad_edge=False,
        header_style="bold underline",
    )
    columns = ["month"]
    for goal in MONTHLY_GOALS:
        columns += [goal.column, "target"] if goal.key == "revenue" else [goal.column]
    for column in (*columns, "shared", "level", "reward"):
        table.add_column(column, justify="left" if column == "month" else "right", no_wrap=True)
    for s in board.months:
        cells = [f"{s.month:%Y-%m}"]
        for goal in MONTHLY_GOALS:
            reached, target, _ = goal.figures(s)
            if goal.unit is not GoalUnit.MONEY:
                cells.append(_figure(goal.unit, reached, spec.currency))
            elif reached is None:
                cells.append("—")
            else:
                cells.append(
                    _revenue(s.revenue, _k(reached)) if goal.key == "revenue" else _k(reached)
                )
            if goal.key == "revenue":
                cells.append(_k(target))
        table.add_row(*cells, _shared(s), str(s.escalation.level or "—"), f"{s.reward.amount:,.0f}")
    return table
