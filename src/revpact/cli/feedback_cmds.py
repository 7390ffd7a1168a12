"""``revpact feedback``: feedback one team gives the other, due within the agreement's window."""

from __future__ import annotations

import json
from datetime import datetime
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
    FeedbackStateChoice,
    JsonOption,
    TeamChoice,
    TopicChoice,
    console,
    fmt_time,
    friendly,
    load,
    parse_as_of,
    read_option_moment,
    short_time_style,
    store,
)

if TYPE_CHECKING:
    from revpact.domain.agreement.model import Agreement
    from revpact.services.feedback import FeedbackState, FeedbackView

__all__ = ["AtOption", "app", "parse_at"]

app = typer.Typer(
    help="Feedback between the teams: raise it, answer it within the agreement's window "
    "(24h for Company A), and see what is open, overdue, answered on time or late.",
    no_args_is_help=True,
)

AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="When it happened (ISO 8601; no offset = the calendar's zone). Default: now.",
        show_default=False,
    ),
]
EventAtOption = Annotated[
    str | None,
    typer.Option(
        "--event-at",
        help="When the event the feedback is about happened (ISO 8601; no offset = the "
        "calendar's zone); the item is due within the agreement's window after it. Default: the "
        "moment it is raised (--at).",
        show_default=False,
    ),
]
ByOption = Annotated[
    str | None,
    typer.Option("--by", help="Who, e.g. a signatory's e-mail (optional).", show_default=False),
]


def parse_at(
    value: str | None, agreement: Agreement, now: datetime, option: str = "--at"
) -> datetime:
    """``--at`` (or ``option``): the moment typed (no offset = the calendar's zone), else
    ``now``."""
    return now if value is None else read_option_moment(value, agreement, option)


def _state(state: FeedbackState) -> str:
    from revpact.services.feedback import FeedbackState

    style = {
        FeedbackState.OPEN: "yellow",
        FeedbackState.OVERDUE: "bold red",
        FeedbackState.ON_TIME: "green",
        FeedbackState.LATE: "red",
    }
    return f"[{style[state]}]{state.value}[/]"


def _print_item(view: FeedbackView, zone: str, verb: str) -> None:
    console.print(
        f"{verb} feedback {view.id} ({view.from_team} → {view.to_team}, {view.topic}) about "
        f"{fmt_time(view.event_at, zone, style='%Y-%m-%d %H:%M %Z')}: "
        f"due {fmt_time(view.due_at, zone, style='%Y-%m-%d %H:%M %Z')} ({view.clock} clock), "
        f"{_state(view.state)}",
        highlight=False,
    )


