"""Time travel equals truncation, for what follows from the agreement's rhythm: feedback,
meetings, disputes, reward splits and escalation actions.

Each generated history is a store of leads, deals and revenue (months that earn the reward
pool, months that miss) plus a list of writes, in the order of the times they claim: month
closes, feedback raised and answered, meetings recorded (and corrected), disputes opened, argued,
decided and heard again, reward splits made and corrected, escalation actions done. Every write
goes through its service with ``at=``/``now=``. The full store gets every write; the cut store
gets the facts as :func:`test_time_travel.truncated` cuts them and only the writes claimed by the
cut. Read as of the cut, every figure of both stores is the same.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from test_time_travel import Deal, History, Lead, _month_end, load, truncated

from revpact.domain.agreement.model import Agreement, Cadence
from revpact.domain.meetings import NOTES_PARTS
from revpact.errors import NotFoundError
from revpact.services.accountability import (
    allocate_reward,
    complete_action,
    correct_reward,
    escalation_status,
    file_swat_report,
    list_actions,
    reward_status,
    swat_status,
    sync_escalation,
)
from revpact.services.disputes import (
    decide,
    get_dispute,
    list_disputes,
    name_representative,
    open_dispute,
    record_presentation,
    rehear,
)
from revpact.services.feedback import add_feedback, answer_feedback, list_feedback
from revpact.services.meetings import (
    compliance_report,
    list_records,
    record_meeting,
)
from revpact.services.month_close import close_month
from revpact.services.public.accountability import EscalationPublic, RewardStatusPublic
from revpact.services.public.disputes import DisputePublic
from revpact.services.public.feedback import FeedbackPublic
from revpact.services.public.meetings import ComplianceReportPublic, MeetingRecordPublic
from revpact.store.db import open_store

START = datetime(2020, 1, 1, 5, tzinfo=UTC)  # midnight in New York, the period's first moment
WINDOW_HOURS = 152 * 24  # to 1 June: four months closed, and their rewards and actions after
MONTHS = ("2020-01", "2020-02", "2020-03", "2020-04")

CFO = "david.okafor@company-a.example"
CEO = "margaret.lowell@company-a.example"
CMO = "emily.carter@company-a.example"  # marketing leader
MARKETING_OPS = "priya.raman@company-a.example"  # marketing leader
VP_SALES = "michael.brennan@company-a.example"  # sales leader
SALES_MANAGER = "sarah.whitfield@company-a.example"  # sales leader
CONTENT = "lucas.moreno@company-a.example"
ACCOUNT_EXEC = "kevin.tran@company-a.example"
PANEL = (CMO, VP_SALES, CEO)
LEADERS = (CMO, MARKETING_OPS, VP_SALES, SALES_MANAGER)
ROOMS = (  # who attended: both leaders (counts), one leader missing, nobody who leads
    (CMO, VP_SALES),
    (CEO, CFO, CMO, MARKETING_OPS, VP_SALES, SALES_MANAGER),
    (CMO, CONTENT),
    (CONTENT, ACCOUNT_EXEC),
)
LENGTHS = (20 * 60, 30 * 60, 60 * 60, 75 * 60)  # short of, at and past the agreed lengths
TOPICS = {"marketing": ("follow_up", "process"), "sales": ("lead_quality", "sales_tools")}
DISPUTE_STEPS = (
    "represent-marketing",
    "represent-sales",
    "present-marketing",
    "present-sales",
    "decide",
    "rehear",
    "decide-again",
)


def _at(hours: float) -> datetime:
    return START + timedelta(hours=hours)


# --- the writes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Close:
    at: datetime
    month: str


@dataclass(frozen=True)
class Split:
    at: datetime
    month: str
    shares: tuple[tuple[str, int], ...]
    by: str
    reason: str | None  # None: the leaders' split; else a correction of the newest split


@dataclass(frozen=True)
class ActionDone:
    at: datetime
    month: str
    seq: int


@dataclass(frozen=True)
class Swat:
    at: datetime
    pick: int  # which of the weeks due then (modulo their count)
    body: str


@dataclass(frozen=True)
class Raise:
    at: datetime
    key: int
    event_at: datetime
    from_team: str
    topic: str


@dataclass(frozen=True)
class Answer:
    at: datetime
    key: int  # the Raise it answers


@dataclass(frozen=True)
class Meet:
    at: datetime  # held at (a correction claims the time of the meeting it corrects)
    key: int
    kind: str
    duration: int
    attendees: tuple[str, ...]
    corrects: int | None  # the key of the record it supersedes


@dataclass(frozen=True)
class Step:
    at: datetime
    key: int  # the dispute
    step: str  # "open" or one of DISPUTE_STEPS
    minutes: int = 15


Write = Close | Split | ActionDone | Swat | Raise | Answer | Meet | Step


@dataclass(frozen=True)
class Rhythm:
    earning: frozenset[str]  # the months whose facts meet every goal (:func:`earning_facts`)
    writes: tuple[Write, ...]  # in the order of the times they claim


def cut_rhythm(rhythm: Rhythm, cut: datetime) -> tuple[History, tuple[Write, ...]]:
    """Only what had happened by ``cut``: the facts truncated, the writes claimed by then."""
    facts = truncated(earning_facts(rhythm.earning), cut)
    return facts, tuple(w for w in rhythm.writes if w.at <= cut)


def whole(rhythm: Rhythm) -> tuple[History, tuple[Write, ...]]:
    return earning_facts(rhythm.earning), rhythm.writes


# --- the facts: months that earn the pool and months that miss ----------------------------------


def earning_facts(months: frozenset[str]) -> History:
    """Each month of ``months`` meets every goal: 110 referral leads (550,000) all followed up in
    30 minutes, one proposal won in 4 days, 2,000,000 of revenue. The others have nothing."""
    leads: list[Lead] = []
    deals: list[Deal] = []
    for month in sorted(months):
        year, number = map(int, month.split("-"))
        day6 = datetime(year, number, 6, 15, tzinfo=UTC)  # a weekday, business hours
        leads.extend(
            Lead(
                f"R{number}-{i:03d}",
                "referral",
                "sales_ready",
                True,
                day6,
                day6,
                day6 + timedelta(minutes=30),
                "anna@company-a.example",
            )
            for i in range(110)
        )
        deals.append(
            Deal(
                f"D{number}",
                f"R{number}-000",
                day6 + timedelta(hours=1),
                day6 + timedelta(days=2),
                day6 + timedelta(days=4),
                "won",
                100,
                "anna@company-a.example",
            )
        )
    revenue = tuple((m, 2_000_000) for m in sorted(months))
    return History(tuple(leads), tuple(deals), revenue)


# --- generating histories -------------------------------------------------------------------------

hours_in_window = st.integers(24, WINDOW_HOURS - 1)


def _after(draw: st.DrawFn, moment: datetime, hours: int) -> datetime:
    """A moment a minute to ``hours`` hours after ``moment``."""
    return moment + timedelta(minutes=draw(st.integers(1, hours * 60)))


@st.composite
def accountability(draw: st.DrawFn, earning: frozenset[str]) -> list[Write]:
    """Months closed in order some hours after they end; splits of the closed months that earned
    the pool (some corrected); actions of the closed months that missed, some done."""
    writes: list[Write] = []
    closed = draw(st.integers(0, len(MONTHS)))
    for month in MONTHS[:closed]:
        close = _month_end(month) + timedelta(hours=draw(st.integers(1, 240)))
        writes.append(Close(close, month))
        if month in earning:
            if draw(st.booleans()):
                first = _after(draw, close, 20 * 24)
                a, b = draw(st.sampled_from(LEADERS)), draw(st.sampled_from(LEADERS))
                writes.append(Split(first, month, (("marketing", 2500), ("sales", 2500)), a, None))
                for n in range(draw(st.integers(0, 2))):
                    again = _after(draw, first, 10 * 24)
                    shares = ((a, 1000 * (n + 1)), (CONTENT, 5000 - 1000 * (n + 1)))
                    writes.append(Split(again, month, shares, b, f"correction {n + 1}"))
                    first = again
        else:
            for seq in draw(st.sets(st.integers(1, 4), max_size=3)):
                writes.append(ActionDone(_after(draw, close, 20 * 24), month, seq))
            filed = close
            for n in range(draw(st.integers(0, 2))):  # a SWAT report, sometimes filed again
                filed = _after(draw, filed, 10 * 24)
                writes.append(Swat(filed, draw(st.integers(0, 3)), f"# report {month} {n}\n"))
    return writes


@st.composite
def feedback(draw: st.DrawFn) -> list[Write]:
    writes: list[Write] = []
    for key in range(draw(st.integers(0, 5))):
        raised = _at(draw(hours_in_window))
        side = draw(st.sampled_from(sorted(TOPICS)))
        event = raised - timedelta(hours=draw(st.integers(0, 48)))
        writes.append(Raise(raised, key, event, side, draw(st.sampled_from(TOPICS[side]))))
        if draw(st.booleans()):
            writes.append(Answer(raised + timedelta(hours=draw(st.integers(0, 72))), key))
    return writes


@st.composite
def meetings(draw: st.DrawFn) -> list[Write]:
    writes: list[Write] = []
    keys = count()
    for _ in range(draw(st.integers(0, 6))):
        held = _at(draw(hours_in_window))
        kind = draw(st.sampled_from(("weekly_leadership", "monthly_teams")))
        key = next(keys)
        room, length = draw(st.sampled_from(ROOMS)), draw(st.sampled_from(LENGTHS))
        writes.append(Meet(held, key, kind, length, room, None))
        for _ in range(draw(st.integers(0, 2))):  # corrections, each of the newest record
            again = next(keys)
            room, length = draw(st.sampled_from(ROOMS)), draw(st.sampled_from(LENGTHS))
            writes.append(Meet(held, again, kind, length, room, key))
            key = again
    return writes


@st.composite
def disputes(draw: st.DrawFn) -> list[Write]:
    writes: list[Write] = []
    for key in range(draw(st.integers(0, 3))):
        at = _at(draw(hours_in_window))
        writes.append(Step(at, key, "open"))
        for step in DISPUTE_STEPS[: draw(st.integers(0, len(DISPUTE_STEPS)))]:
            at += timedelta(hours=draw(st.integers(0, 72)))
            writes.append(Step(at, key, step, draw(st.integers(5, 25))))
    return writes


@st.composite
def rhythms(draw: st.DrawFn) -> Rhythm:
    earning = frozenset(draw(st.sets(st.sampled_from(MONTHS))))
    writes = [
        *draw(accountability(earning)),
        *draw(feedback()),
        *draw(meetings()),
        *draw(disputes()),
    ]
    ordered = sorted(enumerate(writes), key=lambda pair: (pair[1].at, pair[0]))
    return Rhythm(earning, tuple(w for _, w in ordered))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Rhythm, datetime]:
    """A history and a moment to cut it at: anywhere in the window, or within three hours of one
    of its writes (where a fact is about to happen, or has just happened)."""
    rhythm = draw(rhythms())
    anywhere = _at(draw(hours_in_window)) + timedelta(minutes=draw(st.integers(0, 59)))
    if not rhythm.writes or draw(st.booleans()):
        return rhythm, anywhere
    near = draw(st.sampled_from(rhythm.writes)).at
    offset = st.sampled_from((-1, 0)) | st.integers(-180, 180)
    return rhythm, max(START, near + timedelta(minutes=draw(offset)))


# --- building a store -----------------------------------------------------------------------------


@dataclass
class Ids:
    """What the services answered for each generated key: feedback, meeting and dispute ids."""

    feedback: dict[int, int] = field(default_factory=dict)
    meetings: dict[int, int] = field(default_factory=dict)
    disputes: dict[int, int] = field(default_factory=dict)


def _recorded(at: datetime) -> datetime:
    return at + timedelta(minutes=5)


def _minutes(kind: str) -> dict[str, str]:
    cadence = Cadence.WEEKLY if kind == "weekly_leadership" else Cadence.MONTHLY
    return {part.key: f"{part.heading}: noted." for part in NOTES_PARTS[cadence]}


def _dispute_step(engine: Engine, agreement: Agreement, write: Step, ids: Ids) -> None:
    at, now = write.at, _recorded(write.at)
    if write.step == "open":
        made = open_dispute(
            engine, agreement, topic=f"dispute {write.key}", raised_by=CMO, at=at, now=now
        )
        ids.disputes[write.key] = made.id
        return
    number = ids.disputes[write.key]
    verb, _, side = write.step.partition("-")
    if verb == "represent":
        member = CMO if side == "marketing" else VP_SALES
        name_representative(engine, agreement, number, team=side, member=member, at=at, now=now)
    elif verb == "present":
        record_presentation(engine, number, team=side, minutes=write.minutes, at=at, now=now)
    elif verb == "rehear":
        rehear(engine, number, attendees=PANEL, reason="new figures", at=at, by=CEO, now=now)
    else:
        current = get_dispute(engine, number).current
        decide(
            engine,
            agreement,
            number,
            decision=f"decision {write.step} of dispute {write.key}",
            by=PANEL,
            supersedes=None if current is None else current.id,
            at=at,
            now=now,
        )


def apply(engine: Engine, agreement: Agreement, write: Write, ids: Ids) -> None:
    """Make ``write`` through its service, claiming its time; recorded five minutes later."""
    now = _recorded(write.at)
    match write:
        case Close(at, month):
            close_month(engine, agreement, month, by=CFO, now=now, via="cli", at=at)
        case Split(at, month, shares, by, reason):
            split = {who: Decimal(amount) for who, amount in shares}
            if reason is None:
                allocate_reward(
                    engine, agreement, month=month, shares=split, as_of=at, by=by, now=now
                )
            else:
                correct_reward(
                    engine,
                    agreement,
                    month=month,
                    shares=split,
                    as_of=at,
                    by=by,
                    reason=reason,
                    now=now,
                )
        case ActionDone(at, month, seq):
            sync_escalation(engine, agreement, as_of=at)
            zone = agreement.calendar.timezone
            issued = [
                a
                for a in list_actions(engine, as_of=at, timezone=zone)
                if f"{a.month:%Y-%m}" == month and a.seq == seq
            ]
            for action in issued:  # none when the month entered no level
                complete_action(engine, month, action.level, seq, at=at, by=CFO, now=now)
        case Swat(at, pick, body):
            due = [w.week for w in swat_status(engine, agreement, as_of=at) if w.due]
            if due:  # none when no month has reached a level that reports weekly
                with tempfile.TemporaryDirectory() as folder:
                    path = Path(folder) / "report.md"
                    path.write_text(body, encoding="utf-8")
                    file_swat_report(
                        engine,
                        agreement,
                        week=due[pick % len(due)],
                        path=path,
                        as_of=at,
                        filed_by=CFO,
                        now=now,
                    )
        case Raise(at, key, event_at, from_team, topic):
            to_team = "sales" if from_team == "marketing" else "marketing"
            made = add_feedback(
                engine,
                agreement,
                from_team=from_team,
                to_team=to_team,
                topic=topic,
                text=f"item {key}",
                by=CMO if from_team == "marketing" else VP_SALES,
                at=at,
                event_at=event_at,
                now=now,
            )
            ids.feedback[key] = made.id
        case Answer(at, key):
            answer_feedback(engine, ids.feedback[key], text="done", by=CFO, at=at, now=now)
        case Meet(at, key, kind, duration, attendees, corrects):
            made_record = record_meeting(
                engine,
                agreement,
                kind=kind,
                held_at=at,
                attendees=attendees,
                duration=duration,
                now=now,
                minutes=_minutes(kind),
                by=CMO,
                supersedes=None if corrects is None else ids.meetings[corrects],
            )
            ids.meetings[key] = made_record.id
        case Step():
            _dispute_step(engine, agreement, write, ids)


def build(engine: Engine, agreement: Agreement, store: tuple[History, tuple[Write, ...]]) -> None:
    """Import the facts, then make the writes in order."""
    facts, writes = store
    load(engine, agreement, facts)
    ids = Ids()
    for write in writes:
        apply(engine, agreement, write, ids)


# --- the figures ----------------------------------------------------------------------------------


def figures(engine: Engine, agreement: Agreement, as_of: datetime) -> dict[str, Any]:
    """Every figure of feedback, meetings, disputes, rewards and escalation as of ``as_of``:
    the values and their JSON twins."""
    items = list_feedback(engine, as_of=as_of)
    report = compliance_report(engine, agreement, as_of=as_of)
    since_first = compliance_report(engine, agreement, as_of=as_of, from_first_record=True)
    records = list_records(engine, as_of=as_of)
    argued = list_disputes(engine, as_of=as_of)
    rewards = reward_status(engine, agreement, as_of=as_of)
    escalation = escalation_status(engine, agreement, as_of=as_of)
    return {
        "feedback": items,
        "feedback_json": [FeedbackPublic.of(item).model_dump(mode="json") for item in items],
        "compliance": report,
        "compliance_json": ComplianceReportPublic.of(report).model_dump(mode="json"),
        "compliance_since_first_json": ComplianceReportPublic.of(since_first).model_dump(
            mode="json"
        ),
        "records_json": [MeetingRecordPublic.of(r).model_dump(mode="json") for r in records],
        "disputes": argued,
        "disputes_json": [DisputePublic.of(d).model_dump(mode="json") for d in argued],
        "each_dispute": [get_dispute(engine, d.id, as_of=as_of) for d in argued],
        "rewards": rewards,
        "rewards_json": RewardStatusPublic.of(rewards).model_dump(mode="json"),
        "escalation": escalation,
        "escalation_json": EscalationPublic.of(escalation).model_dump(mode="json"),
    }


# --- the stores -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stores:
    """A migrated empty store, copied afresh for each example (the logs refuse DELETE)."""

    template: Path
    folder: Path
    numbers: Iterator[int]

    def fresh(self, name: str) -> Engine:
        path = self.folder / f"{name}-{next(self.numbers)}.db"
        shutil.copyfile(self.template, path)
        return open_store(f"sqlite:///{path}")


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Stores:
    folder = tmp_path_factory.mktemp("time-travel-rhythm")
    template = folder / "empty.db"
    open_store(f"sqlite:///{template}").dispose()  # the last close folds the WAL into the file
    return Stores(template, folder, count())


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
def test_every_rhythm_figure_as_of_a_moment_equals_the_truncated_stores(
    stores: Stores, agreement: Agreement, case: tuple[Rhythm, datetime]
) -> None:
    rhythm, as_of = case
    full, short = stores.fresh("full"), stores.fresh("cut")
    try:
        build(full, agreement, whole(rhythm))
        build(short, agreement, cut_rhythm(rhythm, as_of))
        assert figures(full, agreement, as_of) == figures(short, agreement, as_of)
        for number in range(1, len(list_disputes(full)) + 1):
            try:
                shown = get_dispute(full, number, as_of=as_of)
            except NotFoundError:
                with pytest.raises(NotFoundError):
                    get_dispute(short, number, as_of=as_of)
            else:
                assert shown == get_dispute(short, number, as_of=as_of)
    finally:
        full.dispose()
        short.dispose()


# --- the cut is not trivial -----------------------------------------------------------------------

MARCH_CLOSED = _month_end("2020-03") + timedelta(hours=2)


def _one_of_each() -> Rhythm:
    """January earns the pool; February and March miss. Each kind of write happens both before
    and after 10 April 2020, 12:00 UTC."""
    writes: list[Write] = [
        Close(_month_end("2020-01") + timedelta(hours=1), "2020-01"),
        Close(_month_end("2020-02") + timedelta(hours=1), "2020-02"),
        Split(
            datetime(2020, 3, 2, 12, tzinfo=UTC),
            "2020-01",
            ((CMO, 2500), (VP_SALES, 2500)),
            CMO,
            None,
        ),
        Close(MARCH_CLOSED, "2020-03"),
        Raise(
            datetime(2020, 4, 6, 12, tzinfo=UTC),
            0,
            datetime(2020, 4, 5, 12, tzinfo=UTC),
            "sales",
            "lead_quality",
        ),
        Meet(
            datetime(2020, 4, 6, 13, 30, tzinfo=UTC), 0, "weekly_leadership", 1800, ROOMS[0], None
        ),
        Step(datetime(2020, 4, 7, 12, tzinfo=UTC), 0, "open"),
        Step(datetime(2020, 4, 7, 13, tzinfo=UTC), 0, "represent-marketing"),
        Step(datetime(2020, 4, 7, 14, tzinfo=UTC), 0, "represent-sales"),
        Step(datetime(2020, 4, 8, 12, tzinfo=UTC), 0, "present-marketing", 10),
        Step(datetime(2020, 4, 8, 13, tzinfo=UTC), 0, "present-sales", 20),
        Step(datetime(2020, 4, 9, 12, tzinfo=UTC), 0, "decide"),
        # after the cut
        Answer(datetime(2020, 4, 10, 15, tzinfo=UTC), 0),
        ActionDone(datetime(2020, 4, 11, 12, tzinfo=UTC), "2020-03", 1),
        Step(datetime(2020, 4, 12, 12, tzinfo=UTC), 0, "rehear"),
        Step(datetime(2020, 4, 13, 12, tzinfo=UTC), 0, "decide-again"),
        Meet(
            datetime(2020, 4, 13, 13, 30, tzinfo=UTC), 1, "weekly_leadership", 1800, ROOMS[1], None
        ),
        Split(
            datetime(2020, 4, 14, 12, tzinfo=UTC),
            "2020-01",
            ((CMO, 1000), (CONTENT, 4000)),
            VP_SALES,
            "a recipient was missed",
        ),
        Close(_month_end("2020-04") + timedelta(hours=1), "2020-04"),
    ]
    return Rhythm(frozenset({"2020-01"}), tuple(writes))


def test_the_cut_drops_what_happened_later(stores: Stores, agreement: Agreement) -> None:
    """Cut on 10 April, the store forgets the answer, the action done, the rehearing and the new
    decision, the second meeting, the corrected split and April's close — and the full store,
    read as of the cut, does not show them either (else the property could not fail)."""
    rhythm = _one_of_each()
    cut = datetime(2020, 4, 10, 12, tzinfo=UTC)
    facts, writes = cut_rhythm(rhythm, cut)
    assert len(writes) == 12 and all(w.at <= cut for w in writes)
    assert len(facts.leads) == 110 and facts.revenue == (("2020-01", 2_000_000),)
    full = stores.fresh("full")
    try:
        build(full, agreement, whole(rhythm))
        then, later = figures(full, agreement, cut), figures(full, agreement, _at(WINDOW_HOURS))
        assert then["feedback"][0].answer is None and later["feedback"][0].answer == "done"
        assert [d.current.number for d in then["disputes"] if d.current] == [1]
        assert [d.current.number for d in later["disputes"] if d.current] == [2]
        assert len(then["records_json"]) == 1 and len(later["records_json"]) == 2
        assert [len(m.history) for m in then["rewards"].months] == [1]
        assert [len(m.history) for m in later["rewards"].months] == [2]
        march = [a for a in then["escalation"].actions if f"{a.month:%Y-%m}" == "2020-03"]
        assert march and not any(a.done for a in march)
        done = [a for a in later["escalation"].actions if a.done]
        assert [(f"{a.month:%Y-%m}", a.seq) for a in done] == [("2020-03", 1)]
        assert then["escalation_json"] != later["escalation_json"]
        # read before March was closed, its actions are not issued yet
        before = escalation_status(full, agreement, as_of=MARCH_CLOSED - timedelta(minutes=1))
        assert not [a for a in before.actions if f"{a.month:%Y-%m}" == "2020-03"]
    finally:
        full.dispose()
