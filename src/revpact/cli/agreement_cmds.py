"""``revpact init`` and ``revpact validate``: the agreement file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.markup import escape

from revpact.cli.common import agreement_path, console, err_console, friendly
from revpact.domain.clock.durations import format_duration
from revpact.errors import RevpactError

__all__ = ["agreement_app", "register"]

agreement_app = typer.Typer(
    no_args_is_help=True,
    help="The living agreement: publish versions, see what changed and who signed, render it.",
)

PathArgument = Annotated[
    Path | None,
    typer.Argument(
        help="The agreement file (default: $REVPACT_AGREEMENT, else ./revpact.yaml).",
        show_default=False,
    ),
]


def init(
    path: PathArgument = None,
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the agreement's text: en or pl.")
    ] = "en",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write Company A's agreement (the article's sample SLA) as a starting point."""
    from revpact.services.agreement_source import company_a_template

    if lang not in ("en", "pl"):
        raise RevpactError(f'--lang "{lang}" is not offered; choose en or pl')
    language: Literal["en", "pl"] = "pl" if lang == "pl" else "en"
    target = agreement_path(path)
    if target.exists() and not force:
        raise RevpactError(f"{target} already exists; pass --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(company_a_template(language), encoding="utf-8")
    console.print(
        f"wrote {escape(str(target))} (Company A's agreement, {language}); check it with "
        f"`revpact validate {escape(str(target))}`",
        highlight=False,
    )


def validate(path: PathArgument = None) -> None:
    """Check the agreement file; every problem names its field and line."""
    from revpact.services.agreement_source import (
        parse_agreement,
        read_agreement_text,
        validation_problems,
    )

    target = agreement_path(path)
    text = read_agreement_text(target)
    problems = validation_problems(text, str(target))
    if problems:
        err_console.print(
            f"{escape(str(target))} is not valid "
            f"({len(problems)} problem{'s' if len(problems) != 1 else ''}):",
            highlight=False,
        )
        for problem in problems:
            err_console.print(f"  {problem}", highlight=False, markup=False)
        raise typer.Exit(1)
    agreement = parse_agreement(text, str(target))
    console.print(
        f"{escape(str(target))} is valid: {escape(agreement.company)}, {agreement.period.start} to "
        f"{agreement.period.end}, {len(agreement.signatories)} signatories, "
        f"follow-up within {format_duration(agreement.sales.follow_up.within)} of business time",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command()(friendly(init))
    app.command()(friendly(validate))
