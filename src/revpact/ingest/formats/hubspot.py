"""HubSpot exports: contacts (``Contacts > Export``) as leads, deals as deals.

HubSpot writes each column under the property's display label (``Create Date``) in an export
from the app and under its internal name (``createdate``) through the API; both are listed, and
names match whatever their case, spacing or punctuation (see :func:`.spec.normalise`). Dates
come as ``2020-03-02 10:15`` in the portal's time zone (read in the agreement's zone) or ISO
8601. The value maps fit Company A's agreement (lead types ``referral``, ``content``,
``webinar``, ``internet_sales_ready``; stages ``early`` / ``late``); docs/exports.md explains
each choice, and a mapping file changes any of them.
"""

from __future__ import annotations

from typing import Final

from revpact.ingest.formats.spec import REJECT, ExportFormat, FieldRule, RecordSpec

__all__ = ["HUBSPOT"]

LIFECYCLE: Final = ("Lifecycle Stage", "lifecyclestage")
LEAD_STATUS: Final = ("Lead Status", "hs_lead_status")

ORIGINAL_SOURCE: Final = {
    "REFERRALS": "referral",
    "ORGANIC_SEARCH": "content",
    "SOCIAL_MEDIA": "content",
    "Organic Social": "content",
    "EMAIL_MARKETING": "content",
    "PAID_SEARCH": "internet_sales_ready",
    "PAID_SOCIAL": "internet_sales_ready",
    "DIRECT_TRAFFIC": "internet_sales_ready",
    "AI_REFERRALS": "internet_sales_ready",
    "OTHER_CAMPAIGNS": "webinar",
    "OFFLINE": "webinar",
    "Offline Sources": "webinar",
}
"""``hs_analytics_source`` (labels ``Organic Search`` ... match the same entries)."""

LIFECYCLE_STAGES: Final = {
    "subscriber": "early",
    "lead": "early",
    "other": "early",
    "marketingqualifiedlead": "late",
    "salesqualifiedlead": "late",
    "opportunity": "late",
    "customer": "late",
    "evangelist": "late",
}

FOLLOW_UP: Final = {
    # hs_lead_status: set only once a contact is handed to sales, so any status means yes
    "NEW": "true",
    "OPEN": "true",
    "IN_PROGRESS": "true",
    "OPEN_DEAL": "true",
    "ATTEMPTED_TO_CONTACT": "true",
    "CONNECTED": "true",
    "UNQUALIFIED": "true",
    "BAD_TIMING": "true",
    # lifecyclestage, when the contact has no lead status
    "subscriber": "false",
    "lead": "false",
    "other": "false",
    "customer": "false",
    "evangelist": "false",
    "marketingqualifiedlead": "true",
    "salesqualifiedlead": "true",
    "opportunity": "true",
}

LEADS: Final = RecordSpec(
    fields={
        "lead_id": FieldRule(columns=("Record ID", "Contact ID", "hs_object_id", "vid")),
        "lead_type": FieldRule(
            columns=("Original Source", "hs_analytics_source"),
            values=ORIGINAL_SOURCE,
            otherwise=REJECT,
        ),
        "stage": FieldRule(columns=LIFECYCLE, values=LIFECYCLE_STAGES),
        "requested_follow_up": FieldRule(
            columns=(*LEAD_STATUS, *LIFECYCLE), values=FOLLOW_UP, otherwise="true", default="false"
        ),
        "created_at": FieldRule(columns=("Create Date", "createdate")),
        "notified_at": FieldRule(
            columns=(
                "Owner Assigned Date",
                "hubspot_owner_assigneddate",
                "Became a Marketing Qualified Lead Date",
                "hs_lifecyclestage_marketingqualifiedlead_date",
            )
        ),
        "first_touch_at": FieldRule(
            columns=("Date of first engagement", "hs_sa_first_engagement_date")
        ),
        "owner": FieldRule(columns=("Contact owner", "hubspot_owner_id")),
    },
)

DEAL_STAGES: Final = {
    "closedwon": "won",
    "Closed Won (Sales Pipeline)": "won",
    "closedlost": "lost",
    "Closed Lost (Sales Pipeline)": "lost",
}

DEALS: Final = RecordSpec(
    fields={
        "deal_id": FieldRule(columns=("Record ID", "Deal ID", "hs_object_id", "dealId")),
        "lead_id": FieldRule(
            columns=(
                "Associated Contact IDs",
                "Associated Contact ID",
                "associatedcontactids",
                "associations.contacts",
            ),
            split=";",
        ),
        "created_at": FieldRule(columns=("Create Date", "createdate")),
        "proposal_at": FieldRule(
            columns=(
                'Date entered "Contract Sent (Sales Pipeline)"',
                "hs_v2_date_entered_contractsent",
                "hs_date_entered_contractsent",
            )
        ),
        "closed_at": FieldRule(columns=("Close Date", "closedate")),
        "outcome": FieldRule(
            columns=("Deal Stage", "dealstage"), values=DEAL_STAGES, otherwise="open"
        ),
        "amount": FieldRule(columns=("Amount", "amount")),
        "owner": FieldRule(columns=("Deal owner", "hubspot_owner_id")),
    },
    closed_flag=("Is Closed", "hs_is_closed"),
    won_flag=("Is Closed Won", "hs_is_closed_won"),
)

HUBSPOT: Final = ExportFormat(name="hubspot", title="HubSpot", leads=LEADS, deals=DEALS)
