"""``revpact escalation``: the ladder's action items and the SWAT team's weekly reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from revpact import services
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

__all__ = ["app"]

app = typer.Typer(
    help="Escalation when the shared goals are missed: action items and weekly SWAT reports.",
    no_args_is_help=True,
)


@app.command("status")
@friendly
def status(
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """The escalation level, its action items (recorded as they fall due) and SWAT report weeks."""
    now = common.now()
    spec = load(agreement)
    moment = parse_as_of(as_of, spec, now)
    state = services.escalation_status(store(db), spec, as_of=moment)
    if as_json:
        typer.echo(
            json.dumps(services.EscalationPublic.of(state).model_dump(mode="json"), indent=1)
        )
        return
    since = f" since {state.since:%Y-%m}" if state.since else ""
    level = f"{state.level}-day level{since}" if state.level else "no escalation"
    console.print(f"Escalation as of {moment:%Y-%m-%d}: {level}", highlight=False)
    if state.actions:
        table = Table(title="Action items", title_justify="left", box=box.SIMPLE_HEAD)
        for column in ("month", "level", "#", "action", "owner", "due", "done"):
            table.add_column(column, overflow="fold" if column == "action" else "ellipsis")
        zone = spec.calendar.timezone
        for a in state.actions:
            done = fmt_time(a.done_at, zone, style="%Y-%m-%d") if a.done else "[yellow]open[/]"
            table.add_row(
                f"{a.month:%Y-%m}",
                str(a.level),
                str(a.seq),
                escape(a.text),
                a.owner.value,
                a.due.isoformat(),
                done,
            )
        console.print(table)
    if state.weeks:
        table = Table(title="SWAT weekly reports", title_justify="left", box=box.SIMPLE_HEAD)
        table.add_column("week")
        table.add_column("report")
        for w in state.weeks:
            shown = (
                f"[green]filed {fmt_time(w.filed_at, spec.calendar.timezone)}[/]"
                if w.filed
                else "[red]missing[/]"
                if w.due
                else "not yet due"
            )
            table.add_row(w.week, shown)
        console.print(table)


@app.command("done")
@friendly
def done(
    month: Annotated[str, typer.Argument(help="The month the level was entered, e.g. 2020-02.")],
    level: Annotated[int, typer.Argument(help="The level's days, e.g. 60.")],
    seq: Annotated[int, typer.Argument(help="The action's number within the level (from 1).")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="When it was done (ISO 8601). Default: now."),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Who marks it done (an e-mail; optional).", show_default=False),
    ] = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Mark an action item done."""
    now = common.now()
    spec = load(agreement)
    item = services.complete_action(
        store(db),
        month,
        level,
        seq,
        at=parse_as_of(as_of, spec, now),
        by=by,
        now=now,
        agreement=spec,
    )
    console.print(f"done: {escape(item.text)}", highlight=False)


@app.command("report")
@friendly
def report(
    week: Annotated[str, typer.Option("--week", help="The ISO week reported on, e.g. 2020-W27.")],
    file: Annotated[Path, typer.Option("--file", help="The report, a UTF-8 markdown file.")],
    by: Annotated[str | None, typer.Option("--by", help="Who files it (optional).")] = None,
    as_of: AsOfOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """File the SWAT team's weekly report for a week one is due (filing again supersedes the
    earlier filing, which is kept)."""
    now = common.now()
    spec = load(agreement)
    moment = parse_as_of(as_of, spec, now)
    filed = services.file_swat_report(
        store(db), spec, week=week, path=file, as_of=moment, filed_by=by, now=now
    )
    verb = "filed again (the earlier filing is kept)" if filed.replaced else "filed"
    console.print(
        f"{verb} the report for {filed.week} ({escape(filed.file_name)})", highlight=False
    )
