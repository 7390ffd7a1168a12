"""``revpact meetings``: the agreement's meeting rhythm — the schedule (and its calendar file),
records of meetings held, the next meeting's agenda, and how often each meeting was held."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    owner_names,
    parse_as_of,
    read_option_moment,
    store,
)
from revpact.domain.clock.durations import format_duration
from revpact.errors import RevpactError

if TYPE_CHECKING:
    from revpact.domain.agreement.model import Agreement

__all__ = ["app"]

app = typer.Typer(
    help="The meeting rhythm: the schedule and its calendar file, meetings held, the next "
    "agenda, and whether each meeting was held as often as agreed.",
    no_args_is_help=True,
)

KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="weekly, monthly or a meeting id (default: every meeting).",
        show_default=False,
    ),
]
OneKindOption = Annotated[str, typer.Option("--kind", help="weekly, monthly or a meeting id.")]


def _moment(value: str, spec: Agreement, option: str) -> datetime:
    """An ISO 8601 moment; without an offset it is read in the calendar's zone."""
    return read_option_moment(value, spec, option, example="2020-03-09T09:30")


# --- schedule -----------------------------------------------------------------------------------


@app.command("schedule")
@friendly
def schedule(
    ics: Annotated[
        Path | None,
        typer.Option("--ics", help="Write the series to this iCalendar (.ics) file instead."),
    ] = None,
    kind: KindOption = None,
    count: Annotated[
        int, typer.Option("--count", min=1, help="How many upcoming occurrences to list.")
    ] = 10,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """The upcoming meetings (occurrences on closed days are skipped), or the whole series as
    an iCalendar file that calendar programs import."""
    from revpact.services import meetings as service
    from revpact.services.public import meetings as pub

    now = common.now()
    spec = load(agreement)
    moment = parse_as_of(as_of, spec, now)
    engine = store(db)
    if ics is not None:
        data = service.schedule_ics(engine, spec, as_of=moment, now=now, kind=kind)
        try:
            ics.write_bytes(data)
        except OSError as exc:
            raise RevpactError(f"cannot write {ics}: {exc.strerror or exc}") from None
        console.print(f"wrote {ics}", highlight=False, markup=False)
        return
    found = service.schedule(engine, spec, as_of=moment, kind=kind, count=count)
    if as_json:
        typer.echo(json.dumps(pub.SchedulePublic.of(found).model_dump(mode="json"), indent=1))
        return
    upcoming = found.upcoming(count)
    for m in found.meetings:
        if m.rrule is None:
            console.print(
                f"[yellow]{escape(m.meeting.id)} has no weekday: or time: in the agreement; "
                "it is not scheduled[/]",
                highlight=False,
            )
    if not upcoming:
        console.print(
            f"No meetings after {fmt_time(moment, found.timezone)} in the agreement's period "
            f"({found.period[0]} .. {found.period[1]}).",
            highlight=False,
        )
        return
    skipped = any(o.closed for _, o in upcoming)
    table = Table(
        title=f"Upcoming meetings ({found.timezone}; {found.version})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        caption="skipped: the day is closed; the meeting is not moved" if skipped else None,
        caption_justify="left",
    )
    for column in ("when", "meeting", "length", "who", "note"):
        table.add_column(column, no_wrap=column != "note")
    for m, o in upcoming:
        who = f"{m.meeting.attendees.value} ({len(m.attendees)})"
        note = "[yellow]skipped[/]" if o.closed else ""
        table.add_row(
            fmt_time(o.start, found.timezone, style="%a %Y-%m-%d %H:%M"),
            m.meeting.id,
            format_duration(m.meeting.duration),
            who,
            note,
        )
    console.print(table)


# --- record and list ----------------------------------------------------------------------------


@app.command("record")
@friendly
def record(
    kind: OneKindOption,
    held_at: Annotated[
        str,
        typer.Option("--held-at", help="When it was held (ISO 8601; no offset = calendar zone)."),
    ],
    attendees: Annotated[
        str,
        typer.Option("--attendees", help="Who attended: signatories' e-mails, comma-separated."),
    ],
    notes: Annotated[
        Path,
        typer.Option(
            "--notes", help="The notes, a markdown file with the parts the meeting needs."
        ),
    ],
    length: Annotated[
        int,
        typer.Option(
            "--minutes",
            min=1,
            max=24 * 60,
            help="How long it lasted, in minutes (it counts when it lasted the agreed length).",
            show_default=False,
        ),
    ],
    by: Annotated[
        str | None, typer.Option("--by", help="Who records it (a signatory's e-mail).")
    ] = None,
    corrects: Annotated[
        int | None,
        typer.Option("--corrects", help="The id of the record this one corrects (supersedes)."),
    ] = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Record a meeting that was held. Records are never changed: a correction is a new record
    (--corrects ID)."""
    from revpact.services import meetings as service

    now = common.now()
    spec = load(agreement)
    saved = service.record_meeting(
        store(db),
        spec,
        kind=kind,
        held_at=_moment(held_at, spec, "--held-at"),
        attendees=attendees.split(","),
        notes=notes,
        duration=length * 60,
        by=by,
        supersedes=corrects,
        now=now,
    )
    what = f" (corrects record {saved.supersedes})" if saved.supersedes else ""
    console.print(
        f"recorded {saved.meeting_id} held {fmt_time(saved.held_at, spec.calendar.timezone)} "
        f"as record {saved.id}{what}: {length} min, {len(saved.attendees)} attendees, "
        f"{len(saved.minutes)} parts",
        highlight=False,
    )
    if saved.not_counted:
        console.print(
            f"[yellow]it does not count as held: {escape('; '.join(saved.not_counted))}[/]",
            highlight=False,
        )


@app.command("list")
@friendly
def list_held(
    kind: KindOption = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Include records that a correction superseded.")
    ] = False,
    as_json: JsonOption = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """The meetings held, as recorded, oldest first."""
    from revpact.services import meetings as service
    from revpact.services.public import meetings as pub

    spec = load(agreement)
    found = service.list_records(store(db), kind=kind, current_only=not show_all)
    if as_json:
        typer.echo(json.dumps(pub.MeetingRecordsPublic.of(found).model_dump(mode="json"), indent=1))
        return
    if not found:
        console.print("No meetings recorded yet; `revpact meetings record` records one.")
        return
    zone = spec.calendar.timezone
    names, domain = owner_names([r.recorded_by for r in found])
    caption = f"e-mails @{domain}" if domain else None
    table = Table(
        title=f"Meetings held ({zone})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        caption=caption,
        caption_justify="left",
    )
    for column in ("id", "meeting", "held", "length", "people", "recorded by", "note"):
        table.add_column(column, no_wrap=column in {"id", "held", "note"})
    for r in found:
        note = (
            f"[yellow]superseded by {r.superseded_by}[/]"
            if r.superseded_by
            else (f"corrects {r.supersedes}" if r.supersedes else "")
        )
        table.add_row(
            str(r.id),
            r.meeting_id,
            fmt_time(r.held_at, zone),
            "—" if r.duration is None else format_duration(r.duration),
            str(len(r.attendees)),
            escape(names[r.recorded_by]),
            note,
        )
    console.print(table)


@app.command("notes")
@friendly
def notes(
    kind: OneKindOption,
    agreement: AgreementOption = None,
) -> None:
    """Print an empty notes file with the headings a meeting's record needs."""
    from revpact.domain.agreement.model import Cadence
    from revpact.domain.meetings import notes_template, the_meeting

    spec = load(agreement)
    is_cadence = kind in {c.value for c in Cadence}
    cadence = Cadence(kind) if is_cadence else the_meeting(spec.meetings, kind).cadence
    typer.echo(notes_template(cadence, spec.language), nl=False)


# --- compliance ---------------------------------------------------------------------------------


@app.command("compliance")
@friendly
def compliance(
    kind: KindOption = None,
    from_first_record: Annotated[
        bool,
        typer.Option(
            "--from-first-record",
            help="Count from each meeting's first record instead of the period's start.",
        ),
    ] = False,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Whether each meeting was held as agreed: the ISO weeks (weekly) or months (monthly) it
    was due and missed."""
    from revpact.domain.agreement.model import Cadence
    from revpact.domain.meetings import UnitState
    from revpact.services import meetings as service
    from revpact.services.public import meetings as pub

    now = common.now()
    spec = load(agreement)
    moment = parse_as_of(as_of, spec, now)
    report = service.compliance_report(
        store(db), spec, as_of=moment, kind=kind, from_first_record=from_first_record
    )
    if as_json:
        typer.echo(
            json.dumps(pub.ComplianceReportPublic.of(report).model_dump(mode="json"), indent=1)
        )
        return
    table = Table(
        title=f"Meeting rhythm as of {fmt_time(moment, report.timezone)} ({report.version})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for column in ("meeting", "counted", "due", "held", "missed", "excused", "rate"):
        table.add_column(column, no_wrap=True, justify="left" if column == "meeting" else "right")
    for c in report.meetings:
        unit = "weeks" if c.cadence is Cadence.WEEKLY else "months"
        table.add_row(
            c.meeting_id,
            f"{c.since:%m-%d}..{c.until:%m-%d}",
            f"{c.due} {unit}",
            str(len(c.held)),
            f"[red]{len(c.missed)}[/]" if c.missed else "[green]0[/]",
            str(len(c.excused)),
            "—" if c.rate is None else f"{c.rate:.0%}",
        )
    console.print(table)
    for c in report.meetings:
        for label, units in (("missed", c.missed), ("excused (closed day)", c.excused)):
            if units:
                console.print(f"{c.meeting_id} {label}: {', '.join(units)}", highlight=False)
        for u in c.units:
            if u.not_counted and u.state is not UnitState.HELD:
                console.print(
                    f"  {u.unit} not counted — {escape('; '.join(u.not_counted))}",
                    highlight=False,
                )
        if c.pending:
            console.print(
                f"{c.meeting_id} not held yet in {', '.join(c.pending)} (not over)",
                highlight=False,
            )


# --- agenda -------------------------------------------------------------------------------------


@app.command("agenda")
@friendly
def agenda(
    kind: OneKindOption,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """The next meeting's agenda, with last week's (month's) results, missed follow-ups by
    owner, open feedback and escalation actions, or the coming month's targets and plans."""
    from revpact.cli.agenda_view import print_agenda
    from revpact.services import meetings as service
    from revpact.services.public import meetings as pub

    now = common.now()
    spec = load(agreement)
    moment = parse_as_of(as_of, spec, now)
    found = service.next_agenda(store(db), spec, kind=kind, as_of=moment)
    if as_json:
        typer.echo(json.dumps(pub.AgendaPublic.of(found).model_dump(mode="json"), indent=1))
        return
    print_agenda(found, spec.currency)
