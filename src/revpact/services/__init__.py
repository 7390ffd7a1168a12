"""Use cases the CLI and the server share: import leads, keep deadlines current, read them.

Each service takes an engine (from :func:`revpact.store.open_store`), the agreement and plain
arguments, and returns frozen values; the shape each value is sent in is its pydantic model in
:mod:`revpact.services.public` (``Model.of(value)``). Time is an argument (``as_of``)
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
    file_swat_report,
    list_actions,
    reward_status,
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
    list_leads,
)
from revpact.services.importing import ImportReport, Progress, import_leads
from revpact.services.public.accountability import EscalationPublic, RewardStatusPublic
from revpact.services.public.leads import FollowUpSummaryPublic, LeadPublic
from revpact.services.scoreboard import year_scoreboard

__all__ = [
    "ActionItem",
    "DeliveryReport",
    "EscalationPublic",
    "EscalationStatus",
    "FiledReport",
    "FollowUpSummary",
    "FollowUpSummaryPublic",
    "ImportReport",
    "LeadPublic",
    "LeadView",
    "MonthReward",
    "OwnerSummary",
    "Progress",
    "ReceiveReport",
    "RewardStatus",
    "RewardStatusPublic",
    "WeekReport",
    "allocate_reward",
    "apply_pending",
    "complete_action",
    "deliver_alerts",
    "escalation_status",
    "file_swat_report",
    "find_lead",
    "follow_up_summary",
    "import_deals",
    "import_leads",
    "import_revenue",
    "lead_queue",
    "list_actions",
    "list_leads",
    "monthly_facts",
    "receive",
    "recompute_deadlines",
    "reward_status",
    "scan_alerts",
    "swat_status",
    "sync_escalation",
    "year_scoreboard",
]
