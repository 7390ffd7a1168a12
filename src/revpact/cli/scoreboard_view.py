"""The month-by-month scoreboard as Rich tables (``revpact status --month`` / ``--year``)."""

from __future__ import annotations

from decimal import Decimal

from rich.table import Table

from revpact.domain.agreement import Agreement
from revpact.domain.scoreboard import MonthScore, YearScoreboard
from revpact.domain.scoreboard_trend import Trend

__all__ = ["month_table", "year_table"]


def _money(value: Decimal | None, currency: str) -> str:
    return "—" if value is None else f"{value:,.0f} {currency}"


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _days(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f} d"


def _verdict(met: bool | None) -> str:
    return "—" if met is None else ("[green]met[/]" if met else "[red]missed[/]")


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


def month_table(spec: Agreement, score: MonthScore, change: Trend) -> Table:
    """Every goal of one month: actual, target, met or missed, and the change since last month."""
    cur = spec.currency
    under = (
        ""
        if score.version is None
        else f" (agreement v{score.version.number}, {score.version.hash[:8]})"
    )
    table = Table(
        title=f"Scoreboard — {spec.company}, {score.month:%B %Y}{under}", title_justify="left"
    )
    for column in ("goal", "actual", "target", "", "vs last month"):
        table.add_column(column, justify="left" if column == "goal" else "right")
    r = score.revenue
    table.add_row(
        "revenue",
        _money(r.actual, cur),
        _money(r.target, cur),
        _verdict(r.met),
        _change(change.revenue, "money"),
    )
    table.add_row("revenue year to date", _money(r.ytd, cur), _money(r.ytd_target, cur), "")
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
    lv = score.lead_value
    table.add_row(
        "lead value",
        _money(lv.actual, cur),
        _money(lv.target, cur),
        _verdict(lv.met),
        _change(change.lead_value, "money"),
    )
    for item in lv.by_type:
        table.add_row(f"  {item.lead_type} ({item.count:,})", _money(item.value, cur), "", "")
    fu = score.follow_up
    table.add_row(
        f"follow-up compliance ({fu.met:,} met, {fu.breached:,} breached)",
        _pct(fu.compliance),
        _pct(fu.target),
        _verdict(fu.met_goal),
        _change(change.follow_up_compliance, "pct"),
    )
    cr = score.close_rate
    table.add_row(
        "close rate",
        _pct(cr.actual),
        _pct(cr.target),
        _verdict(cr.met),
        _change(change.close_rate, "pct"),
    )
    cy = score.sales_cycle
    table.add_row(
        "sales cycle (mean)",
        _days(cy.actual),
        _days(cy.target),
        _verdict(cy.met),
        _change(change.sales_cycle_days, "days", lower_is_better=True),
    )
    table.add_row("shared goals", "", "", _verdict(score.shared_goals.met))
    esc = score.escalation
    since = "" if esc.since is None else f"since {esc.since:%Y-%m}"
    table.add_row("escalation", f"{esc.level}-day step" if esc.level else "none", since, "")
    reward = score.reward
    table.add_row("monthly reward", _money(reward.amount, cur), _money(reward.pool, cur), "")
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
        title=f"Scoreboard — {spec.company}, {spec.period.start} to {spec.period.end}",
        title_justify="left",
        caption=f"amounts in thousands of {spec.currency}; level = escalation step (days)"
        + versions_caption(board),
        caption_justify="left",
        box=None,
        padding=(0, 0, 0, 2),
        pad_edge=False,
        header_style="bold underline",
    )
    for column in (
        "month", "revenue", "target", "leads", "follow-up", "close", "cycle",
        "shared", "level", "reward",
    ):  # fmt: skip
        table.add_column(column, justify="left" if column == "month" else "right", no_wrap=True)
    for s in board.months:
        table.add_row(
            f"{s.month:%Y-%m}",
            _k(s.revenue.actual),
            _k(s.revenue.target),
            _k(s.lead_value.actual),
            _pct(s.follow_up.compliance),
            _pct(s.close_rate.actual),
            _days(s.sales_cycle.actual),
            _verdict(s.shared_goals.met),
            str(s.escalation.level or "—"),
            f"{s.reward.amount:,.0f}",
        )
    return table
