"""The demo's meeting packs: the last complete week and the month to date, as HTML and PDF."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.domain.meetings import local_day
from revpact.render.pack import render_pack
from revpact.services.public.packs import PackPublic
from revpact.services.report import monthly_pack, weekly_pack

__all__ = ["write_demo_packs"]


def write_demo_packs(
    engine: Engine, agreement: Agreement, directory: Path, lang: str, as_of: datetime
) -> list[Path]:
    """The demo's packs, HTML and PDF: the last ISO week complete by ``as_of`` and the month
    ``as_of`` falls in (to date), as ``pack-weekly-YYYY-Www.*`` and ``pack-monthly-YYYY-MM.*``."""
    zone = agreement.calendar.timezone
    month = min(local_day(as_of, zone), agreement.period.end).replace(day=1)
    packs = (
        weekly_pack(engine, agreement, now=as_of),
        monthly_pack(engine, agreement, month=month, now=as_of),
    )
    written = []
    for pack in packs:
        data = PackPublic.of(pack).model_dump(mode="json")
        for fmt in ("html", "pdf"):
            target = directory / f"pack-{pack.kind}-{pack.period.label}.{fmt}"
            target.write_bytes(render_pack(data, lang=lang, fmt=fmt))
            written.append(target)
    return written
