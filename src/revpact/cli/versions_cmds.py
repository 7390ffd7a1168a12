"""``revpact agreement publish|diff|status|versions`` and ``revpact sign``: the living document.

A version is published from the agreement file and signed by every member of the roster; the
version in force is the newest one everyone has signed (see docs/living-agreement.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from revpact.cli import common
from revpact.cli.common import (
    AsOfOption,
    DbOption,
    JsonOption,
    agreement_path,
    console,
    fmt_time,
    friendly,
    parse_as_of,
    store,
)
from revpact.errors import RevpactError

if TYPE_CHECKING:
    from revpact.domain.agreement.model import Agreement
    from revpact.domain.versions import Change

__all__ = ["register"]

AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="When it happened, if not now (ISO 8601; no offset = the calendar's zone). It may "
        "not be before the newest publication or signature already recorded.",
        show_default=False,
    ),
]


def _zone(agreement: Agreement) -> str:
    return agreement.calendar.timezone


def _when(us: int | None, zone: str) -> str:
    from revpact.domain.clock.calendar import from_us

    return "—" if us is None else fmt_time(from_us(us), zone)


def change_table(changes: list[Change], title: str) -> Table:
    """The changes, section by section, as a manager reads them (text from the file is printed
    as it is: Rich markup in it is escaped, so ``[a, b]`` is shown, not eaten)."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("section")
    table.add_column("what changed", overflow="fold")
    last = None
    for change in changes:
        table.add_row("" if change.section == last else escape(change.section), escape(str(change)))
        last = change.section
    return table


def publish(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="The agreement file (default: $REVPACT_AGREEMENT, else ./revpact.yaml).",
            show_default=False,
        ),
    ] = None,
    at: AtOption = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who publishes it (an e-mail).", show_default=False)
    ] = None,
    db: DbOption = None,
) -> None:
    """Store the agreement file as a new version (identified by the SHA-256 of its content) and
    open it for signing."""
    from revpact.services import agreement_versions as av
    from revpact.services.agreement_source import parse_agreement

    target = agreement_path(path)
    try:
        source = target.read_text(encoding="utf-8")
    except OSError as exc:
        raise RevpactError(f"{target}: cannot be read ({exc.strerror})") from None
    agreement = parse_agreement(source, str(target))
    now = common.now()
    moment = parse_as_of(at, agreement, now)
    result = av.publish(store(db), agreement, source, at=moment, now=now, by=by)
    version = result.version
    if not result.created:
        console.print(
            f"{escape(str(target))} is {version.label} already: nothing changed, nothing published",
            highlight=False,
        )
        return
    console.print(
        f"published {escape(str(target))} as [bold]{version.label}[/] on "
        f"{_when(version.published_us, _zone(agreement))}; sha256 {version.hash}",
        highlight=False,
    )
    if result.previous is not None:
        count = len(result.changes)
        console.print(
            change_table(
                result.changes,
                f"{count} change{'s' if count != 1 else ''} from {result.previous.label}",
            )
        )
    console.print(
        f"Signing is open: {len(agreement.signatories)} signatories; each signs with "
        f"`revpact sign --as EMAIL`. Until all have, the previous fully signed version stays "
        "in force.",
        highlight=False,
    )


