"""``revpact dispute``: conflicts taken to the panel (or the sole arbiter), heard and decided."""

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
    fmt_seconds,
    fmt_time,
    friendly,
    load,
    store,
)
from revpact.cli.feedback_cmds import AtOption, parse_at
from revpact.domain.agreement import Side
from revpact.domain.calendar import from_us
from revpact.domain.disputes import DisputeStage
from revpact.services.disputes import (
    Dispute,
    decide,
    dispute_to_json,
    get_dispute,
    list_disputes,
    name_representative,
    open_dispute,
    record_presentation,
)

__all__ = ["app"]

app = typer.Typer(
    help="Disputes between the teams: each side's representative presents (time-boxed), then "
    "the panel — or the sole arbiter — decides; decisions bind and are never edited.",
    no_args_is_help=True,
)

IdArgument = Annotated[int, typer.Argument(help="The dispute's id.")]
TeamOption = Annotated[
    Side, typer.Option("--team", help="The team (marketing or sales).", show_default=False)
]
STYLE = "%Y-%m-%d %H:%M %Z"
STAGE_STYLE = {
    DisputeStage.AWAITING_REPRESENTATIVES: "yellow",
    DisputeStage.AWAITING_PRESENTATIONS: "yellow",
    DisputeStage.AWAITING_DECISION: "bold yellow",
    DisputeStage.DECIDED: "green",
}


def _stage(dispute: Dispute) -> str:
    stage = dispute.stage
    return f"[{STAGE_STYLE[stage]}]{stage.value.replace('_', ' ')}[/]"


def _when(us: int, zone: str) -> str:
    return fmt_time(from_us(us), zone, style=STYLE)


