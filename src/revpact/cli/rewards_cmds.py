"""``revpact rewards``: the months that earned the pool, their splits, and the annual reward."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from revpact import services
from revpact.cli import common
from revpact.cli.common import (
    AgreementOption,
    AsOfOption,
    DbOption,
    JsonOption,
    console,
    fmt_time,
    friendly,
    load,
    parse_as_of,
    store,
)
from revpact.errors import RevpactError

__all__ = ["app", "parse_shares"]

app = typer.Typer(
    help="Rewards when the goals are met: the monthly pool's split and the annual reward.",
    no_args_is_help=True,
)


def parse_shares(values: list[str]) -> dict[str, Decimal]:
    """``NAME=AMOUNT`` options as recipient -> Decimal share."""
    shares: dict[str, Decimal] = {}
    for value in values:
        name, sep, amount = value.rpartition("=")
        try:
            if not sep or not name.strip():
                raise InvalidOperation
            share = Decimal(amount.strip())
        except InvalidOperation:
            raise RevpactError(
                f'--share "{value}" is not NAME=AMOUNT; write e.g. anna@x.example=2500'
            ) from None
        if name.strip() in shares:
            raise RevpactError(f'--share "{value}": {name.strip()} has a share already')
        shares[name.strip()] = share
    return shares


@app.command("status")
@friendly
def status(
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """The finished months that earned the pool, how each was split, and the annual reward."""
    now = common.now()
    spec = load(agreement)
    state = services.reward_status(store(db), spec, as_of=parse_as_of(as_of, spec, now))
    if as_json:
        typer.echo(
            json.dumps(services.RewardStatusPublic.of(state).model_dump(mode="json"), indent=1)
        )
        return
    zone = spec.calendar.timezone
    if state.months:
        table = Table(title="Monthly pool", title_justify="left", box=box.SIMPLE_HEAD)
        for column in ("month", "pool", "split", "by"):
            table.add_column(column, overflow="fold")
        for m in state.months:
            split = (
                escape(", ".join(f"{who} {amount}" for who, amount in m.split.items()))
                if m.split
                else "[yellow]not yet split[/]"
            )
            by = "" if m.allocated_by is None else escape(m.allocated_by)
            if len(m.history) > 1:
                last = m.history[-1]
                split += (
                    f"\n[dim]correction {last.number - 1} on "
                    f"{fmt_time(last.allocated_at, zone, style='%Y-%m-%d')}: "
                    f"{escape(last.reason or '')}[/]"
                )
            table.add_row(f"{m.month:%Y-%m}", str(m.pool), split, by)
        console.print(table)
    else:
        console.print("No month has earned the monthly pool yet.")
    if state.annual_text:
        earned = {None: "not decided yet", True: "earned", False: "not earned"}
        console.print(
            f"Annual reward: {escape(state.annual_text)} — {earned[state.annual_earned]}",
            highlight=False,
        )


ShareOption = Annotated[
    list[str],
    typer.Option("--share", help="NAME=AMOUNT, once per recipient; must add up to the pool."),
]
MonthOption = Annotated[str, typer.Option("--month", help="The month that earned the pool.")]
LeaderOption = Annotated[
    str,
    typer.Option(
        "--by",
        help="The team leader recording it: a signatory with leader: true (e-mail).",
        show_default=False,
    ),
]


@app.command("allocate")
@friendly
def allocate(
    month: MonthOption,
    share: ShareOption,
    by: LeaderOption,
    as_of: AsOfOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Record the team leaders' split of a month's pool (once; change it with `rewards
    correct`)."""
    now = common.now()
    spec = load(agreement)
    shares = parse_shares(share)
    reward = services.allocate_reward(
        store(db),
        spec,
        month=month,
        shares=shares,
        as_of=parse_as_of(as_of, spec, now),
        by=by,
        now=now,
    )
    console.print(
        f"{reward.month:%Y-%m}: split {reward.pool} among {len(shares)}, recorded by "
        f"{escape(reward.allocated_by or '')}",
        highlight=False,
    )


@app.command("correct")
@friendly
def correct(
    month: MonthOption,
    share: ShareOption,
    by: LeaderOption,
    reason: Annotated[
        str, typer.Option("--reason", help="Why the split changes.", show_default=False)
    ],
    as_of: AsOfOption = None,
    agreement: AgreementOption = None,
    db: DbOption = None,
) -> None:
    """Correct a month's recorded split: a new split with who, when and why; the earlier one
    stays on record."""
    from revpact.services.accountability import correct_reward

    now = common.now()
    spec = load(agreement)
    shares = parse_shares(share)
    reward = correct_reward(
        store(db),
        spec,
        month=month,
        shares=shares,
        as_of=parse_as_of(as_of, spec, now),
        by=by,
        reason=reason,
        now=now,
    )
    console.print(
        f"{reward.month:%Y-%m}: split corrected ({len(reward.history)} splits on record), "
        f"now {reward.pool} among {len(shares)}",
        highlight=False,
    )
