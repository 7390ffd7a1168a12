from __future__ import annotations

from collections.abc import Callable
from datetime import time
from decimal import Decimal
from pathlib import Path
from time import monotonic
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revpact.domain.agreement.model import Agreement
from revpact.errors import AgreementError
from revpact.ingest.agreement_file import (
    MAX_SIZE,
    company_a_template,
    load_agreement,
    parse_agreement,
    validation_problems,
)

EN = company_a_template("en")
PL = company_a_template("pl")


def edit(old: str, new: str, text: str = EN) -> tuple[str, int]:
    """``text`` with the first ``old`` replaced by ``new``, and the line ``new`` starts on."""
    assert old in text, old
    edited = text.replace(old, new, 1)
    return edited, edited[: edited.index(new)].count("\n") + 1


def line_of(fragment: str, text: str = EN) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def only_problem(text: str) -> str:
    problems = validation_problems(text, "revpact.yaml")
    assert len(problems) == 1, problems
    return problems[0]


# --- templates ----------------------------------------------------------------------------------


def test_templates_validate() -> None:
    assert validation_problems(EN, "company-a.en.yaml") == []
    assert validation_problems(PL, "company-a.pl.yaml") == []
    assert parse_agreement(EN).language == "en"
    assert parse_agreement(PL).language == "pl"


TEXT_KEYS = {"title", "company", "language", "text", "name", "statement", "split", "role"}
TEXT_KEYS |= {"sole_arbiter", "commitments", "agenda", "panel"}
TEXT_MAPS = {"lead_labels"}


def _compare(en: Any, pl: Any, path: str, textual: bool, differing: list[str]) -> None:
    """Walk both files side by side: same keys, same numbers; only texts may differ."""
    if isinstance(en, dict):
        assert isinstance(pl, dict) and list(en) == list(pl), path
        for name in en:
            in_text = name in TEXT_KEYS or path.rsplit(".", 1)[-1] in TEXT_MAPS
            _compare(en[name], pl[name], f"{path}.{name}", in_text, differing)
    elif isinstance(en, list):
        assert isinstance(pl, list) and len(en) == len(pl), path
        for index, (left, right) in enumerate(zip(en, pl, strict=True)):
            _compare(left, right, f"{path}[{index}]", textual, differing)
    elif isinstance(en, str) and textual:
        assert isinstance(pl, str), path
        if en != pl:
            differing.append(path)
    else:
        assert en == pl and type(en) is type(pl), path


def test_templates_have_the_same_keys_and_numbers() -> None:
    differing: list[str] = []
    _compare(yaml.safe_load(EN), yaml.safe_load(PL), "", False, differing)
    for translated in (
        ".title",
        ".language",
        ".company_goals.goals[0].text",
        ".marketing.lead_labels.webinar",
        ".marketing.commitments[0]",
        ".sales.commitments[1]",
        ".meetings[0].agenda[3]",
        ".rewards.annual.text",
        ".consequences.escalation[2].actions[2].text",
        ".sign_off.text",
    ):
        assert translated in differing


def test_polish_template_is_polish() -> None:
    agreement = parse_agreement(PL)
    assert "Meksyku" in (agreement.rewards.annual.text if agreement.rewards.annual else "")
    assert agreement.marketing.label("referral") == "Leady z poleceń"
    assert "żywy dokument" in agreement.sign_off.text
    assert agreement.company_goals.goals[2].name == "Cel 3"
    for letter in "ąćęłńóśźż":
        assert letter in PL


def test_unknown_template_language() -> None:
    with pytest.raises(ValueError, match='no template in "de"'):
        company_a_template("de")  # type: ignore[arg-type]


# --- exact messages with line numbers ---------------------------------------------------------


def test_duration_message() -> None:
    text, line = edit("within: 1h ", 'within: "1 hour" ')
    assert only_problem(text) == (
        f'sales.follow_up.within (line {line}): "1 hour" is not a duration; write 60m or 1h'
    )


def test_unknown_key_suggests() -> None:
    text, line = edit("  timezone: America/New_York", "  timezon: America/New_York")
    problems = validation_problems(text, "revpact.yaml")
    assert f'calendar.timezon (line {line}): unknown key "timezon"; did you mean "timezone"?' in (
        problems
    )
    assert f"calendar.timezone (line {line_of('calendar:')}): is required but missing" in problems


