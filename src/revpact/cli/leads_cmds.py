"""``revpact leads`` and ``revpact status``: each lead's standing, and the scoreboard."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from revpact import services
from revpact.cli import common
from revpact.cli.common import (
    AS_OF_STYLE,
    AgreementOption,
    AsOfOption,
    DbOption,
    JsonOption,
    console,
    fmt_seconds,
    fmt_time,
    friendly,
    load,
    owner_names,
    parse_as_of,
    short_time_style,
    store,
)
from revpact.cli.month_cmds import close_line
from revpact.errors import RevpactError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from revpact.domain.agreement.model import Agreement
    from revpact.domain.clock.sla import LeadStatus

__all__ = ["lead_table", "register", "render_summary"]


def _styled(status: LeadStatus) -> str:
    """The status in its colour."""
    from revpact.domain.clock.sla import LeadStatus

    style = {
        LeadStatus.MET: "green",
        LeadStatus.BREACHED: "red",
        LeadStatus.AT_RISK: "yellow",
        LeadStatus.OPEN: "cyan",
        LeadStatus.EXCLUDED: "dim",
    }[status]
    return f"[{style}]{status.value}[/]"


def _status(value: str | None) -> LeadStatus | None:
    from revpact.domain.clock.sla import LeadStatus

    if value is None:
        return None
    try:
        return LeadStatus(value)
    except ValueError:
        choices = ", ".join(s.value for s in LeadStatus)
        raise RevpactError(
            f'--status "{value}" is not a status; choose one of: {choices}'
        ) from None


leads_app = typer.Typer(
    help="List leads with their follow-up status (approve: let a late-entered touch count).",
    invoke_without_command=True,
)


def leads(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="Only leads in this status: met, breached, at_risk, open, excluded."
        ),
    ] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Only this owner's leads.")] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    limit: Annotated[
        int, typer.Option("--limit", help="Rows in the table (0 = all; --json prints all).")
    ] = 100,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """List leads with their follow-up status, due time and response time; a late entry is
    marked "late" (awaiting approval: "late?")."""
    if ctx.invoked_subcommand is not None:
        return
    spec = load(agreement)
    moment = parse_as_of(as_of, spec, common.now())
    engine, wanted = store(db), _status(status)
    if as_json:
        views = services.list_leads(engine, spec, as_of=moment, status=wanted, owner=owner)
        payload = [services.LeadPublic.of(v).model_dump(mode="json") for v in views]
        typer.echo(json.dumps(payload, indent=1))
        return
    bound = None if limit <= 0 else limit + 1  # one more tells whether there are more
    views = services.list_leads(engine, spec, as_of=moment, status=wanted, owner=owner, limit=bound)
    shown = views if bound is None else views[:limit]
    console.print(lead_table(spec, shown, moment, "Leads as of"))
    if len(views) > len(shown):
        console.print("… and more (use --limit 0 for all, or --json)")


def lead_table(
    spec: Agreement,
    views: list[services.LeadView],
    as_of: datetime,
    title: str,
    *,
    waiting: bool = False,
) -> Table:
    """Leads as a table; times in the calendar's zone, named in the title.

    ``waiting`` leaves out the columns of a first touch (for a queue of untouched leads).
    """
    zone = spec.calendar.timezone
    moments = [m for v in views for m in (v.notified_at, v.due_at, v.first_touch_at)]
    style = short_time_style(moments, as_of, zone)
    names, domain = owner_names([v.owner for v in views])
    table = Table(
        title=f"{title} {fmt_time(as_of, zone, style=AS_OF_STYLE)} ({zone})",
        title_justify="left",
        caption=None if domain is None else f"owners @{escape(domain)}",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("lead", no_wrap=True)
    table.add_column("type", overflow="fold", min_width=8)
    table.add_column("owner", overflow="fold", min_width=10)
    times = ("notified", "due") if waiting else ("notified", "due", "touched", "response")
    for column in (*times, "left"):
        table.add_column(column, no_wrap=True)
    table.add_column("status", no_wrap=True, min_width=8)
    for v in views:
        cells = [  # ids, types and owners come from files: shown as they are, not as markup
            escape(v.lead_id),
            escape(v.lead_type),
            escape(names[v.owner]),
            fmt_time(v.notified_at, zone, style=style),
            fmt_time(v.due_at, zone, style=style),
        ]
        if not waiting:
            cells.append(fmt_time(v.first_touch_at, zone, style=style))
            cells.append(fmt_seconds(v.response_business_seconds))
        cells.append(fmt_seconds(v.business_seconds_left))
        cells.append(f"{_styled(v.status)}{_late_mark(v)}")
        table.add_row(*cells)
    if any(v.late_entry is not None for v in views):
        table.caption = (table.caption + "; " if table.caption else "") + (
            "late: recorded more than late_entry_after after the time it claims; "
            "late?: a late touch awaiting approval (revpact leads approve)"
        )
    return table


def _late_mark(view: services.LeadView) -> str:
    if view.late_entry is None:
        return ""
    return " [yellow]late?[/]" if view.late_entry.awaiting_approval else " [dim]late[/]"


def approve(
    lead_id: Annotated[
        str,
        typer.Argument(help="The lead whose late-entered touch to approve.", show_default=False),
    ],
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="Who approves: a signatory who leads a team (leader: true) or sits on the "
            "executive team; not the lead's owner.",
            show_default=False,
            metavar="EMAIL",
        ),
    ],
    now: Annotated[
        str | None,
        typer.Option("--now", help="When the approval is made (default: now).", hidden=True),
    ] = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Approve a lead's late-entered first touch: it then counts at the moment it claims
    (recorded in the audit trail)."""
    from revpact.services.late_entries import approve_touch, check_approver

    spec = load(agreement)
    approver = check_approver(spec, by)
    moment = parse_as_of(now, spec, common.now())
    engine = store(db)
    approve_touch(engine, lead_id, by=approver, via="cli", now=moment)
    view = services.find_lead(engine, spec, lead_id, as_of=moment)
    console.print(
        Text(f"{lead_id}: touch approved by {approver}; the lead is now {view.status.value}"),
        highlight=False,
    )


