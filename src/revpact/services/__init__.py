"""Use cases the CLI (and later the API) share: import leads, keep deadlines current, read them.

Each service takes an engine (from :func:`revpact.store.open_store`), the agreement and plain
arguments, and returns frozen values with a ``*_to_json`` twin. Time is an argument (``as_of``)
except for the moment an import is recorded, which defaults to now.

Deadlines are computed once, at import, under the agreement's SLA and stored together with its
fingerprint; :func:`recompute_deadlines` brings them up to date when the calendar or the
follow-up rule has changed since, and every service calls it before reading.
"""

from __future__ import annotations

from revpact.services.accountability import (
    ActionItem,
    EscalationStatus,
    FiledReport,
    MonthReward,
    RewardStatus,
    WeekReport,
    allocate_reward,
    complete_action,
    escalation_status,
    escalation_to_json,
    file_swat_report,
    list_actions,
    reward_status,
    reward_status_to_json,
    swat_status,
    sync_escalation,
)
from revpact.services.alerts import DeliveryReport
from revpact.services.alerts import deliver as deliver_alerts
from revpact.services.alerts import scan as scan_alerts
from revpact.services.deadlines import recompute_deadlines
from revpact.services.deals import import_deals, import_revenue, monthly_facts
from revpact.services.events import ReceiveReport, apply_pending, receive
from revpact.services.follow_up import (
    FollowUpSummary,
    LeadView,
    OwnerSummary,
    find_lead,
    follow_up_summary,
    lead_queue,
    lead_view_to_json,
    list_leads,
    summary_to_json,
)
from revpact.services.importing import ImportReport, Progress, import_leads
from revpact.services.scoreboard import year_scoreboard

__all__ = [
    "ActionItem",
    "DeliveryReport",
    "EscalationStatus",
    "FiledReport",
    "FollowUpSummary",
    "ImportReport",
    "LeadView",
    "MonthReward",
    "OwnerSummary",
    "Progress",
    "ReceiveReport",
    "RewardStatus",
    "WeekReport",
    "allocate_reward",
    "apply_pending",
    "complete_action",
    "deliver_alerts",
    "escalation_status",
    "escalation_to_json",
    "file_swat_report",
    "find_lead",
    "follow_up_summary",
    "import_deals",
    "import_leads",
    "import_revenue",
    "lead_queue",
    "lead_view_to_json",
    "list_actions",
    "list_leads",
    "monthly_facts",
    "receive",
    "recompute_deadlines",
    "reward_status",
    "reward_status_to_json",
    "scan_alerts",
    "summary_to_json",
    "swat_status",
    "sync_escalation",
    "year_scoreboard",
]
