"""Use cases the CLI and the server share: import leads, keep deadlines current, read them.

Each service takes an engine (from :func:`revpact.store.open_store`), the agreement and plain
arguments, and returns frozen values; the shape each value is sent in is its pydantic model in
:mod:`revpact.services.public` (``Model.of(value)``). Time is an argument (``as_of``)
except for the moment an import is recorded, which defaults to now.

Deadlines are computed once, at import, under the agreement's SLA and stored together with its
fingerprint; :func:`recompute_deadlines` brings them up to date when the calendar or the
follow-up rule has changed since, and every service calls it before reading.

The names below load on first use (:func:`__getattr__`): importing one service module, or this
package, does not import every other one with its database and numeric libraries, so a command
that needs one use case starts without the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

# Where each name of __all__ lives: its module under revpact.services, and its name there when
# that differs. The block above says the same to the type checker (a test holds the two equal).
_HOMES: dict[str, tuple[str, str]] = {
    **{
        name: ("accountability", name)
        for name in (
            "ActionItem",
            "EscalationStatus",
            "FiledReport",
            "MonthReward",
            "RewardStatus",
            "WeekReport",
            "allocate_reward",
            "complete_action",
            "escalation_status",
            "file_swat_report",
            "list_actions",
            "reward_status",
            "swat_status",
            "sync_escalation",
        )
    },
    "DeliveryReport": ("alerts", "DeliveryReport"),
    "deliver_alerts": ("alerts", "deliver"),
    "scan_alerts": ("alerts", "scan"),
    "recompute_deadlines": ("deadlines", "recompute_deadlines"),
    **{name: ("deals", name) for name in ("import_deals", "import_revenue", "monthly_facts")},
    **{name: ("events", name) for name in ("ReceiveReport", "apply_pending", "receive")},
    **{
        name: ("follow_up", name)
        for name in (
            "FollowUpSummary",
            "LeadView",
            "OwnerSummary",
            "find_lead",
            "follow_up_summary",
            "lead_queue",
            "list_leads",
        )
    },
    **{name: ("importing", name) for name in ("ImportReport", "Progress", "import_leads")},
    "EscalationPublic": ("public.accountability", "EscalationPublic"),
    "RewardStatusPublic": ("public.accountability", "RewardStatusPublic"),
    "FollowUpSummaryPublic": ("public.leads", "FollowUpSummaryPublic"),
    "LeadPublic": ("public.leads", "LeadPublic"),
    "year_scoreboard": ("scoreboard", "year_scoreboard"),
}


def __getattr__(name: str) -> object:
    """Load ``name`` from its module on first use, then keep it here."""
    try:
        module, attribute = _HOMES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value: object = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
