"""``revpact audit``: every write revpact recorded — who, what, the time it claims, when it was
recorded, late entries, approvals, month closes and restatements."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from revpact.cli.common import (
    AgreementOption,
    DbOption,
    JsonOption,
    console,
    fmt_time,
    friendly,
    load,
    read_option_moment,
    store,
)

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("audit")(audit)


@friendly
def audit(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only writes recorded from this ISO 8601 moment on (no offset = the "
            "calendar's zone).",
            show_default=False,
        ),
    ] = None,
    action: Annotated[
        str | None,
        typer.Option(
            "--action",
            help="Only actions starting with this, e.g. lead. or month.close.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Every write, in the order it was recorded (append-only: nothing here can be changed)."""
    from revpact.services.audit import audit_trail
    from revpact.services.public.audit import AuditEntryPublic

    spec = load(agreement)
    start = None if since is None else read_option_moment(since, spec)
    entries = audit_trail(store(db), since=start, action=action)
    if as_json:
        shown = [AuditEntryPublic.of(e).model_dump(mode="json") for e in entries]
        typer.echo(json.dumps(shown, indent=2))
        return
    zone = spec.calendar.timezone
    table = Table(
        title=f"Audit trail ({len(entries)} write{'s' * (len(entries) != 1)})",
        caption=f"Times in {zone}; * a late entry (recorded long after the time it claims)",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("recorded", no_wrap=True)
    table.add_column("who")
    table.add_column("what", no_wrap=True)
    table.add_column("subject", overflow="fold")
    table.add_column("claimed", no_wrap=True)
    for entry in entries:
        claimed = fmt_time(entry.claimed_at, zone)
        table.add_row(
            str(entry.number),
            fmt_time(entry.recorded_at, zone),
            escape(entry.actor or f"({entry.via})"),
            escape(entry.action),
            escape(entry.subject),
            f"{claimed} *" if entry.late else claimed,
        )
    console.print(table)
