"""The public shape of the follow-up SLA: a lead as of a moment (with its late entries), the
leads as of a moment, the summary per owner and per ISO week, and an approved touch."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Self

from pydantic import Field

from revpact.domain.clock.sla import LeadStatus
from revpact.services.follow_up import FollowUpSummary, LeadView, OwnerSummary
from revpact.services.follow_up_weeks import WeekFollowUp
from revpact.services.late_entries import LateEntryView
from revpact.services.public.common import Day, Moment, Public

__all__ = [
    "FollowUpSummaryPublic",
    "LateEntryPublic",
    "LeadApprovedPublic",
    "LeadPublic",
    "LeadsAsOf",
    "OwnerSummaryPublic",
    "StatusCounts",
    "WeekFollowUpPublic",
]


class LateEntryPublic(Public):
    """A lead's notification and/or first touch recorded late, and whether the touch awaits
    approval (it counts at ``touch_recorded_at`` until then)."""

    notification_recorded_at: Moment | None = Field(
        description="Set only when the notification was recorded late."
    )
    notified_by: str | None
    touch_claimed_at: Moment | None = Field(
        description="Set only when the first touch was recorded late."
    )
    touch_recorded_at: Moment | None
    touch_by: str | None
    awaiting_approval: bool
    approved_at: Moment | None
    approved_by: str | None

    @classmethod
    def of(cls, view: LateEntryView) -> Self:
        return cls(
            notification_recorded_at=view.notification_recorded_at,
            notified_by=view.notified_by,
            touch_claimed_at=view.touch_claimed_at,
            touch_recorded_at=view.touch_recorded_at,
            touch_by=view.touch_by,
            awaiting_approval=view.awaiting_approval,
            approved_at=view.approved_at,
            approved_by=view.approved_by,
        )


class LeadPublic(Public):
    """One lead as of a moment and where it stands against the follow-up SLA."""

    lead_id: str
    lead_type: str
    stage: str
    owner: str | None
    status: LeadStatus
    created_at: Moment
    notified_at: Moment | None
    first_touch_at: Moment | None = Field(
        description="Null until touched (also when the touch comes after the moment)."
    )
    due_at: Moment | None = Field(description="Null when the SLA does not apply.")
    response_business_seconds: int | None = Field(
        description="Null until touched, or when the lead is excluded."
    )
    business_seconds_left: int | None = Field(description="Only for open and at-risk leads.")
    agreement_version: int | None = Field(
        description="The agreement version in force at notification (null: none was)."
    )
    late_entry: LateEntryPublic | None

    @classmethod
    def of(cls, view: LeadView) -> Self:
        return cls(
            lead_id=view.lead_id,
            lead_type=view.lead_type,
            stage=view.stage,
            owner=view.owner,
            status=view.status,
            created_at=view.created_at,
            notified_at=view.notified_at,
            first_touch_at=view.first_touch_at,
            due_at=view.due_at,
            response_business_seconds=view.response_business_seconds,
            business_seconds_left=view.business_seconds_left,
            agreement_version=view.agreement_version,
            late_entry=None if view.late_entry is None else LateEntryPublic.of(view.late_entry),
        )


class LeadsAsOf(Public):
    """Leads as of a moment, in the order the route lists them."""

    as_of: Moment
    leads: tuple[LeadPublic, ...]

    @classmethod
    def of(cls, as_of: datetime, views: Iterable[LeadView]) -> Self:
        return cls(as_of=as_of, leads=tuple(LeadPublic.of(v) for v in views))


class LeadApprovedPublic(Public):
    """Who approved a late-entered touch, and the lead as it now stands."""

    approved_by: str
    lead: LeadPublic

    @classmethod
    def of(cls, approved_by: str, view: LeadView) -> Self:
        return cls(approved_by=approved_by, lead=LeadPublic.of(view))


class StatusCounts(Public):
    """How many leads have each status (every status, zero included)."""

    excluded: int
    met: int
    breached: int
    at_risk: int
    open: int

    @classmethod
    def of(cls, counts: Mapping[LeadStatus, int]) -> Self:
        return cls(
            excluded=counts.get(LeadStatus.EXCLUDED, 0),
            met=counts.get(LeadStatus.MET, 0),
            breached=counts.get(LeadStatus.BREACHED, 0),
            at_risk=counts.get(LeadStatus.AT_RISK, 0),
            open=counts.get(LeadStatus.OPEN, 0),
        )


_COMPLIANCE = "met / (met + breached); null while no lead is met or breached."
_MEDIAN = "Business seconds to the first touch, nearest rank; null while none is touched."


class OwnerSummaryPublic(Public):
    """One owner's leads (``owner`` null: the leads nobody owns)."""

    owner: str | None
    leads: int
    counts: StatusCounts
    compliance: float | None = Field(description=_COMPLIANCE)
    median_response_business_seconds: int | None = Field(description=_MEDIAN)
    p90_response_business_seconds: int | None

    @classmethod
    def of(cls, summary: OwnerSummary) -> Self:
        return cls(
            owner=summary.owner,
            leads=summary.leads,
            counts=StatusCounts.of(summary.counts),
            compliance=summary.compliance,
            median_response_business_seconds=summary.median_response_seconds,
            p90_response_business_seconds=summary.p90_response_seconds,
        )


class FollowUpSummaryPublic(Public):
    """The follow-up SLA as of a moment: counts, compliance, response times, per owner."""

    as_of: Moment
    leads: int
    counts: StatusCounts
    compliance: float | None = Field(description=_COMPLIANCE)
    compliance_target: float
    median_response_business_seconds: int | None = Field(description=_MEDIAN)
    p90_response_business_seconds: int | None
    owners: tuple[OwnerSummaryPublic, ...]

    @classmethod
    def of(cls, summary: FollowUpSummary) -> Self:
        return cls(
            as_of=summary.as_of,
            leads=summary.leads,
            counts=StatusCounts.of(summary.counts),
            compliance=summary.compliance,
            compliance_target=float(summary.compliance_target),
            median_response_business_seconds=summary.median_response_seconds,
            p90_response_business_seconds=summary.p90_response_seconds,
            owners=tuple(OwnerSummaryPublic.of(o) for o in summary.owners),
        )


class WeekFollowUpPublic(Public):
    """The leads notified in one ISO week (in the agreement's time zone), as of a moment."""

    week: str = Field(description="The ISO week, YYYY-Www.")
    monday: Day
    leads: int
    counts: StatusCounts
    compliance: float | None = Field(description=_COMPLIANCE)
    median_response_business_seconds: int | None = Field(description=_MEDIAN)
    p90_response_business_seconds: int | None

    @classmethod
    def of(cls, week: WeekFollowUp) -> Self:
        return cls(
            week=week.week,
            monday=week.monday,
            leads=week.leads,
            counts=StatusCounts.of(week.counts),
            compliance=week.compliance,
            median_response_business_seconds=week.median_response_seconds,
            p90_response_business_seconds=week.p90_response_seconds,
        )