def test_unknown_key_without_a_close_match_lists_the_keys() -> None:
    text, line = edit("    at_risk_within: 15m", "    colour: blue\n    at_risk_within: 15m")
    assert only_problem(text) == (
        f'sales.follow_up.colour (line {line}): unknown key "colour"; the keys here are: '
        "within, at_risk_within, applies_to, excludes, compliance_target, late_entry_after"
    )


def test_unknown_top_level_key() -> None:
    text, line = edit("currency: USD", "curency: USD")
    problems = validation_problems(text, "revpact.yaml")
    assert f'curency (line {line}): unknown key "curency"; did you mean "currency"?' in problems
    assert f"currency (line {line_of('title:')}): is required but missing" in problems


def test_missing_key_names_the_path_at_its_section() -> None:
    text = EN.replace("    within: 1h                         # business time\n", "", 1)
    assert only_problem(text) == (
        f"sales.follow_up.within (line {line_of('  follow_up:', text)}): is required but missing"
    )


def test_bad_timezone() -> None:
    text, line = edit("timezone: America/New_York", "timezone: Mars/Olympus_Mons")
    assert only_problem(text) == (
        f'calendar.timezone (line {line}): "Mars/Olympus_Mons" is not an IANA time zone; '
        "write an IANA name such as America/New_York"
    )


def test_overlapping_spans() -> None:
    text, line = edit('mon-fri: ["09:00-17:00"]', 'mon-fri: ["09:00-13:00", "12:00-17:00"]')
    assert only_problem(text) == (
        f'calendar.hours.mon-fri (line {line}): "09:00-13:00" and "12:00-17:00" overlap'
    )


def test_day_listed_twice() -> None:
    text, line = edit(
        '    mon-fri: ["09:00-17:00"]', '    mon-fri: ["09:00-17:00"]\n    fri: ["18:00-20:00"]'
    )
    assert only_problem(text) == (
        f'calendar.hours.fri (line {line + 1}): fri is already listed under "mon-fri"; '
        "list each day once"
    )


def test_unknown_lead_type_in_excludes() -> None:
    text, line = edit("excludes: {lead_type: [webinar]", "excludes: {lead_type: [webinars]")
    assert only_problem(text) == (
        f'sales.follow_up.excludes.lead_type[0] (line {line}): "webinars" is not a lead type in '
        "marketing.lead_values (known: referral, content, webinar, internet_sales_ready)"
    )


def test_a_single_value_has_no_index_in_the_path() -> None:
    text, line = edit("excludes: {lead_type: [webinar]", "excludes: {lead_type: podcast")
    assert only_problem(text).startswith(
        f'sales.follow_up.excludes.lead_type (line {line}): "podcast" is not a lead type'
    )


def test_unknown_lead_type_in_sample_month() -> None:
    text, line = edit("    referral: 10\n", "    referal: 10\n")
    assert only_problem(text).startswith(
        f'marketing.sample_month.referal (line {line}): "referal" is not a lead type'
    )


def test_list_items_are_numbered_from_zero() -> None:
    text, line = edit("email: kevin.tran@company-a.example", "email: kevin.tran")
    assert (
        only_problem(text)
        == f'signatories[8].email (line {line}): "kevin.tran" is not an email address'
    )


def test_enum_choices() -> None:
    text, line = edit("    cadence: weekly", "    cadence: daily")
    assert only_problem(text) == (
        f'meetings[0].cadence (line {line}): "daily" is not allowed here; '
        "write one of: weekly, monthly"
    )
    text, line = edit("language: en", "language: de")
    assert (
        only_problem(text)
        == f'language (line {line}): "de" is not allowed here; write one of: en, pl'
    )


def test_percent_and_money_messages() -> None:
    text, line = edit("baseline: 25%", "baseline: 125")
    assert only_problem(text) == (
        f"sales.close_rate.baseline (line {line}): 125 is not a percentage between 0% and 100%; "
        "write 25% or 0.25"
    )
    text, line = edit("    referral: 5000", '    referral: "$5,000"')
    assert only_problem(text) == (
        f'marketing.lead_values.referral (line {line}): "$5,000" is not an amount; '
        "write a plain number such as 5000"
    )


def test_milestone_outside_the_period() -> None:
    text, line = edit("- {by: 2020-12-31, target: 35}", "- {by: 2021-01-31, target: 35}")
    assert only_problem(text) == (
        f"sales.sales_cycle_days.milestones[1].by (line {line}): "
        "2021-01-31 is outside the agreement period 2020-01-01..2020-12-31"
    )


