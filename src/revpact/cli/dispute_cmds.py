"""``revpact dispute``: conflicts taken to the panel (or the sole arbiter), heard and decided."""

from __future__ import annotations

import json
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
    TeamChoice,
    console,
    fmt_seconds,
    fmt_time,
    friendly,
    load,
    parse_as_of,
    store,
)
from revpact.cli.feedback_cmds import AtOption, parse_at

if TYPE_CHECKING:
    from revpact.services.disputes import Dispute

__all__ = ["app"]

app = typer.Typer(
    help="Disputes between the teams: each side's representative presents (time-boxed), then "
    "the whole panel — or the sole arbiter — decides; decisions bind and are never edited, and "
    "a decision is superseded only after a new hearing.",
    no_args_is_help=True,
)

IdArgument = Annotated[int, typer.Argument(help="The dispute's id.")]
TeamOption = Annotated[
    TeamChoice, typer.Option("--team", help="The team (marketing or sales).", show_default=False)
]
STYLE = "%Y-%m-%d %H:%M %Z"


def _stage(dispute: Dispute) -> str:
    from revpact.domain.disputes import DisputeStage

    style = {
        DisputeStage.AWAITING_REPRESENTATIVES: "yellow",
        DisputeStage.AWAITING_PRESENTATIONS: "yellow",
        DisputeStage.AWAITING_DECISION: "bold yellow",
        DisputeStage.DECIDED: "green",
        DisputeStage.REHEARD: "bold yellow",
    }
    stage = dispute.stage
    return f"[{style[stage]}]{stage.value.replace('_', ' ')}[/]"


