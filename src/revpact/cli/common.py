"""What every command shares: where the agreement and the database are, time, output.

Time: one :data:`clock` for the invocation, read through :func:`now`; a command reads it once
and passes the moment down. A moment the user types (``--as-of``, ``--at``, ...) is read by
:func:`read_option_moment` (the one reader, :func:`revpact.domain.clock.moments.read_moment`:
without an offset it is the calendar's wall-clock time).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.text import Text

from revpact.domain.clock.durations import format_duration
from revpact.domain.clock.moments import read_moment
from revpact.errors import MomentError, RevpactError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from revpact.domain.agreement.model import Agreement
    from revpact.services.clock import Clock

__all__ = [
    "AgreementOption",
    "AsOfOption",
    "DbOption",
    "FeedbackStateChoice",
    "JsonOption",
    "TeamChoice",
    "TopicChoice",
    "clock",
    "console",
    "err_console",
    "fmt_seconds",
    "fmt_time",
    "friendly",
    "load",
    "now",
    "owner_names",
    "parse_as_of",
    "read_option_moment",
    "short_time_style",
    "store",
]

P = ParamSpec("P")
R = TypeVar("R")

console = Console()
err_console = Console(stderr=True)


def size_consoles() -> None:
    """Size the output to the terminal (or ``COLUMNS``) as it is when a command starts: a
    console made at import keeps the width it saw then, which in one process running several
    commands (tests, an embedding program) is the first command's."""
    console.size = Console().size
    err_console.size = Console(stderr=True).size


DEFAULT_AGREEMENT = "revpact.yaml"

AgreementOption = Annotated[
    Path | None,
    typer.Option(
        "--agreement",
        "-a",
        help="The agreement file (default: $REVPACT_AGREEMENT, else ./revpact.yaml).",
        show_default=False,
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: $REVPACT_DATABASE_URL, else sqlite:///revpact.db).",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Evaluate as of this ISO 8601 moment (no offset = the calendar's zone). Default: now.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


# The choices of the domain's Side, FeedbackTopic and FeedbackState, as option types: help lists
# them without loading the agreement's model (tests/cli/test_cli_imports.py holds them equal).
class TeamChoice(StrEnum):
    MARKETING = "marketing"
    SALES = "sales"


class TopicChoice(StrEnum):
    LEAD_QUALITY = "lead_quality"
    FOLLOW_UP = "follow_up"
    SALES_TOOLS = "sales_tools"
    PROCESS = "process"
    OTHER = "other"


class FeedbackStateChoice(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    ON_TIME = "on_time"
    LATE = "late"


def agreement_path(explicit: Path | None) -> Path:
    if explicit is not None:
        return explicit
    return Path(os.environ.get("REVPACT_AGREEMENT") or DEFAULT_AGREEMENT)


def load(explicit: Path | None) -> Agreement:
    """The agreement named by ``--agreement``, ``$REVPACT_AGREEMENT`` or ``./revpact.yaml``."""
    path = agreement_path(explicit)
    if not path.exists():
        raise RevpactError(
            f"no agreement at {path}; write one with `revpact init`, or point to it with "
            "--agreement PATH or REVPACT_AGREEMENT"
        )
    from revpact.services.agreement_source import load_agreement

    return load_agreement(path)


def store(explicit: str | None) -> Engine:
    from revpact.services.database import open_database, resolve_database_url

    return open_database(resolve_database_url(explicit))


clock: Clock | None = None
"""The invocation's clock: ``None`` is the system's (tests may swap in a
:class:`~revpact.services.clock.FixedClock`)."""


def now() -> datetime:
    """The current moment, from the invocation's :data:`clock`: the one place the CLI asks."""
    if clock is not None:
        return clock.now()
    from revpact.services.clock import SYSTEM_CLOCK

    return SYSTEM_CLOCK.now()


def read_option_moment(
    value: str,
    agreement: Agreement,
    option: str = "--as-of",
    example: str = "2020-06-30T17:00-04:00",
) -> datetime:
    """The moment typed for ``option`` (ISO 8601; without an offset the calendar's wall-clock
    time), or a :class:`RevpactError` naming the option, the value and ``example``."""
    try:
        return read_moment(value, agreement.calendar.timezone, field=option)
    except MomentError:
        raise RevpactError(
            f'{option} "{value}" is not an ISO 8601 moment; write e.g. {example}'
        ) from None


def parse_as_of(value: str | None, agreement: Agreement, now: datetime) -> datetime:
    """``--as-of``: the moment typed (see :func:`read_option_moment`), else ``now``."""
    return now if value is None else read_option_moment(value, agreement)


def fmt_time(moment: datetime | None, zone: str, *, style: str = "%Y-%m-%d %H:%M") -> str:
    """A moment in the calendar's zone, for tables (the caption or title names the zone)."""
    if moment is None:
        return "—"
    return moment.astimezone(ZoneInfo(zone)).strftime(style)


def short_time_style(moments: list[datetime | None], as_of: datetime, zone: str) -> str:
    """The shortest unambiguous style given the title's ``as_of``: the time alone when every
    moment falls on that local day, month-day and time within its year, else the full date."""
    tz = ZoneInfo(zone)
    local = as_of.astimezone(tz)
    days = {m.astimezone(tz).date() for m in moments if m is not None}
    if days <= {local.date()}:
        return "%H:%M"
    if all(d.year == local.year for d in days):
        return "%m-%d %H:%M"
    return "%Y-%m-%d %H:%M"


AS_OF_STYLE = "%Y-%m-%d %H:%M %Z"


def fmt_seconds(seconds: float | int | None) -> str:
    if seconds is None:
        return "—"
    return format_duration(int(seconds))


def friendly(command: Callable[P, R]) -> Callable[P, R]:
    """Show a :class:`RevpactError` as a plain message and exit with status 1."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except RevpactError as exc:
            err_console.print(Text("error: ", style="bold red") + Text(str(exc)), highlight=False)
            raise typer.Exit(1) from None

    return run


def owner_names(owners: list[str | None]) -> tuple[dict[str | None, str], str | None]:
    """Short names for a table: the part before ``@`` when every owner shares one e-mail domain.

    Returns the names and the shared domain (for the table's caption), or the owners as they
    are and ``None``.
    """
    domains = {o.rpartition("@")[2] for o in owners if o}
    emails = all(o is None or "@" in o for o in owners)
    if emails and len(domains) == 1:
        domain = domains.pop()
        return {o: (o.rpartition("@")[0] if o else "—") for o in owners}, domain
    return {o: (o or "—") for o in owners}, None