def test_bad_date() -> None:
    text, line = edit("  end: 2020-12-31", "  end: 2020-02-30")
    assert (
        only_problem(text)
        == f'period.end (line {line}): "2020-02-30" is not a date; write it as 2020-06-30'
    )


def test_holiday_problems() -> None:
    text, line = edit('"Columbus Day"', '"Columbus"')
    assert only_problem(text) == (
        f'calendar.holidays.except[2] (line {line}): "Columbus" is not a US/NY holiday name; '
        'did you mean "Columbus Day"?'
    )
    text, line = edit("country: US", "country: NO")
    assert only_problem(text) == (
        f'calendar.holidays.country (line {line}): expected text, got "NO"; '
        'put it in quotes if you mean the text "NO"'
    )
    text, line = edit("subdivision: NY", "subdivision: XY")
    assert only_problem(text).startswith(
        f'calendar.holidays.subdivision (line {line}): "XY" is not a subdivision of US; '
        "write one of:"
    )


def test_duplicate_keys() -> None:
    text, line = edit("  required_from: all ", "  required_from: all\n  required_from: all ")
    assert only_problem(text) == (
        f"sign_off.required_from (line {line + 1}): is listed twice "
        f"(first on line {line}); keep one"
    )


def test_every_problem_is_reported_in_line_order() -> None:
    text, _ = edit("language: en", "language: xx")
    text, _ = edit("within: 1h ", "within: soon ", text)
    text, _ = edit("email: kevin.tran@company-a.example", "email: nobody", text)
    problems = validation_problems(text, "revpact.yaml")
    assert [p.split(" (")[0] for p in problems] == [
        "language",
        "sales.follow_up.within",
        "signatories[8].email",
    ]


# --- files that are not agreements ----------------------------------------------------------


def test_yaml_syntax_error_names_the_line() -> None:
    text, line = edit("  timezone: America/New_York", "  timezone: [America/New_York")
    (problem,) = validation_problems(text, "revpact.yaml")
    assert problem.startswith(f"line {line + 1}: not valid YAML: ")


def test_tabs() -> None:
    (problem,) = validation_problems("title: x\ncalendar:\n\ttimezone: UTC\n", "revpact.yaml")
    assert problem.startswith("line 3: not valid YAML: ")
    assert problem.endswith("indent with spaces, not tabs")


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_empty_file(text: str) -> None:
    assert validation_problems(text, "my.yaml") == [
        "my.yaml is empty; it should hold the agreement as key: value lines"
    ]


@pytest.mark.parametrize(
    ("text", "kind"), [("- a\n- b\n", "a list"), ("just text\n", '"just text"')]
)
def test_top_level_not_a_mapping(text: str, kind: str) -> None:
    assert validation_problems(text, "revpact.yaml") == [
        f"line 1: the top level should be key: value lines (title:, calendar:, ...), not {kind}"
    ]


def test_parse_raises_with_every_problem() -> None:
    text, _ = edit("within: 1h ", "within: soon ")
    with pytest.raises(AgreementError) as caught:
        parse_agreement(text, "team.yaml")
    assert caught.value.problems == validation_problems(text, "team.yaml")
    assert str(caught.value).startswith("team.yaml is not a valid agreement (1 problem)\n  - sales")


# --- the YAML dialect ---------------------------------------------------------------------------


def test_decimals_are_exact_and_times_stay_text() -> None:
    text, _ = edit("    content: 1000\n", "    content: 1000.10\n")
    text, _ = edit('time: "09:30"', "time: 9:30", text)
    text, _ = edit("baseline: 25%", "baseline: 0.25", text)
    agreement = parse_agreement(text)
    assert agreement.marketing.lead_values["content"] == Decimal("1000.10")
    assert agreement.meetings[0].time == time(9, 30)
    assert agreement.sales.close_rate.baseline == Decimal("0.25")


# --- files --------------------------------------------------------------------------------------


def test_load_agreement(tmp_path: Path) -> None:
    path = tmp_path / "revpact.yaml"
    path.write_text(PL, encoding="utf-8")
    assert load_agreement(path).company == "Firma A"
    assert load_agreement(str(path)).language == "pl"


