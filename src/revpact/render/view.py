"""The agreement as the document shows it: every section, its figures already written out in
the language (:mod:`revpact.render.formatting`) and its fixed texts taken from the labels.

The templates only lay this out; they decide nothing and format nothing, so the HTML and the
Markdown document always say the same. Every string here is plain text — escaping is the
template environment's job. The values are :mod:`revpact.render.view_model`'s; the signature
page is written by :mod:`revpact.render.signatures`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from revpact.domain.agreement.calendar import day_key_days
from revpact.domain.agreement.model import (
    CANONICAL_LEAD_FIELDS,
    Agreement,
    ConflictMode,
    EscalationLevel,
    Meeting,
    RewardCondition,
)
from revpact.render.formatting import (
    country_name,
    format_date,
    format_days,
    format_duration,
    format_money,
    format_month,
    format_number,
    format_percent,
    format_time,
    weekday_name,
)
from revpact.render.signatures import SignaturePage, signatures_view
from revpact.render.texts import Labels
from revpact.render.view_model import (
    ActionRow,
    CalendarView,
    CommunicationView,
    CompanyGoalsView,
    ConflictView,
    ConsequencesView,
    CriteriaView,
    DatedGoalView,
    DocumentView,
    DutyView,
    Fact,
    LeadRow,
    LevelView,
    MarketingView,
    MeetingView,
    RewardsView,
    RewardView,
    SalesView,
    SignOffView,
    Titled,
)

__all__ = [
    "build_view",
]


class _Writer:
    """Formats the parts of one agreement in one language."""

    def __init__(self, agreement: Agreement, t: Labels) -> None:
        self.agreement = agreement
        self.t = t
        self.lang = t.lang

    def money(self, amount: Decimal | int) -> str:
        return format_money(amount, self.agreement.currency, self.lang)

    def range_of_dates(self, start: date, end: date) -> str:
        return f"{format_date(start, self.lang)} – {format_date(end, self.lang)}"

    def clock(self, seconds: int) -> str:
        """Seconds after midnight as a time of day; the midnight that ends a day is 24:00 where
        the language writes a 24-hour clock (``22:00–24:00``), else its midnight."""
        shown = format_time(time(seconds % 86_400 // 3600, seconds % 3600 // 60), self.lang)
        if seconds == 86_400 and shown.startswith("00"):
            return "24" + shown[2:]
        return shown

    def span(self, start: int, end: int) -> str:
        if (start, end) == (0, 86_400):
            return self.t.text("calendar.all_day")
        return f"{self.clock(start)}–{self.clock(end)}"

    # --- sections ---------------------------------------------------------------------------

    def company_goals(self) -> CompanyGoalsView:
        goals = self.agreement.company_goals
        facts = [
            ("baseline_annual_revenue", self.money(goals.baseline_annual_revenue)),
            ("annual_revenue_target", self.money(goals.annual_revenue_target)),
            ("current_monthly_run_rate", self.money(goals.current_monthly_run_rate)),
            ("target_monthly_run_rate", self.money(goals.target_monthly_run_rate)),
            ("target_run_rate_by", format_month(goals.target_run_rate_by, self.lang)),
            (
                "revenue_source",
                self.t.text(f"company_goals.revenue_sources.{goals.revenue_source.value}"),
            ),
        ]
        return CompanyGoalsView(
            tuple(Fact(self.t.text(f"company_goals.{key}"), value) for key, value in facts),
            tuple(Titled(goal.name, goal.text) for goal in goals.goals),
        )

    def marketing(self) -> MarketingView:
        spec = self.agreement.marketing
        has_sample = bool(spec.sample_month)
        rows = []
        for kind, value in spec.lead_values.items():
            count = spec.sample_month.get(kind, 0)
            rows.append(
                LeadRow(
                    spec.label(kind),
                    self.money(value),
                    format_number(count, self.lang) if has_sample else "",
                    self.money(value * count) if has_sample else "",
                )
            )
        total = LeadRow(
            self.t.text("marketing.total"),
            "",
            format_number(sum(spec.sample_month.values()), self.lang) if has_sample else "",
            self.money(spec.sample_month_value()) if has_sample else "",
        )
        target = Fact(
            self.t.text("marketing.monthly_lead_value_target"),
            self.money(spec.monthly_lead_value_target),
        )
        return MarketingView((target,), tuple(rows), total, has_sample, spec.commitments)

    def _criteria(self, heading: str, criteria: Mapping[str, Iterable[object]]) -> CriteriaView:
        items = []
        for field, values in criteria.items():
            name = self.t.text(f"sales.fields.{field}") if field in CANONICAL_LEAD_FIELDS else field
            shown = [self._criterion_value(field, value) for value in values]
            items.append(f"{name}: " + f" {self.t.text('common.or')} ".join(shown))
        return CriteriaView(heading, tuple(items))

    def _criterion_value(self, field: str, value: object) -> str:
        if isinstance(value, bool):
            return self.t.text("common.yes" if value else "common.no")
        if field == "lead_type":
            return self.agreement.marketing.label(str(value))
        return str(value)

    def _dated_goal(
        self,
        title: str,
        baseline: str,
        milestones: Iterable[tuple[str, date]],
        trajectory: str,
        text: str | None,
    ) -> DatedGoalView:
        t = self.t
        targets = tuple(
            t.text("sales.target_by", target=target, date=format_date(by, self.lang))
            for target, by in milestones
        )
        facts = (
            Fact(t.text("sales.baseline"), baseline),
            Fact(t.text("sales.trajectory"), t.text(f"sales.trajectories.{trajectory}")),
        )
        return DatedGoalView(title, facts, targets, text)

    def sales(self) -> SalesView:
        t, spec = self.t, self.agreement.sales
        follow = spec.follow_up
        at_risk = (
            t.text("sales.at_risk_left", duration=format_duration(follow.at_risk_within, self.lang))
            if follow.at_risk_within
            else t.text("sales.no_at_risk")
        )
        follow_up = (
            Fact(
                t.text("sales.follow_up_within"),
                t.text("sales.business_time", duration=format_duration(follow.within, self.lang)),
            ),
            Fact(t.text("sales.at_risk"), at_risk),
            Fact(
                t.text("sales.compliance_target"),
                format_percent(follow.compliance_target, self.lang),
            ),
        )
        applies_to = self._criteria(t.text("sales.applies_to"), follow.applies_to)
        if not applies_to.items:
            applies_to = CriteriaView(applies_to.heading, (t.text("sales.all_leads"),))
        excludes = self._criteria(t.text("sales.excludes"), follow.excludes)
        if not excludes.items:
            excludes = CriteriaView(excludes.heading, (t.text("common.none"),))
        rate = spec.close_rate
        cycle = spec.sales_cycle_days
        return SalesView(
            follow_up,
            applies_to,
            excludes,
            self._dated_goal(
                t.text("sales.close_rate"),
                format_percent(rate.baseline, self.lang),
                ((format_percent(m.target, self.lang), m.by) for m in rate.milestones),
                rate.trajectory.value,
                rate.text,
            ),
            self._dated_goal(
                t.text("sales.sales_cycle"),
                format_days(cycle.baseline, self.lang),
                ((format_days(m.target, self.lang), m.by) for m in cycle.milestones),
                cycle.trajectory.value,
                cycle.text,
            ),
            spec.commitments,
        )

    def calendar(self) -> CalendarView:
        t, spec = self.t, self.agreement.calendar
        hours = []
        for key, spans in spec.hours.items():
            if not spans:
                continue
            days = day_key_days(key)
            named = weekday_name(days[0], self.lang)
            if len(days) > 1:
                named += "–" + weekday_name(days[-1], self.lang)
            shown = ", ".join(self.span(start, end) for start, end in spans)
            hours.append(f"{named}: {shown}")
        facts = [
            Fact(t.text("calendar.timezone"), spec.timezone),
            Fact(t.text("calendar.hours"), "; ".join(hours)),
        ]
        holidays = spec.holidays
        if holidays.country is None:
            facts.append(Fact(t.text("calendar.holidays"), t.text("common.none")))
        else:
            where = country_name(holidays.country, self.lang)
            if holidays.subdivision:
                where += f" ({holidays.subdivision})"
            facts.append(Fact(t.text("calendar.holidays"), where))
        if holidays.except_:
            worked = [
                format_date(ref, self.lang) if isinstance(ref, date) else ref
                for ref in holidays.except_
            ]
            facts.append(Fact(t.text("calendar.worked_holidays"), ", ".join(worked)))
        if holidays.dates:
            closed = [format_date(day, self.lang) for day in sorted(holidays.dates)]
            facts.append(Fact(t.text("calendar.closed_dates"), ", ".join(closed)))
        some_closed = not all(spec.weekly_spans())
        note = t.text("calendar.other_days_closed") if some_closed else None
        return CalendarView(tuple(facts), note)

    def communication(self) -> CommunicationView:
        t, spec = self.t, self.agreement.communication
        feedback = spec.feedback
        facts = [
            Fact(t.text("communication.within"), format_duration(feedback.within, self.lang)),
            Fact(t.text("communication.clock"), t.text(f"communication.clocks.{feedback.clock}")),
        ]
        if feedback.discussed_at is not None:
            meeting = self.agreement.meeting(feedback.discussed_at)
            facts.append(Fact(t.text("communication.discussed_at"), meeting.name))
        duties = tuple(
            DutyView(
                t.text("communication.duty", team=t.text(f"teams.{duty.team}")),
                Fact(
                    t.text("communication.topics"),
                    ", ".join(t.text(f"communication.topic_names.{x}") for x in duty.topics),
                ),
                duty.text,
            )
            for duty in feedback.duties
        )
        return CommunicationView(spec.statement, tuple(facts), duties)

    def _when(self, meeting: Meeting) -> str:
        t = self.t
        parts = []
        if meeting.weekday is not None:
            day = weekday_name(meeting.weekday.number, self.lang)
            if meeting.week_of_month is not None:
                week = "last" if meeting.week_of_month == -1 else str(meeting.week_of_month)
                day = t.text(
                    "meetings.nth_weekday",
                    ordinal=t.text(f"meetings.ordinals.{week}"),
                    weekday=day,
                )
            parts.append(day)
        if meeting.time is not None:
            parts.append(format_time(meeting.time, self.lang))
        return ", ".join(parts) if parts else t.text("meetings.not_fixed")

    def meetings(self) -> tuple[MeetingView, ...]:
        t = self.t
        return tuple(
            MeetingView(
                meeting.name,
                (
                    Fact(
                        t.text("meetings.cadence"), t.text(f"meetings.cadences.{meeting.cadence}")
                    ),
                    Fact(t.text("meetings.duration"), format_duration(meeting.duration, self.lang)),
                    Fact(
                        t.text("meetings.attendees"),
                        t.text(f"meetings.audiences.{meeting.attendees}"),
                    ),
                    Fact(t.text("meetings.when"), self._when(meeting)),
                ),
                meeting.agenda,
            )
            for meeting in self.agreement.meetings
        )

    def _person(self, email: str) -> str:
        wanted = email.casefold()
        for person in self.agreement.signatories:
            if person.email.casefold() == wanted:
                return f"{person.name} ({person.email})"
        return email

    def conflict(self) -> ConflictView:
        t, spec = self.t, self.agreement.conflict_resolution
        facts = [Fact(t.text("conflict.mode"), t.text(f"conflict.modes.{spec.mode}"))]
        panel: tuple[Titled, ...] = ()
        panel_label = None
        if spec.mode is ConflictMode.PANEL:
            panel_label = t.text("conflict.panel")
            members = [self._person(email) for email in spec.members]
            panel = tuple(
                Titled(role, members[index] if index < len(members) else "")
                for index, role in enumerate(spec.panel)
            )
            if spec.sole_arbiter is not None:
                facts.append(Fact(t.text("conflict.future_arbiter"), spec.sole_arbiter))
        elif spec.sole_arbiter is not None:
            arbiter = spec.sole_arbiter
            if spec.members:
                arbiter += f" — {self._person(spec.members[0])}"
            facts.append(Fact(t.text("conflict.arbiter"), arbiter))
        facts.append(
            Fact(t.text("conflict.presentation"), format_duration(spec.presentation, self.lang))
        )
        binding = t.text("conflict.binding" if spec.binding else "conflict.not_binding")
        return ConflictView(tuple(facts), panel_label, panel, binding)

    def _conditions(self, conditions: Iterable[RewardCondition]) -> tuple[str, ...]:
        return tuple(self.t.text(f"rewards.conditions.{c}") for c in conditions)

    def rewards(self) -> RewardsView:
        t, spec = self.t, self.agreement.rewards
        found = []
        if spec.monthly is not None:
            found.append(
                RewardView(
                    t.text("rewards.monthly"),
                    (
                        Fact(t.text("rewards.pool"), self.money(spec.monthly.pool)),
                        Fact(t.text("rewards.split"), spec.monthly.split),
                    ),
                    t.text("rewards.requires"),
                    self._conditions(spec.monthly.requires),
                )
            )
        if spec.annual is not None:
            found.append(
                RewardView(
                    t.text("rewards.annual"),
                    (Fact(t.text("rewards.reward"), spec.annual.text),),
                    t.text("rewards.requires"),
                    self._conditions(spec.annual.requires),
                )
            )
        empty = None if found else t.text("rewards.no_rewards")
        return RewardsView(spec.statement, tuple(found), empty)

    def _level(self, number: int, level: EscalationLevel) -> LevelView:
        t = self.t
        actions = tuple(
            ActionRow(
                action.text,
                t.text(f"consequences.owners.{action.owner}"),
                format_days(action.due_within_days, self.lang),
            )
            for action in level.actions
        )
        swat: list[str] = []
        if level.swat_team is not None:
            team = level.swat_team
            swat.append(
                f"{t.text('consequences.swat_team')}: "
                + t.text(f"consequences.swat_sources.{team.drawn_from}")
            )
            if team.reports_weekly and team.reports_to is not None:
                swat.append(
                    t.text("consequences.reports_to", team=t.text(f"teams.{team.reports_to}"))
                )
            else:
                swat.append(t.text("consequences.no_reports"))
        heading = t.text(
            "consequences.level", number=number, days=format_days(level.after_days, self.lang)
        )
        return LevelView(heading, actions, tuple(swat))

    def consequences(self) -> ConsequencesView:
        t, spec = self.t, self.agreement.consequences
        levels = tuple(self._level(i, level) for i, level in enumerate(spec.escalation, 1))
        return ConsequencesView(
            spec.statement,
            t.text("consequences.shared_goals"),
            tuple(t.text(f"consequences.goals.{goal}") for goal in spec.shared_goals),
            levels,
            None if levels else t.text("consequences.no_levels"),
        )

    def sign_off(self) -> SignOffView:
        t, spec = self.t, self.agreement.sign_off
        audience = t.text(f"meetings.audiences.{spec.required_from}")
        return SignOffView(spec.text, (Fact(t.text("sign_off.required_from"), audience),))

    def header(self, page: SignaturePage | None) -> tuple[tuple[Fact, ...], str]:
        t, agreement = self.t, self.agreement
        facts = (
            Fact(t.text("document.company"), agreement.company),
            Fact(
                t.text("document.period"),
                self.range_of_dates(agreement.period.start, agreement.period.end),
            ),
        )
        if page is None or page.version_number is None:
            return facts, t.text("document.draft")
        if page.published_at is None:
            return facts, t.text("signatures.version", number=page.version_number)
        local = page.published_at.astimezone(ZoneInfo(agreement.calendar.timezone))
        published = format_date(local.date(), self.lang)
        return facts, t.text("document.version", number=page.version_number, date=published)


def build_view(agreement: Agreement, t: Labels, signatures: SignaturePage | None) -> DocumentView:
    """Everything the templates show, written out in ``t``'s language."""
    writer = _Writer(agreement, t)
    facts, version_line = writer.header(signatures)
    meetings = writer.meetings()
    return DocumentView(
        lang=t.lang,
        title=agreement.title,
        facts=facts,
        version_line=version_line,
        company_goals=writer.company_goals(),
        marketing=writer.marketing(),
        sales=writer.sales(),
        calendar=writer.calendar(),
        communication=writer.communication(),
        meetings=meetings,
        no_meetings=None if meetings else t.text("meetings.no_meetings"),
        conflict=writer.conflict(),
        rewards=writer.rewards(),
        consequences=writer.consequences(),
        sign_off=writer.sign_off(),
        signatures=signatures_view(agreement, t, signatures),
    )
