"""The ``revpact`` command line: a thin layer over :mod:`revpact.services`.

Each noun has its own module; this one assembles them. Every command turns a
:class:`~revpact.errors.RevpactError` into a plain message and exit status 1
(:func:`revpact.cli.common.friendly`); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import typer

from revpact.cli import (
    agreement_cmds,
    audit_cmds,
    common,
    demo_cmd,
    dispute_cmds,
    escalation_cmds,
    feedback_cmds,
    import_cmds,
    leads_cmds,
    meetings_cmds,
    month_cmds,
    render_cmd,
    report_cmds,
    rewards_cmds,
    server_cmds,
    versions_cmds,
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


@app.callback()
def _each_command() -> None:
    common.size_consoles()


agreement_cmds.register(app)
versions_cmds.register(agreement_cmds.agreement_app, app)
render_cmd.register(agreement_cmds.agreement_app)
app.add_typer(agreement_cmds.agreement_app, name="agreement")
app.add_typer(import_cmds.app, name="import")
leads_cmds.register(app)
demo_cmd.register(app)
app.add_typer(escalation_cmds.app, name="escalation")
app.add_typer(rewards_cmds.app, name="rewards")
server_cmds.register(app)
app.add_typer(feedback_cmds.app, name="feedback")
app.add_typer(meetings_cmds.app, name="meetings")
app.add_typer(dispute_cmds.app, name="dispute")
app.add_typer(report_cmds.app, name="report")
app.add_typer(month_cmds.app, name="month")
audit_cmds.register(app)


def main() -> None:
    """Console entry point."""
    app()
