"""``revpact import ...``: data files in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from revpact import services
from revpact.cli.common import AgreementOption, DbOption, console, friendly, load, store

__all__ = ["app"]

app = typer.Typer(help="Import data files (CSV exports).", no_args_is_help=True)


SkipInvalid = Annotated[
    bool,
    typer.Option(
        "--skip-invalid",
        help="Store the good rows; write the rejected ones, with reasons, beside the file "
        "(leads.csv -> leads.rejects.csv).",
    ),
]


def _run(
    label: str,
    file: Path,
    skip_invalid: bool,
    agreement: Path | None,
    db: str | None,
    service: Callable[..., services.ImportReport],
) -> None:
    spec = load(agreement)
    engine = store(db)
    with Progress(
        TextColumn("importing {task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(f"{label} from {file.name}", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = service(engine, spec, file, skip_invalid=skip_invalid, progress=progress)
    console.print(describe(report), highlight=False)


@app.command("leads")
@friendly
def import_leads(
    file: Annotated[
        Path, typer.Argument(help="Canonical lead CSV.", show_default=False, metavar="FILE.csv")
    ],
    skip_invalid: SkipInvalid = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Import leads (lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,
    first_touch_at,owner + any extra columns). Re-importing updates by lead_id."""
    _run("leads", file, skip_invalid, agreement, db, services.import_leads)


@app.command("deals")
@friendly
def import_deals(
    file: Annotated[Path, typer.Argument(help="Deal CSV.", show_default=False, metavar="FILE.csv")],
    skip_invalid: SkipInvalid = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Import deals (deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner;
    outcome open, won or lost). Re-importing updates by deal_id."""
    _run("deals", file, skip_invalid, agreement, db, services.import_deals)


@app.command("revenue")
@friendly
def import_revenue(
    file: Annotated[
        Path, typer.Argument(help="Revenue CSV.", show_default=False, metavar="FILE.csv")
    ],
    skip_invalid: SkipInvalid = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Import recognised revenue per month (month,amount; month as 2020-06). A month without
    a row counts the won deals closed in it."""
    _run("revenue", file, skip_invalid, agreement, db, services.import_revenue)


def describe(report: services.ImportReport) -> str:
    """One line a user can read: what changed, and where the rejects went."""
    text = (
        f"{report.file_name}: {report.rows:,} rows — {report.inserted:,} new, "
        f"{report.updated:,} updated, {report.unchanged:,} unchanged"
    )
    if report.rejected:
        text += f", {report.rejected:,} rejected (see {report.rejects_path})"
    return text