@app.command("open")
@friendly
def open_(
    topic: Annotated[str, typer.Argument(help="What the teams cannot agree on.")],
    raised_by: Annotated[
        str, typer.Option("--raised-by", help="Who takes it to the panel (e-mail).")
    ],
    at: AtOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Open a dispute; the deciders and the time-box are the agreement's in force now."""
    spec = load(agreement)
    dispute = open_dispute(store(db), spec, topic=topic, raised_by=raised_by, at=parse_at(at, spec))
    who = ", ".join(dispute.terms.deciders) or "nobody yet (the agreement names no members)"
    console.print(
        f"opened dispute {dispute.id}: {escape(dispute.topic)}\ndecided by the "
        f"{dispute.terms.mode.replace('_', ' ')}: {who}; each side presents for "
        f"{fmt_seconds(dispute.terms.presentation_seconds)}",
        highlight=False,
    )


@app.command("represent")
@friendly
def represent(
    dispute_id: IdArgument,
    team: TeamOption,
    member: Annotated[
        str, typer.Option("--member", help="The representative: a signatory of the team (e-mail).")
    ],
    at: AtOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Name a team's representative (once per team)."""
    spec = load(agreement)
    dispute = name_representative(
        store(db), spec, dispute_id, team=team.value, member=member, at=parse_at(at, spec)
    )
    named = dispute.representative(team)
    assert named is not None
    console.print(
        f"{team.value} is represented by {named.member} in dispute {dispute.id}", highlight=False
    )


@app.command("present")
@friendly
def present(
    dispute_id: IdArgument,
    team: TeamOption,
    minutes: Annotated[int, typer.Option("--minutes", help="How long the presentation took.")],
    at: AtOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Record a team's presentation and its length (an overrun of the time-box is flagged)."""
    spec = load(agreement)
    dispute = record_presentation(
        store(db), dispute_id, team=team.value, minutes=minutes, at=parse_at(at, spec)
    )
    given = dispute.presentation(team)
    assert given is not None
    box_s = dispute.terms.presentation_seconds
    over = given.over_by(box_s)
    flag = (
        f"[bold red]over the {fmt_seconds(box_s)} time-box by {fmt_seconds(over)}[/]"
        if over
        else f"within the {fmt_seconds(box_s)} time-box"
    )
    console.print(
        f"{team.value} ({given.presenter}) presented for {fmt_seconds(given.seconds)}: {flag}",
        highlight=False,
    )


@app.command("decide")
@friendly
def decide_(
    dispute_id: IdArgument,
    decision: Annotated[str, typer.Option("--decision", help="The decision, in full.")],
    by: Annotated[str, typer.Option("--by", help="The decider recording it (e-mail).")],
    supersedes: Annotated[
        int | None,
        typer.Option(
            "--supersedes",
            help="The id of the current decision this one replaces (needed after the first).",
            show_default=False,
        ),
    ] = None,
    at: AtOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Record the binding decision (deciders only; both sides must have presented)."""
    spec = load(agreement)
    dispute = decide(
        store(db),
        spec,
        dispute_id,
        decision=decision,
        by=by,
        supersedes=supersedes,
        at=parse_at(at, spec),
    )
    current = dispute.current
    assert current is not None
    replaced = f", superseding decision {current.supersedes}" if current.supersedes else ""
    binding = "binding" if dispute.terms.binding else "not binding"
    console.print(
        f"decision {current.id} of dispute {dispute.id} ({binding}){replaced}", highlight=False
    )


@app.command("list")
@friendly
def list_(
    as_json: JsonOption = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Every dispute, oldest first, with its stage and current decision."""
    spec = load(agreement)
    found = list_disputes(store(db))
    if as_json:
        payload = {"disputes": [dispute_to_json(d) for d in found]}
        typer.echo(json.dumps(payload, indent=1, ensure_ascii=False))
        return
    zone = spec.calendar.timezone
    table = Table(title=f"Disputes ({zone})", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("id", "opened", "topic", "raised by", "stage", "decision"):
        table.add_column(column, overflow="fold" if column in {"topic", "decision"} else "ellipsis")
    for d in found:
        current = d.current
        table.add_row(
            str(d.id),
            fmt_time(from_us(d.opened_us), zone),
            escape(d.topic),
            escape(d.raised_by),
            _stage(d),
            "—" if current is None else f"#{current.id}: {escape(current.text)}",
        )
    console.print(table)
    if not found:
        console.print("no disputes", highlight=False)


@app.command("show")
@friendly
def show(
    dispute_id: IdArgument,
    as_json: JsonOption = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """One dispute: its terms, representatives, presentations and the chain of decisions."""
    spec = load(agreement)
    d = get_dispute(store(db), dispute_id)
    if as_json:
        typer.echo(json.dumps(dispute_to_json(d), indent=1, ensure_ascii=False))
        return
    zone = spec.calendar.timezone
    box_s = d.terms.presentation_seconds
    deciders = ", ".join(d.terms.deciders) or (
        "none named when opened: the members of the agreement in force when it is decided "
        "(add conflict_resolution.members)"
    )
    version = "the agreement file" if d.version_hash is None else f"version {d.version_hash[:12]}"
    console.print(
        f"dispute {d.id}: {escape(d.topic)}\n"
        f"opened    {_when(d.opened_us, zone)} by {d.raised_by} ({version})\n"
        f"stage     {_stage(d)}\n"
        f"deciders  {d.terms.mode.replace('_', ' ')}: {deciders}\n"
        f"time-box  {fmt_seconds(box_s)} per side; decisions "
        f"{'bind both teams' if d.terms.binding else 'do not bind'}",
        highlight=False,
    )
    hearing = Table(title="Hearing", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("team", "representative", "named", "presented", "length", "time-box"):
        hearing.add_column(column)
    for side in Side:
        rep = d.representative(side)
        talk = d.presentation(side)
        over = 0 if talk is None else talk.over_by(box_s)
        hearing.add_row(
            side.value,
            "—" if rep is None else rep.member,
            "—" if rep is None else _when(rep.named_us, zone),
            "—" if talk is None else _when(talk.recorded_us, zone),
            "—" if talk is None else fmt_seconds(talk.seconds),
            "—" if talk is None else f"[bold red]over by {fmt_seconds(over)}[/]" if over else "ok",
        )
    console.print(hearing)
    if d.decisions:
        chain = Table(title="Decisions", title_justify="left", box=box.SIMPLE_HEAD)
        chain.add_column("#", justify="right")
        chain.add_column("decided", no_wrap=True)
        chain.add_column("decision", overflow="fold")
        current = d.current
        for decision in d.decisions:
            later = d.superseded_by(decision.id)
            status = (
                "[green]current[/]"
                if current is not None and decision.id == current.id
                else f"superseded by #{later.id}"
                if later
                else ""
            )
            replaces = "" if decision.supersedes is None else f", supersedes #{decision.supersedes}"
            chain.add_row(
                str(decision.id),
                f"{_when(decision.decided_us, zone)}\n{status}",
                f"[dim]by {escape(decision.decided_by)}{replaces}[/]\n{escape(decision.text)}",
            )
        console.print(chain)
