"""What follows from the scoreboard: escalation action items, SWAT weekly reports, reward splits.

Only **months that are over** as of ``as_of`` (their last day is before ``as_of``'s local date)
count here: a month in progress has neither missed nor earned anything yet.

* :func:`sync_escalation` records the actions of every finished month whose escalation state
  ``entered`` a level, keyed by (month, level, seq). It only ever adds: a re-run changes
  nothing, a done mark is kept, and an action already issued stays on record even if a late
  import later turns its month into a met one.
* SWAT reports are due for the ``swat_report_weeks`` of every finished month whose level reports
  weekly (the following month's ISO weeks). A week is *due* once it has begun. Filing a week
  again **replaces** its report (the newer file wins; the repository says it replaced one; the
  audit trail keeps the SHA-256 of every file filed).
* A month's reward pool is split at the team leaders' discretion (the article): the split is
  recorded by a team leader — a signatory with ``leader: true`` in the version in force when
  it is made — and, once recorded, changed only by a **correction**: a new numbered split with
  who, when and why, the earlier split kept on record (:func:`correct_reward`).

Read as of ``T``: an action's done mark, a SWAT report and a split count only when they were
made by ``T``, and only months over by ``T`` have actions. Every write is also a row of the
audit trail, in the same transaction (``escalation.action_done``, ``swat.report``,
``reward.allocate``, ``reward.correct``).

The package holds one module per part: :mod:`.model` (the values and the month and week
parsers), :mod:`.timing` (which months are over; when a write is recorded), :mod:`.escalation`
(action items and SWAT reports) and :mod:`.rewards` (the reward splits); this module re-exports
their public names. Their JSON is :mod:`revpact.services.public.accountability`'s.
"""

from __future__ import annotations

from revpact.services.accountability.escalation import (
    complete_action,
    escalation_status,
    file_swat_report,
    list_actions,
    swat_status,
    sync_escalation,
)
from revpact.services.accountability.model import (
    ActionItem,
    EscalationStatus,
    FiledReport,
    MonthReward,
    RewardStatus,
    SplitRecord,
    WeekReport,
    parse_month,
    parse_week,
)
from revpact.services.accountability.rewards import allocate_reward, correct_reward, reward_status

__all__ = [
    "ActionItem",
    "EscalationStatus",
    "FiledReport",
    "MonthReward",
    "RewardStatus",
    "SplitRecord",
    "WeekReport",
    "allocate_reward",
    "complete_action",
    "correct_reward",
    "escalation_status",
    "file_swat_report",
    "list_actions",
    "parse_month",
    "parse_week",
    "reward_status",
    "swat_status",
    "sync_escalation",
]
