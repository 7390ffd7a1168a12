from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from pydantic import ValidationError

from revpact.domain.agreement.model import (
    Agreement,
    CalendarSpec,
    FollowUpSpec,
    HolidaysSpec,
    SalesCycleGoal,
    Trajectory,
)
from revpact.domain.clock.calendar import BusinessCalendar
from revpact.domain.clock.sla import FollowUpRule
from revpact.ingest.agreement_file import company_a_template, parse_agreement

NY = ZoneInfo("America/New_York")
NINE_TO_FIVE = ((9 * 3600, 17 * 3600),)


@pytest.fixture(scope="module")
def company_a() -> Agreement:
    return parse_agreement(company_a_template("en"))


def _raw() -> dict[str, Any]:
    data = yaml.safe_load(company_a_template("en"))
    assert isinstance(data, dict)
    return data


def _with(change: dict[str, Any]) -> Agreement:
    """Company A with some top-level sections replaced or edited."""
    data = _raw()
    data.update(change)
    return Agreement.model_validate(data)


# --- the Company A agreement --------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_both_templates_validate(lang: str) -> None:
    agreement = parse_agreement(company_a_template(lang))  # type: ignore[arg-type]
    assert agreement.language == lang
    assert agreement.currency == "USD"
    assert agreement.period.start == date(2020, 1, 1)
    assert agreement.period.end == date(2020, 12, 31)


def test_company_a_numbers(company_a: Agreement) -> None:
    goals = company_a.company_goals
    assert goals.baseline_annual_revenue == Decimal(10_000_000)
    assert goals.annual_revenue_target == Decimal(15_000_000)
    assert goals.current_monthly_run_rate == Decimal(833_000)
    assert goals.target_monthly_run_rate == Decimal(1_250_000)
    assert goals.target_run_rate_by == date(2020, 6, 1)
    assert [goal.name for goal in goals.goals] == ["Goal 1", "Goal 2", "Goal 3"]
    assert company_a.lead_types() == ("referral", "content", "webinar", "internet_sales_ready")
    assert company_a.marketing.lead_values == {
        "referral": Decimal(5000),
        "content": Decimal(1000),
        "webinar": Decimal(2000),
        "internet_sales_ready": Decimal(4000),
    }
    assert all(isinstance(v, Decimal) for v in company_a.marketing.lead_values.values())
    assert company_a.marketing.sample_month_value() == Decimal(550_000)
    assert company_a.marketing.monthly_lead_value_target == Decimal(550_000)
    assert company_a.marketing.label("internet_sales_ready") == "Internet sales-ready leads"
    sales = company_a.sales
    assert sales.follow_up.within == 3600
    assert sales.follow_up.at_risk_within == 900
    assert sales.follow_up.compliance_target == Decimal(1)
    assert sales.close_rate.baseline == Decimal("0.25")
    assert [(m.by, m.target) for m in sales.close_rate.milestones] == [
        (date(2020, 6, 30), Decimal("0.35")),
        (date(2020, 12, 31), Decimal("0.5")),
    ]
    assert sales.sales_cycle_days.baseline == 45
    assert [m.target for m in sales.sales_cycle_days.milestones] == [40, 35]
    assert company_a.communication.feedback.within == 24 * 3600
    assert [m.duration for m in company_a.meetings] == [30 * 60, 3600]
    assert company_a.conflict_resolution.presentation == 15 * 60
    assert company_a.rewards.monthly is not None
    assert company_a.rewards.monthly.pool == Decimal(5000)
    assert [level.after_days for level in company_a.consequences.escalation] == [30, 60, 90]
    assert 8 <= len(company_a.signatories) <= 12
    assert {person.team for person in company_a.signatories} == {"marketing", "sales", "executive"}


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_round_trips_through_python_and_json(lang: str) -> None:
    agreement = parse_agreement(company_a_template(lang))  # type: ignore[arg-type]
    assert Agreement.model_validate(agreement.model_dump(by_alias=True)) == agreement
    as_json = agreement.model_dump_json(by_alias=True)
    assert Agreement.model_validate_json(as_json) == agreement
    dumped = agreement.model_dump(mode="json", by_alias=True)
    assert dumped["sales"]["follow_up"]["within"] == "1h"
    assert dumped["marketing"]["lead_values"]["referral"] == "5000"
    assert dumped["calendar"]["hours"] == {"mon-fri": ["09:00-17:00"]}
    assert dumped["company_goals"]["target_run_rate_by"] == "2020-06"


