"""``revpact month``: close a month (freeze its figures), reopen it, see every month's state and
the restatements that data arriving after a close would make."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, assert_never

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from revpact.cli import common
from revpact.cli.common import (
    AgreementOption,
    AsOfOption,
    DbOption,
    JsonOption,
    console,
    fmt_time,
    friendly,
    load,
    parse_as_of,
    store,
)

if TYPE_CHECKING:
    from revpact.domain.agreement.model import Agreement
    from revpact.services.month_states import CloseState, Restatement

__all__ = ["app", "close_line"]

app = typer.Typer(
    help="Month close: freeze a month's figures, reopen it to apply a restatement, and see "
    "where every month stands.",
    no_args_is_help=True,
)

MonthArgument = Annotated[
    str, typer.Argument(help="The month, YYYY-MM (e.g. 2020-09).", show_default=False)
]
ByOption = Annotated[
    str,
    typer.Option(
        "--by",
        help="Who acts (e-mail): a signatory who leads a team (leader: true) or sits on the "
        "executive team.",
        show_default=False,
    ),
]
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="When it happened, ISO 8601 (no offset = the calendar's zone); not in the future, "
        "not before the newest close or reopen. Default: now.",
        show_default=False,
    ),
]


def _shown(state: CloseState) -> str:
    """A month's state as the table shows it."""
    from revpact.services.month_states import CloseState

    return {
        CloseState.OPEN: "[dim]not begun[/]",
        CloseState.IN_PROGRESS: "in progress",
        CloseState.AWAITING_CLOSE: "[yellow]awaiting close[/]",
        CloseState.CLOSED: "[green]closed[/]",
    }[state]