def diff(
    old: Annotated[str, typer.Argument(help="A version: v1, 1, latest, or a hash (prefix).")],
    new: Annotated[str, typer.Argument(help="The version to compare it with.")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """What changed between two published versions, section by section."""
    from revpact.services import agreement_versions as av
    from revpact.services.public.agreement import ChangePublic

    before, after, changes = av.changes_between(store(db), old, new)
    if as_json:
        payload = {
            "from": {"number": before.number, "hash": before.hash},
            "to": {"number": after.number, "hash": after.hash},
            "changes": [ChangePublic.of(c).model_dump(mode="json") for c in changes],
        }
        typer.echo(json.dumps(payload, indent=1, ensure_ascii=False))
        return
    if not changes:
        console.print(f"{before.label} and {after.label} are the same", highlight=False)
        return
    console.print(change_table(changes, f"From {before.label} to {after.label}"))


def status(
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Which version is in force, who has signed the latest one and who has not yet."""
    from revpact.services import agreement_versions as av
    from revpact.services.public.agreement import AgreementStatusPublic

    engine = store(db)
    found = av.versions(engine)
    if not found:
        raise RevpactError(
            "no version has been published yet; publish the agreement file with "
            "`revpact agreement publish`"
        )
    spec = found[-1].agreement
    moment = parse_as_of(as_of, spec, common.now())
    state = av.status(engine, now=moment)
    zone = _zone(spec)
    if as_json:
        payload = AgreementStatusPublic.of(state, zone).model_dump(mode="json")
        typer.echo(json.dumps(payload, indent=1, ensure_ascii=False))
        return
    if state.in_force is None:
        console.print("[yellow]No version is in force yet[/]: not everyone has signed.")
    else:
        since = next(s.in_force_from_us for s in state.versions if s.version == state.in_force)
        console.print(
            f"In force: [bold]{state.in_force.label}[/] since {_when(since, zone)}",
            highlight=False,
        )
    latest = state.latest
    assert latest is not None
    required = [s for s in state.signers if s.required]
    signed = [s for s in required if s.signed_us is not None]
    title = (
        f"{latest.label}, published {_when(latest.published_us, zone)}: "
        f"{len(signed)} of {len(required)} required signatures"
    )
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("name", "team", "role", "signed"):
        table.add_column(column)
    for s in state.signers:
        shown = (
            f"[green]{_when(s.signed_us, zone)}[/]"
            if s.signed_us is not None
            else ("[red]not yet[/]" if s.required else "not required")
        )
        table.add_row(
            escape(s.signatory.name), s.signatory.team.value, escape(s.signatory.role), shown
        )
    console.print(table)
    if state.pending and state.changes_since_in_force:
        console.print(
            change_table(
                state.changes_since_in_force,
                f"What signing {latest.label} changes"
                + (f" from {state.in_force.label}" if state.in_force else ""),
            )
        )
    console.print(f"Times in {zone}.", highlight=False)


def versions(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Every published version, oldest first, with when it was in force."""
    from revpact.services import agreement_versions as av
    from revpact.services.public.agreement import AgreementStatusPublic

    engine = store(db)
    found = av.versions(engine)
    if not found:
        raise RevpactError("no version has been published yet")
    state = av.status(engine, now=common.now())
    zone = _zone(found[-1].agreement)
    if as_json:
        payload = AgreementStatusPublic.of(state, zone).model_dump(mode="json")
        typer.echo(json.dumps(payload["versions"], indent=1))
        return
    table = Table(title="Versions", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("version", "sha256", "published", "fully signed", "in force"):
        table.add_column(column)
    for s in state.versions:
        if s.in_force_from_us is None:
            span = "never" if s.fully_signed_us is not None or s.version != found[-1] else "not yet"
        else:
            span = f"{_when(s.in_force_from_us, zone)} → " + (
                _when(s.in_force_until_us, zone) if s.in_force_until_us else "now"
            )
        table.add_row(
            f"v{s.version.number}",
            s.version.hash[:12],
            _when(s.version.published_us, zone),
            _when(s.fully_signed_us, zone),
            span,
        )
    console.print(table)


def sign(
    email: Annotated[str, typer.Option("--as", help="Your e-mail, as the roster lists it.")],
    version: Annotated[
        str | None,
        typer.Option(
            "--version", help="The version you sign (default: the latest).", show_default=False
        ),
    ] = None,
    at: AtOption = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Sign without asking (after showing the changes).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Sign the latest version of the agreement as yourself; its changes are shown first."""
    from revpact.services import agreement_versions as av

    engine = store(db)
    now = common.now()
    state = av.status(engine, now=now)
    latest = state.latest
    if latest is None:
        raise RevpactError("no version has been published yet; nothing to sign")
    zone = _zone(latest.agreement)
    if version is not None and av.resolve_version(av.versions(engine), version) != latest:
        # Refused before anything is shown: the service says why (an old version).
        av.sign(engine, email, version=version, at=now, now=now, via="cli")
    if state.changes_since_in_force:
        base = state.in_force.label if state.in_force else "the previous version"
        console.print(change_table(state.changes_since_in_force, f"Changes from {base}"))
    elif state.in_force is None and len(state.versions) == 1:
        console.print(f"{latest.label} is the first version of the agreement.", highlight=False)
    if not yes and not typer.confirm(f"Sign {latest.label} as {email}?"):
        raise typer.Exit(1)
    moment = parse_as_of(at, latest.agreement, now)
    result = av.sign(engine, email, version=version, at=moment, now=now, via="cli")
    console.print(
        f"{escape(result.signatory.name)} signed {result.version.label} on "
        f"{_when(result.signed_us, zone)} (bound to sha256 {result.version.hash})",
        highlight=False,
    )
    if result.in_force:
        console.print(
            f"[green]Everyone has signed: {result.version.label} is in force.[/]", highlight=False
        )


def register(agreement_app: typer.Typer, app: typer.Typer) -> None:
    agreement_app.command()(friendly(publish))
    agreement_app.command()(friendly(diff))
    agreement_app.command()(friendly(status))
    agreement_app.command()(friendly(versions))
    app.command()(friendly(sign))
