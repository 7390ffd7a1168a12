"""Late entries: a touch or notification recorded long after the moment it claims.

Every touch has two times: the moment it claims (``claimed``: when the rep says they called)
and the moment revpact recorded it (``recorded``). It is a **late entry** when it was recorded
more than the agreement's ``sales.follow_up.late_entry_after`` after its claimed moment. A late
entry is stored and shown, but a late touch must not turn a breached lead into met on its own
word: while nobody with the ``approve_corrections`` grant has approved it, a late touch whose
claimed moment is at or before the lead's due time and whose recorded moment is after it
counts as made when it was recorded (so the lead stays breached). Approved, it counts at its
claimed moment. A timely touch, and a late one that changes nothing about met or breached,
count at their claimed moment.

A lead keeps one pair of times for its first touch — the earliest claimed touch, with when it
was recorded and whether it was approved — and the *counted* first touch, the one the SLA
clock measures: the earliest counted moment of all its touches. The counted moment is never
earlier than the claimed one; it is later exactly while the pair awaits approval.

Pure functions of epoch microseconds (``NO_TIME`` for none); nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from revpact.domain.clock.sla import NO_TIME

__all__ = [
    "TouchState",
    "awaits_approval",
    "counted_touch",
    "is_late",
    "record_touch",
    "settle_touches",
]

_US = 1_000_000

Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def is_late(claimed_us: int | None, recorded_us: int | None, late_after_s: int) -> bool:
    """Whether an entry recorded at ``recorded_us`` for ``claimed_us`` is a late entry (None:
    a time not known, so not late)."""
    if claimed_us is None or recorded_us is None:
        return False
    return recorded_us - claimed_us > late_after_s * _US


def counted_touch(
    claimed_us: int,
    recorded_us: int | None,
    *,
    due_us: int | None,
    late_after_s: int,
    approved: bool = False,
) -> int:
    """The moment a touch counts at: its recorded moment when it is a late entry that would
    turn the lead from breached into met (claimed at or before ``due_us``, recorded after it)
    and is not approved; its claimed moment otherwise (also when the lead has no due time)."""
    if (
        not approved
        and due_us is not None
        and recorded_us is not None
        and is_late(claimed_us, recorded_us, late_after_s)
        and claimed_us <= due_us < recorded_us
    ):
        return recorded_us
    return claimed_us


@dataclass(frozen=True)
class TouchState:
    """A lead's first touch: the counted moment (``first_us``) and the earliest claimed touch
    (``claimed_us``, ``recorded_us``, ``by``, ``approved``). All None: not touched."""

    first_us: int | None = None
    claimed_us: int | None = None
    recorded_us: int | None = None
    by: str | None = None
    approved: bool = False


def awaits_approval(state: TouchState) -> bool:
    """Whether the earliest claimed touch is a late entry that counts only once approved."""
    return (
        state.first_us is not None
        and state.claimed_us is not None
        and state.first_us > state.claimed_us
        and not state.approved
    )


def record_touch(
    state: TouchState,
    *,
    claimed_us: int,
    recorded_us: int,
    by: str | None,
    due_us: int | None,
    late_after_s: int,
) -> TouchState:
    """The lead's first touch after a touch claimed at ``claimed_us`` is recorded.

    The counted first touch is the earliest counted moment of all touches; the pair follows
    the earliest claimed touch (an approval belongs to the pair it was given for)."""
    counted = counted_touch(
        claimed_us, recorded_us, due_us=due_us, late_after_s=late_after_s, approved=False
    )
    first = counted if state.first_us is None else min(state.first_us, counted)
    if state.claimed_us is None or claimed_us < state.claimed_us:
        return TouchState(first, claimed_us, recorded_us, by, approved=False)
    return TouchState(first, state.claimed_us, state.recorded_us, state.by, state.approved)


def settle_touches(
    *,
    first_us: Int64Array,
    claimed_us: Int64Array,
    recorded_us: Int64Array,
    due_us: Int64Array,
    approved: BoolArray,
    late_after_s: int,
) -> Int64Array:
    """Each lead's counted first touch once its due time is (again) ``due_us``.

    ``first_us`` is the counted first touch so far. A lead whose pair is approved, has no
    recorded time or no due time (:data:`NO_TIME`) keeps it; otherwise the pair counts at its
    claimed moment unless it is a late entry that would turn breached into met, and then at
    the earlier of the counted moment so far (another touch's) and its recorded moment.
    """
    known = (claimed_us != NO_TIME) & (recorded_us != NO_TIME)
    late = known & (recorded_us - claimed_us > late_after_s * _US)
    blocked = (
        late & ~approved & (due_us != NO_TIME) & (claimed_us <= due_us) & (due_us < recorded_us)
    )
    other = np.where((first_us != NO_TIME) & (first_us > claimed_us), first_us, recorded_us).astype(
        np.int64
    )
    pending_first = np.minimum(other, recorded_us)
    settled = np.where(blocked, pending_first, claimed_us).astype(np.int64)
    keep = ~known | approved
    result: Int64Array = np.where(keep, first_us, settled).astype(np.int64)
    return result