@app.command("close")
@friendly
def close(
    month: MonthArgument,
    by: ByOption,
    at: AtOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Close an ended month: its figures are frozen with the agreement version and the hash of
    the facts they came from; later data shows as a restatement."""
    from revpact.services.month_close import close_month

    now = common.now()
    spec = load(agreement)
    moment = None if at is None else parse_as_of(at, spec, now)
    closed = close_month(store(db), spec, month, by=by, now=now, via="cli", at=moment)
    zone = spec.calendar.timezone
    console.print(
        f"{closed.month:%Y-%m} closed by {escape(closed.by)} on {fmt_time(closed.at, zone)} "
        f"(facts {(closed.facts_hash or '')[:12]}, agreement {(closed.version_hash or '')[:12]})",
        highlight=False,
    )


@app.command("reopen")
@friendly
def reopen(
    month: MonthArgument,
    by: ByOption,
    reason: Annotated[
        str, typer.Option("--reason", help="Why it is reopened.", show_default=False)
    ],
    at: AtOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Reopen a closed month (to apply a restatement): it is scored from live data again until
    it is closed anew."""
    from revpact.services.month_close import reopen_month

    now = common.now()
    spec = load(agreement)
    moment = None if at is None else parse_as_of(at, spec, now)
    opened = reopen_month(
        store(db),
        spec,
        month,
        by=by,
        reason=reason,
        now=now,
        via="cli",
        at=moment,
    )
    console.print(
        f"{opened.month:%Y-%m} reopened by {escape(opened.by)} on "
        f"{fmt_time(opened.at, spec.calendar.timezone)}: {escape(opened.reason or '')}",
        highlight=False,
    )


@app.command("list")
@friendly
def list_months(
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Every month of the period: not begun, in progress, awaiting close or closed (by whom,
    when, under which version), with pending restatements."""
    from revpact.domain.clock.calendar import to_us
    from revpact.services.month_states import CloseState, month_states
    from revpact.services.public.months import MonthStatusPublic

    now = common.now()
    spec = load(agreement)
    moment = parse_as_of(as_of, spec, now)
    states = month_states(store(db), spec, as_of_us=to_us(moment))
    if as_json:
        typer.echo(
            json.dumps([MonthStatusPublic.of(s).model_dump(mode="json") for s in states], indent=1)
        )
        return
    zone = spec.calendar.timezone
    table = Table(
        title=f"Months as of {fmt_time(moment, zone)}",
        title_justify="left",
        caption=f"Times in {zone}",
        box=box.SIMPLE_HEAD,
    )
    for column in ("month", "state", "by", "on", "version", "facts", "restatement"):
        table.add_column(column, overflow="fold")
    for s in states:
        last = s.last
        closed = s.state is CloseState.CLOSED and last is not None
        pending = s.restatement
        note = (
            ""
            if pending is None
            else f"[yellow]{len(pending.changes)} figure{'s' * (len(pending.changes) != 1)}[/]"
        )
        if last is not None and not closed:
            note = f"[dim]reopened: {escape(last.reason or '')}[/]"
        table.add_row(
            f"{s.month:%Y-%m}",
            _shown(s.state),
            escape(last.by) if last is not None and closed else "",
            fmt_time(last.at, zone, style="%Y-%m-%d") if last is not None and closed else "",
            (last.version_hash or "")[:12] if last is not None and closed else "",
            (last.facts_hash or "")[:12] if last is not None and closed else "",
            note,
        )
    console.print(table)


@app.command("restatements")
@friendly
def list_restatements(
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """What data recorded after a month's close would change: each figure, old → new, and the
    rows that caused it. Apply one with `month reopen` and `month close`."""
    from revpact.services.month_states import restatements
    from revpact.services.public.months import RestatementPublic

    now = common.now()
    spec = load(agreement)
    found = restatements(store(db), spec, now=parse_as_of(as_of, spec, now))
    if as_json:
        typer.echo(
            json.dumps([RestatementPublic.of(r).model_dump(mode="json") for r in found], indent=1)
        )
        return
    if not found:
        console.print("No restatements: every closed month matches its data.")
        return
    for item in found:
        console.print(_restatement_table(item, spec.calendar.timezone))


def _restatement_table(item: Restatement, zone: str) -> Table:
    closed = item.closed
    if not item.rows:
        rows = "rows: no row of the month was recorded after the close"
    else:
        rows = "rows: " + ", ".join(f"{r.table} {escape(r.key)}" for r in item.rows)
    table = Table(
        title=f"{item.month:%Y-%m}, closed by {escape(closed.by)} on {fmt_time(closed.at, zone)}",
        title_justify="left",
        caption=f"{rows}\napply: revpact month reopen {item.month:%Y-%m} --by EMAIL --reason "
        f"TEXT, then revpact month close {item.month:%Y-%m} --by EMAIL",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for column in ("figure", "closed", "now"):
        table.add_column(column)
    for change in item.changes:
        table.add_row(escape(change.name), _value(change.old), _value(change.new))
    return table


def close_line(block: Mapping[str, Any] | None, spec: Agreement) -> str:
    """A month's close state in a sentence (Rich markup), from its scoreboard ``close`` block:
    closed by whom and when, in progress, awaiting close or not begun."""
    from revpact.services.month_states import CloseState

    if block is None:
        return ""
    state = CloseState(block["state"])
    match state:
        case CloseState.CLOSED:
            at = datetime.fromisoformat(block["at"])
            line = (
                f"Closed by {escape(block['by'])} on "
                f"{fmt_time(at, spec.calendar.timezone, style='%Y-%m-%d')}"
            )
            changes = len(block["restatements"])
            if changes:
                line += (
                    f" [yellow]— {changes} figure{'s' * (changes != 1)} to restate "
                    "(revpact month restatements)[/]"
                )
            return line
        case CloseState.IN_PROGRESS:
            return "In progress: month to date against pro-rated targets"
        case CloseState.AWAITING_CLOSE:
            return "[yellow]Awaiting close[/]: provisional until closed (revpact month close)"
        case CloseState.OPEN:
            return "Not begun"
        case _:
            assert_never(state)


def _value(value: object) -> str:
    return "—" if value is None else escape(str(value))
