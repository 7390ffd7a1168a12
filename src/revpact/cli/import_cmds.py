"""``revpact import ...``: data files in."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.text import Text

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


class SourceFormat(StrEnum):
    CANONICAL = "canonical"
    HUBSPOT = "hubspot"
    SALESFORCE = "salesforce"


class Encoding(StrEnum):
    AUTO = "auto"
    UTF_8 = "utf-8"
    CP1250 = "cp1250"
    CP1252 = "cp1252"


ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Who imports (an e-mail): recorded on every row written and in the audit trail.",
        show_default=False,
        metavar="EMAIL",
    ),
]
FormatOption = Annotated[
    SourceFormat,
    typer.Option(
        "--format",
        help="What wrote the file: canonical (revpact's own columns), or a HubSpot or "
        "Salesforce export read through its default mapping (see docs/exports.md).",
        case_sensitive=False,
    ),
]
MappingOption = Annotated[
    Path | None,
    typer.Option(
        "--mapping",
        help="A YAML mapping file that changes the format's columns, value maps and defaults "
        "(see docs/exports.md).",
        show_default=False,
        metavar="FILE.yaml",
    ),
]
EncodingOption = Annotated[
    Encoding,
    typer.Option(
        "--encoding",
        help="The file's encoding; auto reads UTF-8 (with or without BOM) and tells "
        "Windows-1250 from Windows-1252 exports.",
        case_sensitive=False,
    ),
]


def _run(
    label: str,
    file: Path,
    skip_invalid: bool,
    agreement: Path | None,
    db: str | None,
    service: Callable[..., services.ImportReport],
    **options: Any,
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
        # The description is read as markup: a file name is shown as it is.
        task = bar.add_task(f"{label} from {escape(file.name)}", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = service(
            engine, spec, file, skip_invalid=skip_invalid, progress=progress, **options
        )
    console.print(Text(describe(report)), highlight=False)  # file text is not markup


@app.command("leads")
@friendly
def import_leads(
    file: Annotated[
        Path,
        typer.Argument(
            help="Lead CSV: canonical, or a HubSpot contact / Salesforce lead export.",
            show_default=False,
            metavar="FILE.csv",
        ),
    ],
    skip_invalid: SkipInvalid = False,
    source_format: FormatOption = SourceFormat.CANONICAL,
    mapping: MappingOption = None,
    encoding: EncodingOption = Encoding.AUTO,
    by: ByOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Import leads (lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,
    first_touch_at,owner + any extra columns), or a CRM export with --format.
    Re-importing updates by lead_id."""
    _run(
        "leads",
        file,
        skip_invalid,
        agreement,
        db,
        services.import_leads,
        by=by,
        **_export_options(source_format, mapping, encoding),
    )


@app.command("deals")
@friendly
def import_deals(
    file: Annotated[
        Path,
        typer.Argument(
            help="Deal CSV: canonical, or a HubSpot deal / Salesforce opportunity export.",
            show_default=False,
            metavar="FILE.csv",
        ),
    ],
    skip_invalid: SkipInvalid = False,
    source_format: FormatOption = SourceFormat.CANONICAL,
    mapping: MappingOption = None,
    encoding: EncodingOption = Encoding.AUTO,
    by: ByOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Import deals (deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner;
    outcome open, won or lost), or a CRM export with --format. Re-importing updates by
    deal_id."""
    _run(
        "deals",
        file,
        skip_invalid,
        agreement,
        db,
        services.import_deals,
        by=by,
        **_export_options(source_format, mapping, encoding),
    )


def _export_options(
    source_format: SourceFormat, mapping: Path | None, encoding: Encoding
) -> dict[str, Any]:
    return {"source_format": source_format.value, "mapping": mapping, "encoding": encoding.value}


@app.command("revenue")
@friendly
def import_revenue(
    file: Annotated[
        Path, typer.Argument(help="Revenue CSV.", show_default=False, metavar="FILE.csv")
    ],
    skip_invalid: SkipInvalid = False,
    by: ByOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Import recognised revenue per month (month,amount; month as 2020-06). A month without
    a row follows the agreement's company_goals.revenue_source (by default the won deals closed
    in it, marked as a fallback)."""
    _run("revenue", file, skip_invalid, agreement, db, services.import_revenue, by=by)


def describe(report: services.ImportReport) -> str:
    """One line a user can read: what changed, and where the rejects went."""
    text = (
        f"{report.file_name}: {report.rows:,} rows — {report.inserted:,} new, "
        f"{report.updated:,} updated, {report.unchanged:,} unchanged"
    )
    if report.rejected:
        text += f", {report.rejected:,} rejected (see {report.rejects_path})"
    if report.pending_applied:
        text += f"; {report.pending_applied:,} waiting webhook events applied"
    if report.late_touches:
        text += (
            f"; {report.late_touches:,} changed first touch{'es' * (report.late_touches != 1)} "
            "recorded late (see revpact leads --status breached; revpact leads approve)"
        )
    if report.touched_before_notified:
        n = report.touched_before_notified
        text += f"\n{n:,} lead{'s' * (n != 1)} first touched before the notification (kept):"
        text += "".join(f"\n  {line}" for line in report.touched_before_notified_shown)
        if n > len(report.touched_before_notified_shown):
            text += f"\n  and {n - len(report.touched_before_notified_shown):,} more"
    return text
