"""``revpact agreement render``: the agreement as the document people sign, print and hang up.

Without ``--version`` the latest published version is rendered, with its signatures; while
nothing has been published, the agreement file is (its signature page says it is not a
published version). ``--draft`` renders the file even when versions exist, to read a change
before publishing it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from revpact.cli.common import (
    AgreementOption,
    DbOption,
    agreement_path,
    console,
    err_console,
    friendly,
    load,
    store,
)
from revpact.errors import RevpactError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from revpact.domain.versions import VersionRecord
    from revpact.render import SignaturePage

__all__ = ["register", "render"]


def _choice(option: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise RevpactError(f'{option} "{value}" is not offered; choose {", ".join(choices)}')
    return value


def _store_with_versions(db: str | None) -> Engine | None:
    """The store, or None when it is a SQLite file that does not exist yet (nothing is
    published there, and rendering should not create it)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from revpact.services.database import resolve_database_url

    url = resolve_database_url(db)
    try:
        parsed = make_url(url)
    except ArgumentError:
        return store(db)  # let the store report the bad URL
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or not Path(database).exists():
            return None
    return store(db)


def _note_unpublished_changes(explicit: Path | None, version: VersionRecord) -> None:
    """Say so when the agreement file is not the version being rendered."""
    from revpact.domain.versions import version_hash

    path = agreement_path(explicit)
    if not path.exists():
        return
    try:
        current = load(explicit)
    except RevpactError:
        return
    if version_hash(current) != version.hash:
        err_console.print(
            f"note: rendering {version.label}, the latest published version; {path} has changes "
            "that are not published (render them with --draft)",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


def _published(
    db: str | None, version: str | None, agreement: Path | None
) -> tuple[VersionRecord | None, SignaturePage | None]:
    """The version to render and its signature page: the one ``version`` names, else the
    latest; (None, None) while nothing is published."""
    from revpact.services.agreement_versions import resolve_version, versions
    from revpact.services.signature_pages import signature_page

    engine = _store_with_versions(db)
    if engine is None:
        if version is not None:
            resolve_version([], version)  # raises: nothing is published
        return None, None
    try:
        found = versions(engine)
        if version is not None:
            record = resolve_version(found, version)
        elif found:
            record = found[-1]
            _note_unpublished_changes(agreement, record)
        else:
            return None, None
        return record, signature_page(engine, record)
    finally:
        engine.dispose()


def _default_out(fmt: str, version: VersionRecord | None) -> Path | None:
    if fmt != "pdf":
        return None  # standard output
    return Path(f"agreement-v{version.number}.pdf" if version else "agreement-draft.pdf")


def render(
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Language of the document: en or pl (default: the agreement's language).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="html (printable, self-contained), pdf or md.")
    ] = "html",
    version: Annotated[
        str | None,
        typer.Option(
            "--version",
            help="A published version: v2 (or 2), latest, or the start of its hash "
            "(default: the latest published version, else the agreement file).",
            show_default=False,
        ),
    ] = None,
    draft: Annotated[
        bool,
        typer.Option("--draft", help="Render the agreement file even when versions are published."),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write the document to FILE ('-' for standard output). Default: standard "
            "output for html and md; agreement-vN.pdf (agreement-draft.pdf for the file) for pdf.",
            show_default=False,
        ),
    ] = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Render the agreement as the document to sign and hang up: HTML, PDF or Markdown."""
    from revpact.domain.agreement.model import Agreement
    from revpact.render import FORMATS, LANGUAGES, render_agreement

    _choice("--format", fmt, FORMATS)
    if lang is not None:
        _choice("--lang", lang, LANGUAGES)
    if draft and version is not None:
        raise RevpactError(
            "use --draft (the agreement file) or --version (a published one), not both"
        )
    record, page = (None, None) if draft else _published(db, version, agreement)
    spec: Agreement = record.agreement if record is not None else load(agreement)
    data = render_agreement(spec, lang=lang or spec.language, fmt=fmt, signatures=page)
    target = out if out is not None else _default_out(fmt, record)
    if target is None or str(target) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError as exc:
        raise RevpactError(f"{target}: cannot be written ({exc.strerror})") from None
    what = record.label if record is not None else "the agreement file (not published)"
    console.print(
        f"wrote {target}: {what}, {lang or spec.language}, {fmt}", highlight=False, markup=False
    )


def register(agreement_app: typer.Typer) -> None:
    """Add ``render`` to the ``revpact agreement`` commands."""
    agreement_app.command("render")(friendly(render))
