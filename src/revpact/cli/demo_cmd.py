"""``revpact demo``: Company A's year, generated, imported and measured."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from revpact.cli.common import friendly

__all__ = ["register"]


def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help="Where to write the demo's files.")
    ] = Path("demo"),
    lang: Annotated[str, typer.Option("--lang", help="Agreement text language: en or pl.")] = "en",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generated data.")] = 2020,
) -> None:
    """Build Company A's 2020 (agreement, leads, touches, deals, revenue) into DIR and print
    the follow-up and month-by-month scoreboards."""
    from revpact.cli.demo_steps import build

    build(directory, lang, seed)


def register(app: typer.Typer) -> None:
    app.command()(friendly(demo))
