"""``revpact serve`` (the live server) and ``revpact token`` (its API tokens)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from revpact.cli import common
from revpact.cli.common import (
    AgreementOption,
    DbOption,
    JsonOption,
    agreement_path,
    console,
    friendly,
    load,
    store,
)
from revpact.cli.listening import MAX_PORT, check_listening
from revpact.cli.workers import MAX_WORKERS, check_workers, run_workers
from revpact.domain.roles import Role

__all__ = ["register", "token_app"]

token_app = typer.Typer(
    help="API tokens for the server: create (shown once), list, revoke. Only hashes are kept.",
    no_args_is_help=True,
)

SettingsOption = Annotated[
    Path | None,
    typer.Option(
        "--settings",
        help="Settings file (TOML) with webhook secrets and alert destinations "
        "(default: $REVPACT_SETTINGS, else ./revpact.toml when present).",
        show_default=False,
    ),
]

WorkersOption = Annotated[
    int,
    typer.Option(
        "--workers",
        min=1,
        max=MAX_WORKERS,
        help="Server processes sharing the port (more than 1 needs PostgreSQL).",
    ),
]


@friendly
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option("--port", min=1, max=MAX_PORT, help=f"Port to listen on (1-{MAX_PORT})."),
    ] = 8000,
    agreement: AgreementOption = None,
    db: DbOption = None,
    settings: SettingsOption = None,
    workers: WorkersOption = 1,
) -> None:
    """Run the live server: the HTTP API, signed webhooks in, and the alert scheduler."""
    import uvicorn

    from revpact.server.app import create_app
    from revpact.server.settings import load_settings
    from revpact.server.state import ServerState

    load(agreement)  # refuse to start on a missing or invalid agreement
    state = ServerState(
        engine=store(db), agreement_path=agreement_path(agreement), settings=load_settings(settings)
    )
    check_workers(state, workers)
    check_listening(host, port)
    console.print(
        f"revpact serving on http://{host}:{port} (API docs at /docs, schema at /openapi.json)",
        markup=False,
    )
    if workers > 1:
        run_workers(state, host=host, port=port, workers=workers)
        return
    uvicorn.run(create_app(state), host=host, port=port, log_level="info")


ByOption = Annotated[
    str | None,
    typer.Option("--by", metavar="EMAIL", help="Who does it (recorded in the audit trail)."),
]


@token_app.command("create")
@friendly
def token_create(
    name: Annotated[str, typer.Option("--name", help="Who or what uses the token.")],
    role: Annotated[
        Role, typer.Option("--role", help="What the token may do: " + "|".join(Role) + ".")
    ],
    member: Annotated[
        str | None,
        typer.Option("--member", help="The signatory's e-mail the token acts for."),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """Create a token and print it once; store it now, it cannot be shown again."""
    from revpact.services.public.tokens import NewTokenPublic
    from revpact.services.tokens import create_token

    now = common.now()
    new = create_token(store(db), name=name, role=role, member=member, now=now, by=by)
    if as_json:
        typer.echo(json.dumps(NewTokenPublic.of(new).model_dump(mode="json"), indent=1))
        return
    console.print(
        f"token {new.info.token_id} for {new.info.name} ({new.info.role.value}):", markup=False
    )
    typer.echo(new.token)
    console.print("[dim]Shown once: only its hash is stored.[/dim]")


@token_app.command("list")
@friendly
def token_list(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Every token: id, name, role, member and first characters (never the secret)."""
    from revpact.services.public.tokens import TokenPublic
    from revpact.services.tokens import list_tokens

    infos = list_tokens(store(db))
    if as_json:
        typer.echo(json.dumps([TokenPublic.of(t).model_dump(mode="json") for t in infos], indent=1))
        return
    table = Table(
        "id", "name", "role", "member", "starts with", "created", "revoked", box=box.SIMPLE
    )
    for t in infos:
        table.add_row(
            str(t.token_id),
            escape(t.name),  # names and members are the user's text, not markup
            t.role.value,
            escape(t.member or "—"),
            escape(t.prefix) + "…",
            f"{t.created_at:%Y-%m-%d %H:%M} UTC",
            "—" if t.revoked_at is None else f"{t.revoked_at:%Y-%m-%d %H:%M} UTC",
        )
    console.print(table)


@token_app.command("revoke")
@friendly
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (see `revpact token list`).")],
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """Revoke a token: it stops working at once; its record stays for the audit."""
    from revpact.services.tokens import revoke_token

    now = common.now()
    revoke_token(store(db), token_id, now=now, by=by)
    console.print(f"token {token_id} revoked")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(token_app, name="token")
