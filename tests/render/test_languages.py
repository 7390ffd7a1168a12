"""Each language is complete: a Polish document holds no English left over (no label missing
from pl.yaml, nothing written in English in a template, no enum value shown raw, no figure
formatted the English way), and every text of each language is used somewhere.

The documents rendered cover every branch (see ``document_text.every_case``); the user's own
texts are taken out before looking, since the file may hold any words.
"""

from __future__ import annotations

import re
from datetime import date, time
from enum import StrEnum

import pytest
from document_text import as_text, collapse, every_case, user_texts, without, words

from revpact.domain.agreement.model import (
    Agreement,
    Audience,
    Cadence,
    Clock,
    ConflictMode,
    FeedbackTopic,
    Owner,
    RewardCondition,
    SharedGoal,
    Side,
    SwatSource,
    Team,
    Trajectory,
    Weekday,
)
from revpact.render import labels, render_agreement
from revpact.render.formatting import (
    country_name,
    format_days,
    format_duration,
    format_month,
    format_time,
    weekday_name,
)

ENUMS: tuple[type[StrEnum], ...] = (
    Audience,
    Cadence,
    Clock,
    ConflictMode,
    FeedbackTopic,
    Owner,
    RewardCondition,
    SharedGoal,
    Side,
    SwatSource,
    Team,
    Trajectory,
    Weekday,
)


def _label_words(lang: str) -> set[str]:
    return words(" ".join(re.sub(r"\{\w+\}", " ", t) for t in labels(lang).flat().values()))


def english_words() -> set[str]:
    """Words only English would show: its labels, the enum values as the file writes them, and
    what Babel writes in English (months, weekdays, units, AM/PM, country names)."""
    babel = [format_month(date(2020, month, 1), "en") for month in range(1, 13)]
    babel += [weekday_name(day, "en") for day in range(7)]
    babel += [format_duration(seconds, "en") for seconds in (1, 2, 3661, 7322)]
    babel += [format_days(days, "en") for days in (1, 2)]
    babel += [format_time(time(hour), "en") for hour in (9, 17)]
    babel += [country_name("US", "en")]
    enum_values = [member.value.replace("_", " ") for enum in ENUMS for member in enum]
    return _label_words("en") | words(" ".join(babel + enum_values))


FORMATS = ("html", "md")


def rendered(base: Agreement, lang: str, fmt: str) -> list[str]:
    """The documents of every case, as text, with the user's texts taken out."""
    texts = []
    for spec, page in every_case(base):
        text = as_text(render_agreement(spec, lang=lang, fmt=fmt, signatures=page), fmt)
        texts.append(without(text, user_texts(spec)))
    return texts


@pytest.fixture(scope="module")
def polish_texts(polish: Agreement) -> list[str]:
    return [text for fmt in FORMATS for text in rendered(polish, "pl", fmt)]


SHARED = {"arbiter", "lead", "mail", "marketing", "panel", "revpact", "sha", "swat"}
"""Words Polish writes as English does (``Marketing``, ``E-mail``, ``SHA-256``); written out
here, not taken from pl.yaml, so an English text put into pl.yaml is still noticed."""


def english_left_over(text: str) -> set[str]:
    return words(text) & (english_words() - SHARED)


def test_the_shared_words_are_in_both_languages() -> None:
    assert english_words() & _label_words("pl") <= SHARED
    assert _label_words("pl") >= SHARED


def test_no_english_is_left_in_the_polish_document(polish_texts: list[str]) -> None:
    for text in polish_texts:
        assert english_left_over(text) == set()


def test_the_check_would_notice_english(polish: Agreement) -> None:
    """Polish user texts with English labels: the check finds the labels and Babel's words;
    so would it a heading written in English in a template, or an enum value shown raw."""
    text = as_text(render_agreement(polish, lang="en", fmt="md"), "md")
    found = english_left_over(without(text, user_texts(polish)))
    assert {"baseline", "total", "cadence", "monday", "hours", "june"} <= found
    assert english_left_over("Typ leada Lead type") == {"type"}
    assert english_left_over("Częstotliwość: weekly, uczestnicy: leadership") == {
        "weekly",
        "leadership",
    }


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["en", "pl"])
def test_every_text_is_used(company_a: dict[str, Agreement], lang: str, fmt: str) -> None:
    """Each text's words (between its placeholders) appear in the rendered documents of each
    format, after the user's texts are taken out — so they come from the labels."""
    everything = " \n ".join(rendered(company_a[lang], lang, fmt))
    unused = []
    for key, text in labels(lang).flat().items():
        for fragment in re.split(r"\{\w+\}", text):
            fragment = collapse(fragment).strip(" :;,.–-")
            if re.search(r"[^\W\d_]", fragment) and fragment not in everything:
                unused.append(f"{key}: {fragment!r}")
    assert unused == []
