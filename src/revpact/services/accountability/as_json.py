"""The JSON twins of :mod:`revpact.services.accountability`: the escalation status and the
reward status."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from revpact.services.accountability.model import EscalationStatus, RewardStatus

__all__ = ["escalation_to_json", "reward_status_to_json"]


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def escalation_to_json(status: EscalationStatus) -> dict[str, object]:
    return {
        "level": status.level,
        "since": f"{status.since:%Y-%m}" if status.since else None,
        "months_missed": status.months_missed,
        "actions": [
            {
                "month": f"{a.month:%Y-%m}",
                "level": a.level,
                "seq": a.seq,
                "text": a.text,
                "owner": a.owner.value,
                "due": a.due.isoformat(),
                "done": a.done,
                "done_at": _when(a.done_at),
            }
            for a in status.actions
        ],
        "swat_reports": [
            {"week": w.week, "due": w.due, "filed": w.filed, "filed_at": _when(w.filed_at)}
            for w in status.weeks
        ],
    }


def _split_json(split: dict[str, Decimal]) -> dict[str, str]:
    return {k: str(v) for k, v in split.items()}


def reward_status_to_json(status: RewardStatus) -> dict[str, object]:
    return {
        "months": [
            {
                "month": f"{m.month:%Y-%m}",
                "pool": str(m.pool),
                "split": None if m.split is None else _split_json(m.split),
                "allocated_at": _when(m.allocated_at),
                "allocated_by": m.allocated_by,
                "splits": [
                    {
                        "number": h.number,
                        "split": _split_json(h.split),
                        "allocated_at": _when(h.allocated_at),
                        "recorded_at": _when(h.recorded_at),
                        "allocated_by": h.allocated_by,
                        "reason": h.reason,
                    }
                    for h in m.history
                ],
            }
            for m in status.months
        ],
        "annual_reward": {"text": status.annual_text, "earned": status.annual_earned},
    }
