"""The next meeting's agenda as the terminal shows it (``revpact meetings agenda``, the demo)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from rich import box
from rich.markup import escape
from rich.table import Table

from revpact.cli.common import console, fmt_time

if TYPE_CHECKING:
    from revpact.services import meetings as service

__all__ = ["print_agenda"]


def _money(value: Decimal | None, currency: str) -> str:
    return "—" if value is None else f"{value:,.0f} {currency}"


def _value(value: Decimal | None, unit: str, currency: str) -> str:
    if value is None:
        return "—"
    if unit == "money":
        return _money(value, currency)
    if unit == "ratio":
        return f"{value:.1%}"
    return f"{value:.1f} d"


def _verdict(met: bool | None) -> str:
    return "—" if met is None else ("[green]met[/]" if met else "[red]missed[/]")


def print_agenda(found: service.Agenda, currency: str) -> None:
    zone = found.timezone
    start = fmt_time(found.starts_at, zone, style="%A %Y-%m-%d %H:%M")
    end = fmt_time(found.ends_at, zone, style="%H:%M")
    console.print(
        f"[bold]{escape(found.meeting.name)}[/] — {start}-{end} ({zone})", highlight=False
    )
    names = ", ".join(p.name for p in found.attendees)
    console.print(f"Attendees: {escape(names)}", highlight=False)
    console.print(f"Agreement: {escape(found.version)}", highlight=False)
    console.print()
    console.print("[bold]Agenda[/]")
    for number, item in enumerate(found.items, start=1):
        console.print(f"  {number}. {escape(item)}", highlight=False)
    if found.weekly is not None:
        _print_weekly(found.weekly, currency, zone)
    if found.monthly is not None:
        _print_monthly(found.monthly, currency)
    if found.feedback is not None:
        _print_feedback(found, zone)
    if found.actions is not None:
        _print_actions(found)
    console.print()
    headings = ", ".join(f'"{h}"' for h in found.notes_headings)
    console.print(f"Notes for the record: {escape(headings)}", highlight=False)


def _scorecard_table(card: service.Scorecard, title: str, currency: str) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("goal", "team", "actual", "target", ""):
        table.add_column(column, justify="left" if column in {"goal", "team"} else "right")
    for g in card.goals:
        table.add_row(
            g.label,
            g.team,
            _value(g.actual, g.unit, currency),
            _value(g.target, g.unit, currency),
            _verdict(g.met),
        )
    return table


def _print_weekly(review: service.WeeklyReview, currency: str, zone: str) -> None:
    console.print()
    state = "" if review.complete else " (so far: the week is not over)"
    console.print(
        f"[bold]Last week: {review.week}[/] ({review.first_day} .. {review.last_day}){state}",
        highlight=False,
    )
    card = review.scorecard
    if card is None:
        console.print("  No scoreboard: the week is before the agreement's period.")
    else:
        title = f"Month to date, {card.month:%B %Y}, as of {fmt_time(card.as_of, zone)}"
        console.print(_scorecard_table(card, title, currency))
    follow = review.follow_up
    compliance = "—" if follow.compliance is None else f"{follow.compliance:.1%}"
    counts = ", ".join(f"{s.value} {n}" for s, n in follow.counts.items() if n)
    console.print(
        f"Follow-up of the week's {follow.notified} leads: {compliance} on time "
        f"(target {follow.target:.0%}){'; ' + counts if counts else ''}",
        highlight=False,
    )
    if follow.breaches:
        table = Table(title="Follow-up deadlines missed in the week", title_justify="left")
        for column in ("owner", "missed", "leads"):
            table.add_column(column, overflow="fold")
        for b in follow.breaches:
            table.add_row(
                escape(b.owner or "(nobody)"), str(len(b.lead_ids)), escape(", ".join(b.lead_ids))
            )
        console.print(table)
    else:
        console.print("[green]No follow-up deadline was missed in the week.[/]")


def _print_monthly(review: service.MonthlyReview, currency: str) -> None:
    console.print()
    card = review.scorecard
    if card is None:
        console.print(f"[bold]Last month ({review.month:%B %Y})[/]: before the agreement's period.")
    else:
        state = "" if card.complete else " (so far: the month is not over)"
        title = f"KPIs and goals of both teams, {card.month:%B %Y}{state}"
        console.print(_scorecard_table(card, title, currency))
    coming = review.coming
    if coming is not None:
        table = Table(
            title=f"Expected in {coming.month:%B %Y}", title_justify="left", box=box.SIMPLE_HEAD
        )
        table.add_column("goal")
        table.add_column("target", justify="right")
        table.add_row("Revenue", _money(coming.revenue, currency))
        table.add_row("Lead value", _money(coming.lead_value, currency))
        table.add_row("Follow-up compliance", f"{coming.follow_up_compliance:.0%}")
        table.add_row("Close rate", f"{coming.close_rate:.1%}")
        table.add_row("Sales cycle", f"{coming.sales_cycle_days:.1f} d")
        console.print(table)
    for slot in review.plans:
        console.print(
            f"[bold]{escape(slot.heading)}[/]: to be written at the meeting", highlight=False
        )
        if slot.previous:
            console.print(f"  last plan: {escape(slot.previous)}", highlight=False)


def _print_feedback(found: service.Agenda, zone: str) -> None:
    console.print()
    items = found.feedback or ()
    if not items:
        console.print("[green]No open or overdue feedback.[/]")
        return
    table = Table(title="Open and overdue feedback", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("id", "from → to", "topic", "event → due", "state", "text"):
        table.add_column(column, overflow="fold")
    for f in items:
        state = "[red]overdue[/]" if f.state.value == "overdue" else f.state.value
        table.add_row(
            str(f.id),
            f"{f.from_team} → {f.to_team}",
            f.topic,
            f"{fmt_time(f.event_at, zone)} → {fmt_time(f.due_at, zone)}",
            state,
            escape(f.text),
        )
    console.print(table)


def _print_actions(found: service.Agenda) -> None:
    console.print()
    actions = found.actions or ()
    if not actions:
        console.print("[green]No open escalation action.[/]")
        return
    table = Table(title="Open escalation actions", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("month", "level", "#", "action", "owner", "due"):
        table.add_column(column, overflow="fold" if column == "action" else "ellipsis")
    for a in actions:
        table.add_row(
            f"{a.month:%Y-%m}",
            str(a.level),
            str(a.seq),
            escape(a.text),
            a.owner.value,
            a.due.isoformat(),
        )
    console.print(table)