@app.command("add")
@friendly
def add(
    text: Annotated[str, typer.Argument(help="The feedback.")],
    from_team: Annotated[
        TeamChoice, typer.Option("--from", help="The team giving the feedback.", show_default=False)
    ],
    topic: Annotated[
        TopicChoice, typer.Option("--topic", help="What it is about.", show_default=False)
    ],
    to_team: Annotated[
        TeamChoice | None,
        typer.Option(
            "--to", help="The team it is for (default: the other team).", show_default=False
        ),
    ] = None,
    by: ByOption = None,
    at: AtOption = None,
    event_at: EventAtOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Raise feedback for the other team about an event; it is due within the agreement's
    window after the event (--event-at, default: now)."""
    from revpact.domain.agreement.model import FeedbackTopic, Side
    from revpact.services.feedback import add_feedback

    now = common.now()
    spec = load(agreement)
    giver = Side(from_team)
    target = (
        Side(to_team) if to_team else (Side.SALES if giver is Side.MARKETING else Side.MARKETING)
    )
    raised = parse_at(at, spec, now)
    view = add_feedback(
        store(db),
        spec,
        from_team=giver.value,
        to_team=target.value,
        topic=FeedbackTopic(topic).value,
        text=text,
        by=by,
        at=raised,
        event_at=None if event_at is None else parse_at(event_at, spec, now, "--event-at"),
        now=now,
    )
    _print_item(view, spec.calendar.timezone, "raised")


@app.command("answer")
@friendly
def answer(
    feedback_id: Annotated[int, typer.Argument(help="The feedback item's id.")],
    text: Annotated[str, typer.Argument(help="The answer.")],
    by: ByOption = None,
    at: AtOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Answer a feedback item (once: the answer is a record)."""
    from revpact.services.feedback import answer_feedback

    now = common.now()
    spec = load(agreement)
    view = answer_feedback(
        store(db),
        feedback_id,
        text=text,
        by=by,
        at=parse_at(at, spec, now),
        now=now,
        agreement=spec,
    )
    _print_item(view, spec.calendar.timezone, "answered")


@app.command("list")
@friendly
def list_(
    state: Annotated[
        list[FeedbackStateChoice] | None,
        typer.Option("--state", help="Only items in this state (repeatable).", show_default=False),
    ] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Feedback raised by --as-of, oldest first, with its due time and state."""
    from revpact.services.feedback import FeedbackState, list_feedback
    from revpact.services.public.feedback import FeedbackListPublic

    now = common.now()
    spec = load(agreement)
    moment = parse_as_of(as_of, spec, now)
    views = list_feedback(
        store(db), as_of=moment, states=[FeedbackState(s) for s in state] if state else None
    )
    if as_json:
        payload = FeedbackListPublic.of(moment, views).model_dump(mode="json")
        typer.echo(json.dumps(payload, indent=1, ensure_ascii=False))
        return
    zone = spec.calendar.timezone
    table = Table(
        title=f"Feedback as of {fmt_time(moment, zone, style='%Y-%m-%d %H:%M %Z')} ({zone})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    moments = [m for v in views for m in (v.event_at, v.raised_at, v.due_at, v.answered_at)]
    style = short_time_style(moments, moment, zone)
    table.add_column("id", justify="right")
    table.add_column("event → due\nraised", no_wrap=True)
    table.add_column("state", no_wrap=True)
    table.add_column("feedback", overflow="fold")
    for v in views:
        answered = f"\n{fmt_time(v.answered_at, zone, style=style)}" if v.answered_at else ""
        event, raised, due = (
            fmt_time(t, zone, style=style) for t in (v.event_at, v.raised_at, v.due_at)
        )
        table.add_row(
            str(v.id),
            f"{event}\n→ {due}\n[dim]raised {raised}[/]",
            _state(v.state) + answered,
            f"[dim]{v.from_team} → {v.to_team}, {v.topic}[/]\n{escape(v.text)}",
        )
    console.print(table)
    if not views:
        console.print("no feedback", highlight=False)


@app.command("show")
@friendly
def show(
    feedback_id: Annotated[int, typer.Argument(help="The feedback item's id.")],
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """One feedback item: what was raised, when it is due, under which version, the answer."""
    from revpact.services.agreement_versions import versions
    from revpact.services.feedback import get_feedback
    from revpact.services.public.feedback import FeedbackPublic

    now = common.now()
    spec = load(agreement)
    engine = store(db)
    view = get_feedback(engine, feedback_id, as_of=parse_as_of(as_of, spec, now))
    if as_json:
        typer.echo(
            json.dumps(
                FeedbackPublic.of(view).model_dump(mode="json"), indent=1, ensure_ascii=False
            )
        )
        return
    zone = spec.calendar.timezone
    style = "%Y-%m-%d %H:%M %Z"
    labels = {v.hash: v.label for v in versions(engine)}
    version = "the agreement file (no version in force)"
    if view.version is not None:
        version = labels.get(view.version, view.version[:12])
    lines = [
        f"feedback {view.id}: {view.from_team} → {view.to_team}, {view.topic}",
        f"  {escape(view.text)}",
        f"event    {fmt_time(view.event_at, zone, style=style)} (what it is about happened)",
        f"raised   {fmt_time(view.raised_at, zone, style=style)}"
        + (f" by {escape(view.raised_by)}" if view.raised_by else ""),
        f"due      {fmt_time(view.due_at, zone, style=style)} ({view.clock} clock from the "
        f"event, {escape(version)})",
        f"state    {_state(view.state)}",
    ]
    if view.answer is not None:
        lines.append(
            f"answered {fmt_time(view.answered_at, zone, style=style)}"
            + (f" by {escape(view.answered_by)}" if view.answered_by else "")
        )
        lines.append(f"  {escape(view.answer)}")
    console.print("\n".join(lines), highlight=False)
