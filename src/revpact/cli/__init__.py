"""The ``revpact`` command line: a thin layer over :mod:`revpact.services`.

Each noun has its own module; this one assembles them. Every command turns a
:class:`~revpact.errors.RevpactError` into a plain message and exit status 1
(:func:`revpact.cli.common.friendly`); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import typer

from revpact.cli import (
    agreement_cmds,
    demo_cmd,
    escalation_cmds,
    import_cmds,
    leads_cmds,
    rewards_cmds,
    server_cmds,
)

__all__ = ["app", "main"]

app = typer.Typer(
    name="revpact",
    help="The sales & marketing SLA, as software: write the agreement, import what happened, "
    "see who kept it.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
agreement_cmds.register(app)
app.add_typer(import_cmds.app, name="import")
leads_cmds.register(app)
demo_cmd.register(app)
app.add_typer(escalation_cmds.app, name="escalation")
app.add_typer(rewards_cmds.app, name="rewards")
server_cmds.register(app)


def main() -> None:
    """Console entry point."""
    app()
