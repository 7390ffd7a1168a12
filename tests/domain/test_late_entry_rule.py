"""The late-entry rule: a late touch never turns breached into met on its own word."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from revpact.domain.clock.sla import NO_TIME
from revpact.domain.late_entries import (
    TouchState,
    awaits_approval,
    counted_touch,
    is_late,
    record_touch,
    settle_touches,
)

US = 1_000_000
LATE_AFTER = 15 * 60
HOUR = 3600 * US

moments = st.integers(min_value=0, max_value=48 * HOUR)
delays = st.integers(min_value=0, max_value=12 * HOUR)
late_after = st.integers(min_value=0, max_value=3 * 3600)


def met(touch_us: int, due_us: int) -> bool:
    return touch_us <= due_us


@given(claimed=moments, delay=delays, due=moments, late=late_after)
def test_an_unapproved_late_touch_never_turns_breached_into_met(
    claimed: int, delay: int, due: int, late: int
) -> None:
    recorded = claimed + delay
    counted = counted_touch(claimed, recorded, due_us=due, late_after_s=late)
    breached_when_recorded = not met(recorded, due)
    if is_late(claimed, recorded, late) and breached_when_recorded:
        assert not met(counted, due)
        # held at its recorded moment when its claim would have met the due time
        assert counted == (recorded if met(claimed, due) else claimed)
    else:
        assert counted == claimed  # a timely touch, or a late one that changes nothing


@given(claimed=moments, delay=delays, due=moments, late=late_after)
def test_an_approved_late_touch_counts_as_claimed(
    claimed: int, delay: int, due: int, late: int
) -> None:
    recorded = claimed + delay
    assert counted_touch(claimed, recorded, due_us=due, late_after_s=late, approved=True) == claimed


@given(claimed=moments, delay=st.integers(0, LATE_AFTER * US), due=moments)
def test_a_timely_touch_is_unaffected(claimed: int, delay: int, due: int) -> None:
    recorded = claimed + delay
    assert not is_late(claimed, recorded, LATE_AFTER)
    assert counted_touch(claimed, recorded, due_us=due, late_after_s=LATE_AFTER) == claimed


def test_a_touch_recorded_just_past_the_threshold_is_late() -> None:
    claimed, due = 0, 30 * 60 * US
    recorded = claimed + LATE_AFTER * US + 1
    assert is_late(claimed, recorded, LATE_AFTER)
    assert not is_late(claimed, claimed + LATE_AFTER * US, LATE_AFTER)
    assert counted_touch(claimed, recorded + due, due_us=due, late_after_s=LATE_AFTER) > due


def test_without_a_due_time_a_late_touch_counts_as_claimed() -> None:
    assert counted_touch(0, 10 * HOUR, due_us=None, late_after_s=LATE_AFTER) == 0


touches = st.lists(st.tuples(moments, delays), min_size=1, max_size=5)


@given(touches=touches, due=moments, late=late_after)
def test_recorded_touches_never_turn_breached_into_met_without_approval(
    touches: list[tuple[int, int]], due: int, late: int
) -> None:
    """Whatever touches arrive, in any order, the lead counts as met only if some touch was met
    as it was known when recorded (a timely touch, or one recorded before the due time)."""
    state = TouchState()
    for claimed, delay in touches:
        state = record_touch(
            state, claimed_us=claimed, recorded_us=claimed + delay, by="rep", due_us=due,
            late_after_s=late,
        )  # fmt: skip
    honest = any(
        met(counted_touch(c, c + d, due_us=due, late_after_s=late), due) for c, d in touches
    )
    assert state.first_us is not None and state.claimed_us is not None
    assert met(state.first_us, due) == honest
    assert state.claimed_us == min(c for c, _ in touches)
    assert state.first_us >= state.claimed_us
    assert awaits_approval(state) == (state.first_us > state.claimed_us)


@given(touches=touches, due=moments, late=late_after)
def test_a_met_lead_stays_met_whatever_late_touch_follows(
    touches: list[tuple[int, int]], due: int, late: int
) -> None:
    state = TouchState()
    was_met = False
    for claimed, delay in touches:
        state = record_touch(
            state, claimed_us=claimed, recorded_us=claimed + delay, by=None, due_us=due,
            late_after_s=late,
        )  # fmt: skip
        assert state.first_us is not None
        assert not was_met or met(state.first_us, due)
        was_met = met(state.first_us, due)


@given(claimed=moments, delay=delays, due=moments, new_due=moments, late=late_after)
def test_settling_against_a_new_due_time_is_the_rule_applied_again(
    claimed: int, delay: int, due: int, new_due: int, late: int
) -> None:
    """When the lead's due time changes (an amendment, a recomputed calendar), a pending late
    touch is judged against the new due time, as if it had been recorded under it."""
    recorded = claimed + delay
    first = counted_touch(claimed, recorded, due_us=due, late_after_s=late)

    def column(value: int) -> np.ndarray:
        return np.array([value], dtype=np.int64)

    settled = settle_touches(
        first_us=column(first),
        claimed_us=column(claimed),
        recorded_us=column(recorded),
        due_us=column(new_due),
        approved=np.zeros(1, dtype=bool),
        late_after_s=late,
    )
    assert int(settled[0]) == counted_touch(claimed, recorded, due_us=new_due, late_after_s=late)
    approved = settle_touches(
        first_us=column(claimed),
        claimed_us=column(claimed),
        recorded_us=column(recorded),
        due_us=column(new_due),
        approved=np.ones(1, dtype=bool),
        late_after_s=late,
    )
    assert int(approved[0]) == claimed
    no_due = settle_touches(
        first_us=column(first),
        claimed_us=column(claimed),
        recorded_us=column(recorded),
        due_us=column(NO_TIME),
        approved=np.zeros(1, dtype=bool),
        late_after_s=late,
    )
    assert int(no_due[0]) == claimed