def _when(us: int, zone: str) -> str:
    from revpact.domain.clock.calendar import from_us

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
    from revpact.services.disputes import open_dispute

    now = common.now()
    spec = load(agreement)
    dispute = open_dispute(
        store(db),
        spec,
        topic=topic,
        raised_by=raised_by,
        at=parse_at(at, spec, now),
        now=now,
    )
    who = escape(", ".join(dispute.terms.deciders)) or "nobody yet (the agreement names no members)"
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
    from revpact.domain.agreement.model import Side
    from revpact.services.disputes import name_representative

    now = common.now()
    spec = load(agreement)
    dispute = name_representative(
        store(db),
        spec,
        dispute_id,
        team=team.value,
        member=member,
        at=parse_at(at, spec, now),
        now=now,
    )
    named = dispute.representative(Side(team))
    assert named is not None
    console.print(
        f"{team.value} is represented by {escape(named.member)} in dispute {dispute.id}",
        highlight=False,
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
    from revpact.domain.agreement.model import Side
    from revpact.services.disputes import record_presentation

    now = common.now()
    spec = load(agreement)
    dispute = record_presentation(
        store(db),
        dispute_id,
        team=team.value,
        minutes=minutes,
        at=parse_at(at, spec, now),
        now=now,
        agreement=spec,
    )
    given = dispute.presentation(Side(team))
    assert given is not None
    box_s = dispute.terms.presentation_seconds
    over = given.over_by(box_s)
    flag = (
        f"[bold red]over the {fmt_seconds(box_s)} time-box by {fmt_seconds(over)}[/]"
        if over
        else f"within the {fmt_seconds(box_s)} time-box"
    )
    console.print(
        f"{team.value} ({escape(given.presenter)}) presented for "
        f"{fmt_seconds(given.seconds)}: {flag}",
        highlight=False,
    )


@app.command("rehear")
@friendly
def rehear_(
    dispute_id: IdArgument,
    reason: Annotated[
        str, typer.Option("--reason", help="Why the dispute is heard again.", show_default=False)
    ],
    attendee: Annotated[
        list[str],
        typer.Option(
            "--attendee", help="Who attended the new hearing (e-mail; repeat).", show_default=False
        ),
    ],
    by: Annotated[
        str | None,
        typer.Option("--by", help="Who records it (e-mail; optional).", show_default=False),
    ] = None,
    at: AtOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Record a new hearing of a decided dispute (when, who attended, why): the only way to a
    decision that supersedes the current one."""
    from revpact.services.disputes import rehear

    now = common.now()
    spec = load(agreement)
    dispute = rehear(
        store(db),
        dispute_id,
        attendees=attendee,
        reason=reason,
        at=parse_at(at, spec, now),
        by=by,
        now=now,
        agreement=spec,
    )
    hearing = dispute.hearings[-1]
    current = dispute.current
    assert current is not None
    console.print(
        f"dispute {dispute.id} heard again on "
        f"{_when(hearing.held_us, spec.calendar.timezone)} with "
        f"{escape(', '.join(hearing.attendees))}; the panel now decides again (revpact "
        f"dispute decide {dispute.id} --supersedes {current.id} --by EACH-DECIDER)",
        highlight=False,
    )


@app.command("decide")
@friendly
def decide_(
    dispute_id: IdArgument,
    decision: Annotated[str, typer.Option("--decision", help="The decision, in full.")],
    by: Annotated[
        list[str],
        typer.Option(
            "--by",
            help="Each decider who made it (e-mail; repeat): every panel member, or the sole "
            "arbiter. The first is recorded as who entered it.",
        ),
    ],
    supersedes: Annotated[
        int | None,
        typer.Option(
            "--supersedes",
            help="The id of the current decision this one replaces (after a new hearing).",
            show_default=False,
        ),
    ] = None,
    at: AtOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Record the panel's binding decision (all deciders; both sides must have presented)."""
    from revpact.services.disputes import decide

    now = common.now()
    spec = load(agreement)
    dispute = decide(
        store(db),
        spec,
        dispute_id,
        decision=decision,
        by=by,
        supersedes=supersedes,
        at=parse_at(at, spec, now),
        now=now,
    )
    current = dispute.current
    assert current is not None
    replaced = f", superseding decision {current.supersedes}" if current.supersedes else ""
    binding = "binding" if dispute.terms.binding else "not binding"
    console.print(
        f"decision {current.id} of dispute {dispute.id} ({binding}){replaced}, made by "
        f"{escape(', '.join(current.made_by))}",
        highlight=False,
    )


@app.command("list")
@friendly
def list_(
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Every dispute opened by --as-of, oldest first, with its stage and current decision."""
    from revpact.domain.clock.calendar import from_us
    from revpact.services.disputes import list_disputes
    from revpact.services.public.disputes import DisputeListPublic

    now = common.now()
    spec = load(agreement)
    found = list_disputes(store(db), as_of=parse_as_of(as_of, spec, now))
    if as_json:
        payload = DisputeListPublic.of(found).model_dump(mode="json")
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
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """One dispute as of --as-of: its terms, representatives, presentations, new hearings and
    the chain of decisions."""
    from revpact.domain.agreement.model import Side
    from revpact.services.disputes import get_dispute
    from revpact.services.public.disputes import DisputePublic

    now = common.now()
    spec = load(agreement)
    d = get_dispute(store(db), dispute_id, as_of=parse_as_of(as_of, spec, now))
    if as_json:
        typer.echo(
            json.dumps(DisputePublic.of(d).model_dump(mode="json"), indent=1, ensure_ascii=False)
        )
        return
    zone = spec.calendar.timezone
    box_s = d.terms.presentation_seconds
    deciders = escape(", ".join(d.terms.deciders)) or (
        "none named when opened: the members of the agreement in force when it is decided "
        "(add conflict_resolution.members)"
    )
    version = "the agreement file" if d.version_hash is None else f"version {d.version_hash[:12]}"
    console.print(
        f"dispute {d.id}: {escape(d.topic)}\n"
        f"opened    {_when(d.opened_us, zone)} by {escape(d.raised_by)} ({version})\n"
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
            "—" if rep is None else escape(rep.member),
            "—" if rep is None else _when(rep.named_us, zone),
            "—" if talk is None else _when(talk.recorded_us, zone),
            "—" if talk is None else fmt_seconds(talk.seconds),
            "—" if talk is None else f"[bold red]over by {fmt_seconds(over)}[/]" if over else "ok",
        )
    console.print(hearing)
    for h in d.hearings:
        console.print(
            f"heard again {_when(h.held_us, zone)} with {escape(', '.join(h.attendees))}: "
            f"{escape(h.reason)}",
            highlight=False,
        )
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
            alone = "" if decision.deciders else " alone (recorded before panels were checked)"
            made = escape(", ".join(decision.made_by)) + alone
            chain.add_row(
                str(decision.id),
                f"{_when(decision.decided_us, zone)}\n{status}",
                f"[dim]by {made}{replaces}[/]\n{escape(decision.text)}",
            )
        console.print(chain)
