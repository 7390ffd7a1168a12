"""Helpers of the rendering tests: a document as plain text, the user's texts of an agreement,
agreement variants that reach every branch of the document, and signature pages."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from revpact.domain.agreement.model import Agreement
from revpact.render import SignatureLine, SignaturePage

NB = "\u00a0"  # Babel's group separator in Polish, and the space before a currency code
NNB = "\u202f"  # Babel's space before AM/PM in English

_SPACE = re.compile(r"[ \t\r\n]+")  # ASCII whitespace only: no-break spaces are kept


def collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def as_text(data: bytes, fmt: str) -> str:
    """What a reader sees, on one line: tags or Markdown marks gone, a fact as "Label: value"."""
    text = data.decode("utf-8")
    if fmt == "html":
        text = re.sub(r"<(style|title)>.*?</\1>", " ", text, flags=re.S)
        text = re.sub(r"</th>\s*<td[^>]*>", ": ", text)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    else:
        text = re.sub(r"^(#+|-) ", "", text, flags=re.M)
        text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
        text = text.replace("**", "").replace("`", "").replace("|", " ")
    return collapse(text)


def user_texts(agreement: Agreement) -> list[str]:
    """Every text the agreement file holds (not enum values, which the labels translate)."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, Enum):
            return
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(agreement.model_dump(mode="python", by_alias=True))
    return found


def without(text: str, strings: Iterable[str]) -> str:
    """``text`` with each of ``strings`` (as whole words) removed, the longest first."""
    for string in sorted({collapse(s) for s in strings}, key=len, reverse=True):
        text = re.sub(r"(?<!\w)" + re.escape(string) + r"(?!\w)", " ", text)
    return collapse(text)


def words(text: str) -> set[str]:
    """The words of two letters or more, casefolded."""
    return {w.casefold() for w in re.findall(r"[^\W\d_]{2,}", text)}


def variant(base: Agreement, change: Callable[[dict[str, Any]], None]) -> Agreement:
    data = base.model_dump(mode="json", by_alias=True)
    change(data)
    return Agreement.model_validate(data)


def plainest(data: dict[str, Any]) -> None:
    """Every "nothing" and "other" branch: a sole arbiter, no meetings, rewards or holidays."""
    conflict = data["conflict_resolution"]
    conflict.update(mode="sole_arbiter", members=conflict["members"][:1], binding=False, panel=[])
    follow_up = data["sales"]["follow_up"]
    follow_up.update(at_risk_within="0s", applies_to={}, excludes={})
    data["sales"]["close_rate"]["trajectory"] = "step"
    feedback = data["communication"]["feedback"]
    feedback.update(clock="business", discussed_at=None)
    feedback["duties"][0]["topics"] = ["other"]
    data["meetings"] = []
    data["calendar"]["holidays"] = {}
    data["calendar"]["hours"] = {"mon-sun": ["00:00-24:00"]}
    data["rewards"] = {}
    data["consequences"]["escalation"] = []
    data["sign_off"]["required_from"] = "leadership"
    data["company_goals"]["revenue_source"] = "recognised"


def richest(data: dict[str, Any]) -> None:
    """Other criteria, every week of the month, a meeting without a time, no sample month."""
    data["marketing"]["sample_month"] = {}
    data["sales"]["follow_up"].update(
        applies_to={"owner": ["ann@x.example", "bob@x.example"], "region": "east"},
        excludes={"requested_follow_up": False, "lead_type": ["webinar", "content"]},
    )
    data["meetings"] = [
        {
            "id": f"week_{week}".replace("-", "last"),
            "name": f"M{week}",
            "cadence": "monthly",
            "duration": "1h30m",
            "attendees": "all",
            "weekday": day,
            "week_of_month": week,
            "time": "14:00",
        }
        for week, day in ((2, "wed"), (3, "thu"), (4, "fri"), (-1, "sat"))
    ] + [{"id": "adhoc", "name": "M0", "cadence": "weekly", "duration": "45m", "attendees": "all"}]
    data["communication"]["feedback"]["discussed_at"] = "week_2"
    data["company_goals"]["revenue_source"] = "won_deals"


def page(
    agreement: Agreement, *, signed: int, in_force: bool, published: bool = True
) -> SignaturePage:
    """A signature page of version 3: the first ``signed`` signatories signed on 3 Jan 2020."""
    at = datetime(2020, 1, 3, 15, 30, tzinfo=UTC)
    return SignaturePage(
        version_number=3,
        version_hash="0123456789abcdef" * 4,
        published_at=datetime(2020, 1, 2, 14, 0, tzinfo=UTC) if published else None,
        lines=tuple(
            SignatureLine(p.name, p.email, str(p.team), p.role, at if i < signed else None)
            for i, p in enumerate(agreement.signatories)
        ),
        in_force=in_force,
    )


def every_case(base: Agreement) -> list[tuple[Agreement, SignaturePage | None]]:
    """Agreements and signature pages that, together, use every text of the document."""
    everyone = len(base.signatories)
    return [
        (base, None),
        (base, page(base, signed=2, in_force=False)),
        (variant(base, plainest), page(base, signed=everyone, in_force=True, published=False)),
        (variant(base, richest), page(base, signed=0, in_force=False)),
    ]
