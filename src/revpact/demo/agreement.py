"""The demo's living agreement: v1 signed by everyone before the year starts, and an amendment
in June (a new account executive joins the roster; sales is warned five minutes earlier) that
everyone signs by June 30, so July to December are measured under v2.

The history is replayed with ``--at`` times, in order, through the same services the
``revpact agreement publish`` and ``revpact sign`` commands use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact.domain.versions import Change, VersionRecord
from revpact.ingest.agreement_file import parse_agreement
from revpact.services import agreement_versions as av

__all__ = ["NEW_HIRE", "DemoVersions", "amended_text", "publish_demo_versions"]

NEW_HIRE = "noah.fischer@company-a.example"

_AMENDMENT = {
    "en": "  - {name: Noah Fischer, email: noah.fischer@company-a.example, team: sales, "
    "role: Account Executive}\n",
    "pl": "  - {name: Noah Fischer, email: noah.fischer@company-a.example, team: sales, "
    "role: Handlowiec (Account Executive)}\n",
}


def amended_text(text: str, lang: str) -> str:
    """v2: Noah Fischer joins sales and signs; an open lead is at risk with 20 minutes left."""
    at_risk = "at_risk_within: 15m"
    anchor = "  - {name: Jamal Reed,"
    if at_risk not in text or anchor not in text:
        raise ValueError("the demo amendment expects Company A's agreement")
    text = text.replace(at_risk, "at_risk_within: 20m", 1)
    return text.replace(anchor, _AMENDMENT["pl" if lang == "pl" else "en"] + anchor, 1)


@dataclass(frozen=True)
class DemoVersions:
    v1: VersionRecord
    v2: VersionRecord
    changes: list[Change]
    v1_in_force: datetime
    v2_in_force: datetime


def _sign_everyone(engine: Engine, start: datetime, now: datetime) -> datetime:
    """Every signatory of the latest version signs, one every 37 minutes of office time."""
    latest = av.versions(engine)[-1]
    moment = start
    for person in latest.agreement.signatories:
        av.sign(engine, person.email, version=None, at=moment, now=now, via="cli")
        last = moment
        moment += timedelta(minutes=37)
    return last


def publish_demo_versions(
    engine: Engine,
    text: str,
    lang: str,
    now: datetime,
    before_amendment: Callable[[], None] | None = None,
) -> DemoVersions:
    """Publish v1 (``text``) and its June amendment, each signed by its whole roster;
    ``before_amendment`` runs once v1 is in force, before the amendment is published."""
    zone = ZoneInfo(parse_agreement(text).calendar.timezone)
    v1 = av.publish(
        engine,
        parse_agreement(text),
        text,
        at=datetime(2019, 12, 16, 10, tzinfo=zone),
        now=now,
        by="margaret.lowell@company-a.example",
    )
    v1_in_force = _sign_everyone(engine, datetime(2019, 12, 17, 9, 30, tzinfo=zone), now)
    if before_amendment is not None:
        before_amendment()
    amended = amended_text(text, lang)
    v2 = av.publish(
        engine,
        parse_agreement(amended),
        amended,
        at=datetime(2020, 6, 22, 11, tzinfo=zone),
        now=now,
        by="margaret.lowell@company-a.example",
    )
    v2_in_force = _sign_everyone(engine, datetime(2020, 6, 29, 9, tzinfo=zone), now)
    return DemoVersions(
        v1.version,
        v2.version,
        v2.changes,
        v1_in_force.astimezone(UTC),
        v2_in_force.astimezone(UTC),
    )