def test_load_reports_the_file(tmp_path: Path) -> None:
    with pytest.raises(AgreementError, match="there is no agreement file here"):
        load_agreement(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text(EN.replace("within: 1h ", "within: soon "), encoding="utf-8")
    with pytest.raises(AgreementError) as caught:
        load_agreement(bad)
    assert str(caught.value).startswith(f"{bad} is not a valid agreement")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: Umowa – żółw".encode("utf-16"))
    with pytest.raises(AgreementError, match="cannot be read as UTF-8 text"):
        load_agreement(latin)


def test_a_file_that_is_not_utf8_names_the_byte(tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(EN.encode("utf-8").replace(b"Company A", "Compañía".encode("latin-1"), 1))
    offset = EN.encode("utf-8").index(b"Company A") + len("Compa")
    with pytest.raises(AgreementError) as caught:
        load_agreement(latin)
    assert str(caught.value) == (
        f"{latin}: cannot be read as UTF-8 text: the byte 0xf1 at byte offset {offset} "
        f"(line {line_of('Company A')}) is not UTF-8; save the file as UTF-8"
    )


def test_size_is_bounded(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(EN.encode("utf-8") + b"#" * MAX_SIZE)
    with pytest.raises(AgreementError) as caught:
        load_agreement(big)
    assert str(caught.value) == (
        f"{big}: is larger than {MAX_SIZE:,} bytes, the most an agreement file may be"
    )
    text = EN + "#" * MAX_SIZE
    assert validation_problems(text, "posted") == [
        f"posted is {len(text):,} characters long; an agreement may be at most {MAX_SIZE:,}"
    ]


@pytest.mark.parametrize("written", ["99999999999h", "8785h", "31622401"])
def test_durations_are_range_checked(written: str) -> None:
    text, line = edit("within: 1h ", f"within: {written} ")
    shown = f'"{written}"' if written.endswith("h") else written
    assert only_problem(text) == (
        f"sales.follow_up.within (line {line}): {shown} is longer than 8784h (366 days), "
        "the longest duration an agreement may set"
    )
    assert parse_agreement(EN.replace("within: 1h ", "within: 8784h ", 1)).sales.follow_up.within


# --- fuzz: any text or bytes give an agreement or revpact's own problems, quickly -----------

_PIECES = st.sampled_from(
    [
        "&a ",
        "*a",
        "[",
        "]",
        "{",
        "}",
        ": ",
        "- ",
        "\n",
        "  ",
        "\t",
        "!!int ",
        "!!float ",
        "!!binary ",
        "<<: ",
        "? ",
        "'",
        '"',
        "#",
        "---\n",
        "...",
        "%YAML 1.1\n",
        "1e9999",
        "9999-12-31",
        "99999999999h",
        "\x00",
        "\ud800",
        "\ufeff",
        "é",
        "within: ",
    ]
)


def _mutated(draw: st.DrawFn) -> str:
    lines = EN.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["insert", "delete", "cut", "repeat"]))
        if action == "insert":
            column = draw(st.integers(0, len(lines[at])))
            piece = "".join(draw(st.lists(_PIECES | st.text(max_size=5), max_size=4)))
            lines[at] = lines[at][:column] + piece + lines[at][column:]
        elif action == "delete":
            del lines[at]
        elif action == "cut":
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))]
        else:
            lines.insert(at, lines[at])
    return "".join(lines)


_TEXTS = st.one_of(
    st.composite(_mutated)(),
    st.lists(_PIECES | st.text(max_size=8), max_size=40).map("".join),
    st.text(max_size=300),
)


def _check(read: Callable[[], Agreement]) -> None:
    start = monotonic()
    try:
        assert isinstance(read(), Agreement)
    except AgreementError as exc:
        problems = exc.problems or [str(exc)]
        assert all(("line " in p or "revpact.yaml" in p or "byte offset" in p) for p in problems)
    assert monotonic() - start < 5, "reading took too long"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_fuzz_any_text_is_an_agreement_or_problems_naming_the_line(text: str) -> None:
    _check(lambda: parse_agreement(text, "revpact.yaml"))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    head=st.integers(0, len(EN.encode())),
    junk=st.binary(min_size=1, max_size=12),
)
def test_fuzz_any_bytes_in_a_file(tmp_path: Path, head: int, junk: bytes) -> None:
    path = tmp_path / "revpact.yaml"
    data = EN.encode()
    path.write_bytes(data[:head] + junk + data[head:])
    _check(lambda: load_agreement(path))
