"""The meeting pack: what the weekly or monthly sales & marketing meeting looks at, in one value.

:func:`weekly_pack` and :func:`monthly_pack` gather, for one ISO week or one calendar month:

* **results** against the goals — the month to date as of the period's end (a week reviews the
  month its last moment falls in; a month reviews itself): revenue and Goals 1-3, lead value by
  type, follow-up compliance, close rate and sales cycle, each with its target, met or missed,
  and the agreement version the month is measured under (:attr:`MonthScore.version`);
* **what moved** since the pack before: a month's figures against the previous month's (as
  :func:`revpact.domain.scoreboard.trend.trend` compares them); a week's own figures against
  the previous week's — the store's facts are kept by month, and the month to date changes
  only by what the week added, so a week is compared by what happened in it (:class:`MovesPart`);
* the **follow-up** of the leads notified in the period, and the deadlines that fell in it and
  were missed, by owner;
* **lead-quality feedback**: the items of topic ``lead_quality`` raised in the period, and every
  lead-quality item still open or overdue;
* the **close** of the month the results are for: closed (by whom, when, under which agreement
  version, the facts' hash), awaiting close or in progress, and its pending restatement — the
  figures data recorded after its close would change, and the rows that did
  (:mod:`revpact.services.month_states`);
* **escalation**: the open action items and the SWAT report weeks due and not filed;
* the **agenda**: the meeting's items from the agreement; for a week, the next weekly meeting's
  (:func:`revpact.services.meetings.next_agenda`), for a month the monthly meeting that reviews it.

Everything is as of the period's last moment, or ``now`` while the period is still running —
except the month's close, which is read as of ``now`` (when the pack is made): a month closed
since shows as closed, and a monthly pack shows a closed month's results as its close froze
them, with the restatement that data recorded later would make.
:class:`revpact.services.public.packs.PackPublic` is its public shape (exact Decimal strings,
ISO 8601 times); the documents (:mod:`revpact.render.pack`) are rendered from its JSON.

The package holds the value (:mod:`.model`), the periods (:mod:`.periods`) and the building
(:mod:`.packs`); this module re-exports their public names.
"""

from __future__ import annotations

from revpact.services.meetings import OwnerBreaches
from revpact.services.report.model import (
    AgendaPart,
    ClosePart,
    EscalationPart,
    FeedbackPart,
    FollowUpPart,
    GoalResult,
    MeetingPack,
    Move,
    MovesPart,
    Period,
    ResultsPart,
)
from revpact.services.report.packs import monthly_pack, weekly_pack
from revpact.services.report.periods import (
    default_month,
    default_week,
    parse_pack_month,
    parse_pack_week,
)

__all__ = [
    "AgendaPart",
    "ClosePart",
    "EscalationPart",
    "FeedbackPart",
    "FollowUpPart",
    "GoalResult",
    "MeetingPack",
    "Move",
    "MovesPart",
    "OwnerBreaches",
    "Period",
    "ResultsPart",
    "default_month",
    "default_week",
    "monthly_pack",
    "parse_pack_month",
    "parse_pack_week",
    "weekly_pack",
]