def status(
    as_of: AsOfOption = None,
    month: Annotated[
        str | None,
        typer.Option("--month", help="The month's scoreboard (e.g. 2020-06): every goal."),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="The year's months side by side (e.g. 2020).")
    ] = None,
    as_json: JsonOption = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """The scoreboard: the follow-up SLA as of a moment, or every goal by month (--month,
    --year)."""
    spec = load(agreement)
    if month is not None or year is not None:
        _scoreboard(spec, store(db), month, year, as_of, as_json)
        return
    moment = parse_as_of(as_of, spec, common.now())
    summary = services.follow_up_summary(store(db), spec, as_of=moment)
    if as_json:
        payload = services.FollowUpSummaryPublic.of(summary).model_dump(mode="json")
        typer.echo(json.dumps(payload, indent=1))
        return
    render_summary(spec, summary)


def _scoreboard(
    spec: Agreement,
    engine: Engine,
    month: str | None,
    year: int | None,
    as_of: str | None,
    as_json: bool,
) -> None:
    from revpact.cli.scoreboard_view import month_table, year_table
    from revpact.domain.scoreboard.facts import month_end
    from revpact.domain.scoreboard.trend import trend
    from revpact.services.month_states import close_blocks
    from revpact.services.public.scoreboard_closes import MonthDetailPublic, ScoreboardPublic

    if month is not None:
        try:
            first = date.fromisoformat(f"{month.strip()}-01")
        except ValueError:
            raise RevpactError(f'--month "{month}" is not a month; write e.g. 2020-06') from None
        last = month_end(first)
    else:
        assert year is not None
        first, last = date(year, 1, 1), date(year, 12, 31)
    if last < spec.period.start or first > spec.period.end:
        raise RevpactError(
            f"{month or year} is outside the agreement's period "
            f"({spec.period.start} to {spec.period.end})"
        )
    # As of now by default: a past month's leads are decided by now, so its figures are final.
    moment = parse_as_of(as_of, spec, common.now())
    board = services.year_scoreboard(engine, spec, as_of=moment)
    closes = close_blocks(engine, spec, as_of=moment)
    if month is not None:
        at = next((i for i, s in enumerate(board.months) if s.month == first), None)
        if at is None:
            raise RevpactError(f"{month} has not begun as of {moment.isoformat()}")
        score = board.months[at]
        change = trend(board.months[at - 1] if at else None, score)
        if as_json:
            detail = MonthDetailPublic.of(score, change, closes)
            typer.echo(json.dumps(detail.model_dump(mode="json"), indent=1))
        else:
            console.print(month_table(spec, score, change))
            console.print(close_line(closes.get(f"{first:%Y-%m}"), spec), highlight=False)
        return
    if as_json:
        scored = ScoreboardPublic.of(board, closes)
        typer.echo(json.dumps(scored.model_dump(mode="json"), indent=1))
    else:
        console.print(year_table(spec, board))


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def render_summary(spec: Agreement, summary: services.FollowUpSummary) -> None:
    """Print the scoreboard tables (also used by the demo)."""
    from revpact.domain.clock.sla import LeadStatus

    zone = spec.calendar.timezone
    target = spec.sales.follow_up.compliance_target
    head = Table(
        title=f"Follow-up SLA — {escape(spec.company)}, as of "
        f"{fmt_time(summary.as_of, zone, style=AS_OF_STYLE)} ({zone})",
        title_justify="left",
        show_header=False,
    )
    head.add_column("measure")
    head.add_column("value", justify="right")
    met = summary.compliance is not None and summary.compliance >= target
    verdict = (
        "—"
        if summary.compliance is None
        else ("[green]on target[/]" if met else "[red]below target[/]")
    )
    head.add_row("compliance (met ÷ decided)", f"{_pct(summary.compliance)}  {verdict}")
    head.add_row("target", _pct(float(target)))
    for st in LeadStatus:
        head.add_row(_styled(st), f"{summary.counts.get(st, 0):,}")
    head.add_row("median response", fmt_seconds(summary.median_response_seconds))
    head.add_row("90th percentile response", fmt_seconds(summary.p90_response_seconds))
    console.print(head)

    names, domain = owner_names([o.owner for o in summary.owners])
    owners = Table(
        title="Per owner",
        title_justify="left",
        caption=None if domain is None else f"owners @{escape(domain)}",
        caption_justify="left",
    )
    for column in ("owner", "met", "breached", "at_risk", "open", "compliance", "median", "p90"):
        owners.add_column(column, justify="left" if column == "owner" else "right")
    for o in summary.owners:
        owners.add_row(
            escape(names[o.owner]),
            f"{o.counts.get(LeadStatus.MET, 0):,}",
            f"{o.counts.get(LeadStatus.BREACHED, 0):,}",
            f"{o.counts.get(LeadStatus.AT_RISK, 0):,}",
            f"{o.counts.get(LeadStatus.OPEN, 0):,}",
            _pct(o.compliance),
            fmt_seconds(o.median_response_seconds),
            fmt_seconds(o.p90_response_seconds),
        )
    console.print(owners)


def register(app: typer.Typer) -> None:
    leads_app.callback(invoke_without_command=True)(friendly(leads))
    leads_app.command("approve")(friendly(approve))
    app.add_typer(leads_app, name="leads")
    app.command()(friendly(status))
