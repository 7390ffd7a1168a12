"""``revpact report``: the pack for the weekly or monthly sales & marketing meeting."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from revpact.cli import common
from revpact.cli.common import AgreementOption, DbOption, console, friendly, load, store
from revpact.errors import RevpactError

if TYPE_CHECKING:
    from revpact.services.report import MeetingPack

__all__ = ["app"]

FORMATS = ("html", "pdf", "json")

app = typer.Typer(
    help="The meeting pack: results against the goals, what moved, follow-up breaches, "
    "lead-quality feedback, escalation and the agenda, as one HTML or PDF file.",
    no_args_is_help=True,
)

LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang", help="Language: en or pl (default: the agreement's).", show_default=False
    ),
]
FormatOption = Annotated[str, typer.Option("--format", help="html, pdf or json (the pack's data).")]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        help="Write the pack to FILE (default: pack-weekly-YYYY-Www.FORMAT or "
        "pack-monthly-YYYY-MM.FORMAT here).",
        show_default=False,
    ),
]


def _checked(lang: str | None, fmt: str, default_lang: str) -> tuple[str, str]:
    from revpact.render.texts import LANGUAGES

    chosen = (lang or default_lang).strip().lower()
    if chosen not in LANGUAGES:
        raise RevpactError(f'--lang "{lang}" is not offered; choose {" or ".join(LANGUAGES)}')
    wanted = fmt.strip().lower()
    if wanted not in FORMATS:
        raise RevpactError(f'--format "{fmt}" is not offered; choose {", ".join(FORMATS)}')
    return chosen, wanted


def _write(pack: MeetingPack, lang: str, fmt: str, out: Path | None) -> None:
    from revpact.services.public.packs import PackPublic

    data = PackPublic.of(pack).model_dump(mode="json")
    if fmt == "json":
        body = (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    else:
        from revpact.render.pack import render_pack  # loads matplotlib: only when rendering

        body = render_pack(data, lang=lang, fmt=fmt)
    target = out or Path(f"pack-{pack.kind}-{pack.period.label}.{fmt}")
    try:
        target.write_bytes(body)
    except OSError as exc:
        raise RevpactError(f"cannot write {target}: {exc.strerror or exc}") from None
    console.print(f"wrote {escape(str(target))}", highlight=False)


def weekly(
    week: Annotated[
        str | None,
        typer.Option(
            "--week",
            help="The ISO week, e.g. 2020-W27 (default: the last complete week).",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
    fmt: FormatOption = "html",
    out: OutOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """The weekly meeting's pack: the week's results against the goals (month to date), what
    moved since the week before, follow-up breaches by owner, lead-quality feedback, open
    escalation actions and SWAT reports due, and the next weekly meeting's agenda."""
    from revpact.services.report import parse_pack_week, weekly_pack

    now = common.now()
    spec = load(agreement)
    chosen, wanted = _checked(lang, fmt, spec.language)
    monday = None if week is None else parse_pack_week(week)
    pack = weekly_pack(store(db), spec, week=monday, now=now)
    _write(pack, chosen, wanted, out)


def monthly(
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            help="The month, e.g. 2020-06 (default: the last complete month).",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
    fmt: FormatOption = "html",
    out: OutOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """The monthly meeting's pack: the month's results against the goals, what moved since
    the month before, follow-up breaches by owner, lead-quality feedback, open escalation
    actions and SWAT reports due, and the monthly meeting's agenda."""
    from revpact.services.report import monthly_pack, parse_pack_month

    now = common.now()
    spec = load(agreement)
    chosen, wanted = _checked(lang, fmt, spec.language)
    first = None if month is None else parse_pack_month(month)
    pack = monthly_pack(store(db), spec, month=first, now=now)
    _write(pack, chosen, wanted, out)


app.command()(friendly(weekly))
app.command()(friendly(monthly))