# --- calendar -----------------------------------------------------------------------------------


def test_weekly_spans_of_company_a(company_a: Agreement) -> None:
    assert company_a.calendar.weekly_spans() == (NINE_TO_FIVE,) * 5 + ((), ())


def _calendar(hours: dict[str, Any], **holidays: Any) -> CalendarSpec:
    return CalendarSpec.model_validate(
        {"timezone": "America/New_York", "hours": hours, "holidays": holidays}
    )


def test_weekly_spans_merge_and_sort() -> None:
    spec = _calendar(
        {
            "mon-thu": ["12:00-17:00", "08:00-12:00"],
            "fri": "08:00-12:00",
            "sat-sun": ["22:00-24:00", "00:00-02:00"],
        }
    )
    assert spec.weekly_spans() == (
        ((8 * 3600, 17 * 3600),),
        ((8 * 3600, 17 * 3600),),
        ((8 * 3600, 17 * 3600),),
        ((8 * 3600, 17 * 3600),),
        ((8 * 3600, 12 * 3600),),
        ((0, 2 * 3600), (22 * 3600, 86400)),
        ((0, 2 * 3600), (22 * 3600, 86400)),
    )


def test_lunch_break_keeps_both_spans() -> None:
    spec = _calendar({"mon-fri": ["08:00-12:00", "12:30-16:30"]})
    assert spec.weekly_spans()[0] == ((8 * 3600, 12 * 3600), (12 * 3600 + 1800, 16 * 3600 + 1800))


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (
            {"mon-fri": ["09:00-17:00"], "mon": ["18:00-19:00"]},
            'mon is already listed under "mon-fri"',
        ),
        ({"mon": ["09:00-13:00", "12:00-17:00"]}, '"09:00-13:00" and "12:00-17:00" overlap'),
        ({"mon": ["17:00-09:00"]}, "cannot cross midnight"),
        ({"mon": ["09:00-25:00"]}, "is not a span of hours"),
        ({"monday": ["09:00-17:00"]}, '"monday" is not a day'),
        ({"fri-mon": ["09:00-17:00"]}, "runs backwards"),
        ({"mon-fri": []}, "no business hours at all"),
    ],
)
def test_bad_hours(hours: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _calendar(hours)


def test_bad_timezone_suggests() -> None:
    with pytest.raises(ValidationError, match='did you mean "America/New_York"'):
        CalendarSpec.model_validate(
            {"timezone": "America/New_Yrok", "hours": {"mon": "09:00-17:00"}}
        )


US_2020_CLOSED = {
    date(2020, 1, 1),  # New Year's Day
    date(2020, 1, 20),  # Martin Luther King Jr. Day
    date(2020, 2, 17),  # Washington's Birthday
    date(2020, 5, 25),  # Memorial Day
    date(2020, 7, 3),  # Independence Day (observed)
    date(2020, 7, 4),  # Independence Day
    date(2020, 9, 7),  # Labor Day
    date(2020, 11, 26),  # Thanksgiving Day
    date(2020, 11, 27),  # extra: the day after Thanksgiving
    date(2020, 12, 24),  # extra: Christmas Eve
    date(2020, 12, 25),  # Christmas Day
}


def test_closed_dates_of_company_a_2020(company_a: Agreement) -> None:
    closed = company_a.calendar.closed_dates(date(2020, 1, 1), date(2020, 12, 31))
    assert closed == US_2020_CLOSED
    for worked in (date(2020, 2, 12), date(2020, 10, 12), date(2020, 11, 3), date(2020, 11, 11)):
        assert worked not in closed  # Lincoln's Birthday, Columbus Day, Election Day, Veterans Day


def test_closed_dates_window_and_years(company_a: Agreement) -> None:
    closed = company_a.calendar.closed_dates(date(2020, 12, 25), date(2021, 1, 31))
    assert closed == {date(2020, 12, 25), date(2021, 1, 1), date(2021, 1, 18)}
    assert company_a.calendar.closed_dates(date(2020, 3, 1), date(2020, 3, 31)) == frozenset()
    assert company_a.calendar.closed_dates(date(2020, 12, 31), date(2020, 1, 1)) == frozenset()


def test_except_by_name_covers_the_observed_day_and_ignores_case() -> None:
    spec = HolidaysSpec.model_validate({"country": "us", "except": ["independence DAY"]})
    closed = spec.closed_dates(date(2020, 7, 1), date(2020, 7, 31))
    assert closed == frozenset()
    assert spec.country == "US"


def test_except_by_date() -> None:
    spec = HolidaysSpec.model_validate(
        {"country": "US", "subdivision": "NY", "except": ["2020-11-11"], "dates": ["2020-11-12"]}
    )
    assert spec.closed_dates(date(2020, 11, 1), date(2020, 11, 30)) == {
        date(2020, 11, 3),
        date(2020, 11, 12),
        date(2020, 11, 26),
    }


def test_no_country_means_only_listed_dates() -> None:
    spec = HolidaysSpec.model_validate({"dates": [date(2020, 5, 1)]})
    assert spec.closed_dates(date(2020, 1, 1), date(2020, 12, 31)) == {date(2020, 5, 1)}


@pytest.mark.parametrize(
    ("holidays", "message"),
    [
        ({"country": "XX"}, '"XX" is not a country code python-holidays knows'),
        (
            {"country": "US", "subdivision": "ZZ"},
            '"ZZ" is not a subdivision of US; write one of: AK',
        ),
        ({"subdivision": "NY"}, "a subdivision needs a country"),
        ({"country": "US", "except": ["Columbus"]}, 'did you mean "Columbus Day"'),
        ({"country": "US", "except": ["2020-11-12"]}, "2020-11-12 is not a US holiday"),
        ({"country": "PL", "except": ["Thanksgiving Day"]}, "is not a PL holiday name"),
    ],
)
def test_bad_holidays(holidays: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        HolidaysSpec.model_validate(holidays)


def test_business_calendar_runs_on_the_agreement(company_a: Agreement) -> None:
    calendar = company_a.business_calendar()
    assert isinstance(calendar, BusinessCalendar)
    # A Saturday-noon lead is due Monday 10:00, not Monday 13:00 (DST began on Sunday 8 March).
    saturday_noon = datetime(2020, 3, 7, 12, 0, tzinfo=NY)
    assert calendar.add_business_seconds(saturday_noon, 3600) == datetime(
        2020, 3, 9, 14, 0, tzinfo=UTC
    )
    # Thanksgiving and the day after are closed: Wednesday 16:30 is due Monday 09:30.
    wednesday = datetime(2020, 11, 25, 16, 30, tzinfo=NY)
    due = calendar.add_business_seconds(wednesday, 3600)
    assert due.astimezone(NY) == datetime(2020, 11, 30, 9, 30, tzinfo=NY)


def test_follow_up_rule(company_a: Agreement) -> None:
    assert company_a.follow_up_rule() == FollowUpRule(within_seconds=3600, at_risk_seconds=900)


# --- which leads the promise covers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("attrs", "covered"),
    [
        ({"requested_follow_up": True, "lead_type": "content", "stage": "late"}, True),
        ({"requested_follow_up": "yes", "lead_type": "referral"}, True),
        ({"requested_follow_up": "1", "lead_type": "referral"}, True),
        ({"requested_follow_up": " TRUE ", "lead_type": "referral"}, True),
        ({"requested_follow_up": 1, "lead_type": "referral"}, True),
        ({"requested_follow_up": True}, True),  # no lead_type/stage: nothing excludes it
        ({"requested_follow_up": False, "lead_type": "content"}, False),
        ({"requested_follow_up": "no", "lead_type": "content"}, False),
        ({"requested_follow_up": "maybe", "lead_type": "content"}, False),
        ({"lead_type": "content"}, False),  # missing field matches nothing
        ({"requested_follow_up": None, "lead_type": "content"}, False),
        ({"requested_follow_up": True, "lead_type": "webinar"}, False),
        ({"requested_follow_up": True, "lead_type": " Webinar "}, False),
        ({"requested_follow_up": True, "lead_type": "content", "stage": "early"}, False),
        ({"requested_follow_up": True, "lead_type": "content", "stage": "EARLY"}, False),
        ({"requested_follow_up": True, "lead_type": "content", "stage": None}, True),
    ],
)
def test_applies_for_company_a(
    company_a: Agreement, attrs: dict[str, object], covered: bool
) -> None:
    assert company_a.sales.follow_up.applies(attrs) is covered


def test_applies_with_lists_scalars_and_extra_fields() -> None:
    spec = FollowUpSpec.model_validate(
        {
            "within": "2h",
            "at_risk_within": "0s",
            "applies_to": {"region": ["EMEA", "apac"], "requested_follow_up": True},
            "excludes": {"owner": "bot", "score": 0},
        }
    )
    assert spec.applies({"region": "emea", "requested_follow_up": "true", "owner": "ann"})
    assert spec.applies({"region": "APAC", "requested_follow_up": True})
    assert not spec.applies({"region": "us", "requested_follow_up": True})
    assert not spec.applies({"region": "emea", "requested_follow_up": True, "owner": " Bot"})
    assert not spec.applies({"region": "emea", "requested_follow_up": True, "score": 0})
    assert spec.applies({"region": "emea", "requested_follow_up": True, "score": 10})


def test_no_criteria_covers_every_lead() -> None:
    spec = FollowUpSpec(within=3600, at_risk_within=0)
    assert spec.applies({})
    assert spec.applies({"lead_type": "anything"})


@pytest.mark.parametrize(
    ("follow_up", "message"),
    [
        ({"within": "0s", "at_risk_within": "0s"}, "must be more than 0s"),
        ({"within": "1h", "at_risk_within": "1h"}, "must be shorter than within"),
        (
            {"within": "1 hour", "at_risk_within": "0s"},
            '"1 hour" is not a duration; write 60m or 1h',
        ),
        (
            {"within": "1h", "at_risk_within": "0s", "applies_to": {"requested_follow_up": "y"}},
            "must be true or false",
        ),
        ({"within": "1h", "at_risk_within": "0s", "excludes": {"stage": []}}, "an empty list"),
        ({"within": "1h", "at_risk_within": "0s", "excludes": {"Stage": "x"}}, "is not a name"),
        ({"within": "1h", "at_risk_within": "0s", "compliance_target": 95}, "is not a percentage"),
    ],
)
def test_bad_follow_up(follow_up: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        FollowUpSpec.model_validate(follow_up)


def test_percentages_read_both_ways() -> None:
    for written in ("95%", "0.95", Decimal("0.95"), 0.95):
        spec = FollowUpSpec.model_validate(
            {"within": "1h", "at_risk_within": "0s", "compliance_target": written}
        )
        assert spec.compliance_target == Decimal("0.95")


def test_unknown_lead_type_in_excludes() -> None:
    sales = _raw()["sales"]
    sales["follow_up"]["excludes"]["lead_type"] = ["webinar", "podcast"]
    with pytest.raises(ValidationError) as caught:
        _with({"sales": sales})
    (error,) = caught.value.errors()
    assert error["loc"] == ("sales", "follow_up", "excludes", "lead_type", 1)
    assert error["msg"] == (
        '"podcast" is not a lead type in marketing.lead_values '
        "(known: referral, content, webinar, internet_sales_ready)"
    )


# --- fingerprint --------------------------------------------------------------------------------


def _edited(section: str, edit: Any) -> Agreement:
    data = _raw()
    edit(data[section])
    return Agreement.model_validate(data)


def test_fingerprint_changes_with_the_clock(company_a: Agreement) -> None:
    before = company_a.sla_fingerprint()
    assert len(before) == 64
    changed = [
        _edited("sales", lambda s: s["follow_up"].update(within="2h")),
        _edited("sales", lambda s: s["follow_up"].update(at_risk_within="10m")),
        _edited("sales", lambda s: s["follow_up"]["excludes"].update(stage=["early", "mid"])),
        _edited("calendar", lambda c: c.update(hours={"mon-fri": ["08:00-17:00"]})),
        _edited("calendar", lambda c: c.update(timezone="America/Chicago")),
        _edited("calendar", lambda c: c["holidays"].update(dates=["2020-12-24"])),
    ]
    fingerprints = {agreement.sla_fingerprint() for agreement in changed}
    assert before not in fingerprints
    assert len(fingerprints) == len(changed)


def test_fingerprint_ignores_everything_else(company_a: Agreement) -> None:
    def rename_first(people: list[dict[str, Any]]) -> None:
        people[0]["name"] = "Someone Else"

    same = [
        _edited("signatories", rename_first),
        _edited("sales", lambda s: s["follow_up"].update(compliance_target="95%")),
        _edited("sales", lambda s: s["close_rate"].update(baseline="20%")),
        _edited("marketing", lambda m: m.update(monthly_lead_value_target=600000)),
        _edited(
            "calendar",
            lambda c: c.update(
                hours={"mon-thu": ["09:00-17:00"], "fri": ["09:00-12:00", "12:00-17:00"]}
            ),
        ),
        _edited("sales", lambda s: s["follow_up"]["excludes"].update(stage="EARLY")),
        parse_agreement(company_a_template("pl")),
    ]
    assert {agreement.sla_fingerprint() for agreement in same} == {company_a.sla_fingerprint()}


# --- goals and dates ----------------------------------------------------------------------------


def test_close_rate_trajectory(company_a: Agreement) -> None:
    goal, start = company_a.sales.close_rate, company_a.period.start
    assert goal.trajectory is Trajectory.LINEAR
    assert goal.target_on(date(2019, 12, 1), start=start) == Decimal("0.25")
    assert goal.target_on(start, start=start) == Decimal("0.25")
    assert goal.target_on(date(2020, 6, 30), start=start) == Decimal("0.35")
    assert Decimal("0.29") < goal.target_on(date(2020, 3, 31), start=start) < Decimal("0.31")
    assert goal.target_on(date(2020, 12, 31), start=start) == Decimal("0.5")
    assert goal.target_on(date(2021, 3, 1), start=start) == Decimal("0.5")


def test_step_trajectory() -> None:
    goal = SalesCycleGoal.model_validate(
        {
            "baseline": 45,
            "trajectory": "step",
            "milestones": [{"by": "2020-06-30", "target": 40}, {"by": "2020-12-31", "target": 35}],
        }
    )
    start = date(2020, 1, 1)
    assert goal.target_on(date(2020, 6, 29), start=start) == 45
    assert goal.target_on(date(2020, 6, 30), start=start) == 40
    assert goal.target_on(date(2020, 12, 30), start=start) == 40
    assert goal.target_on(date(2020, 12, 31), start=start) == 35


def test_milestones_must_increase_and_stay_in_the_period() -> None:
    with pytest.raises(ValidationError, match=r"2020-03-31 is not after the milestone before it"):
        SalesCycleGoal.model_validate(
            {
                "baseline": 45,
                "milestones": [
                    {"by": "2020-06-30", "target": 40},
                    {"by": "2020-03-31", "target": 35},
                ],
            }
        )
    sales = _raw()["sales"]
    sales["sales_cycle_days"]["milestones"][1]["by"] = date(2021, 1, 31)
    with pytest.raises(ValidationError) as caught:
        _with({"sales": sales})
    (error,) = caught.value.errors()
    assert error["loc"] == ("sales", "sales_cycle_days", "milestones", 1, "by")
    assert error["msg"] == "2021-01-31 is outside the agreement period 2020-01-01..2020-12-31"


def test_period_must_run_forward() -> None:
    with pytest.raises(ValidationError, match="2019-12-31 is not after start 2020-01-01"):
        _with({"period": {"start": "2020-01-01", "end": "2019-12-31"}})


def test_meeting_references_and_unique_people() -> None:
    communication = _raw()["communication"]
    communication["feedback"]["discussed_at"] = "daily_standup"
    with pytest.raises(ValidationError, match='"daily_standup" is not the id of a meeting'):
        _with({"communication": communication})
    people = _raw()["signatories"]
    people.append(dict(people[0], name="Twin", email=people[0]["email"].upper()))
    with pytest.raises(ValidationError, match="is listed twice"):
        _with({"signatories": people})


def test_models_are_frozen(company_a: Agreement) -> None:
    with pytest.raises(ValidationError):
        company_a.sales.follow_up.within = 60  # type: ignore[misc]
