"""The agreement document in HTML and Markdown: every section and every figure of Company A,
written the language's way; user text escaped; the signature page."""

from __future__ import annotations

import re
from typing import Any

import markdown_it
import pytest
from document_text import NB, NNB, as_text, page, variant

from revpact.domain.agreement.model import Agreement
from revpact.errors import RevpactError
from revpact.render import labels, render_agreement

FORMATS = ("html", "md")

SECTIONS = {
    "company_goals": "1. ",
    "marketing": "2. ",
    "sales": "3. ",
    "calendar": "",
    "communication": "4. ",
    "meetings": "5. ",
    "conflict": "6. ",
    "rewards": "7. ",
    "consequences": "8. ",
    "sign_off": "9. ",
    "signatures": "",
}


def usd(digits: str) -> str:
    """A Polish amount in dollars: ``usd("1 250 000")`` is ``1 250 000 USD`` with no-break
    spaces, as Babel writes it."""
    return digits.replace(" ", NB) + NB + "USD"


NAMES = [
    "Margaret Lowell",
    "David Okafor",
    "Emily Carter",
    "Priya Raman",
    "Lucas Moreno",
    "Hannah Brooks",
    "Michael Brennan",
    "Sarah Whitfield",
    "Kevin Tran",
    "Olivia Grant",
    "Jamal Reed",
]

FIGURES = {
    "en": [
        "Baseline annual revenue: $10,000,000",
        "Annual revenue target: $15,000,000",
        "Current monthly run rate: $833,000",
        "Target monthly run rate: $1,250,000",
        "Target run rate reached by: June 2020",
        "Monthly lead value target: $550,000",
        "Referral leads $5,000 10 $50,000",
        "Content leads $1,000 200 $200,000",
        "Webinar leads $2,000 50 $100,000",
        "Internet sales-ready leads $4,000 50 $200,000",
        "Total 310 $550,000",
        "Sales follows up within: 1 hour of business time",
        "A lead is at risk when: 15 minutes or less is left",
        "Target share of leads followed up in time: 100%",
        "Close rate of submitted proposals Baseline: 25%",
        "35% by June 30, 2020",
        "50% by December 31, 2020",
        "Sales cycle Baseline: 45 days",
        "40 days by June 30, 2020",
        "35 days by December 31, 2020",
        f"Business hours: Monday–Friday: 9:00{NNB}AM–5:00{NNB}PM",
        "Also closed on: November 27, 2020, December 24, 2020",
        "Feedback is given within: 24 hours",
        "Cadence: Weekly Duration: 30 minutes",
        f"When: Monday, 9:30{NNB}AM",
        "Cadence: Monthly Duration: 1 hour",
        f"When: first Tuesday of the month, 10:00{NNB}AM",
        "Each side's representative presents for: 15 minutes",
        "Pool each month: $5,000",
        "Reward: A fully paid trip to Mexico for both teams, spouses included",
        "Level 1: goals missed for 30 days",
        "Level 2: goals missed for 60 days",
        "Level 3: goals missed for 90 days",
        "Review the goals, the plan to reach them and the actual performance Both teams 3 days",
    ],
    "pl": [
        f"Bazowy roczny przychód: {usd('10 000 000')}",
        f"Docelowy roczny przychód: {usd('15 000 000')}",
        f"Obecny miesięczny przychód: {usd('833 000')}",
        f"Docelowy miesięczny przychód: {usd('1 250 000')}",
        "Termin osiągnięcia docelowego przychodu miesięcznego: czerwiec 2020",
        f"Miesięczny cel wartości leadów: {usd('550 000')}",
        f"Leady z poleceń {usd('5 000')} 10 {usd('50 000')}",
        f"Leady z treści {usd('1 000')} 200 {usd('200 000')}",
        f"Leady z webinarów {usd('2 000')} 50 {usd('100 000')}",
        f"Internetowe leady gotowe do sprzedaży {usd('4 000')} 50 {usd('200 000')}",
        f"Razem 310 {usd('550 000')}",
        "Termin pierwszego kontaktu handlowca: 1 godzina czasu pracy",
        "Lead jest zagrożony, gdy do terminu zostaje: 15 minut lub mniej",
        "Docelowy odsetek leadów obsłużonych w terminie: 100%",
        "Wskaźnik zamknięcia złożonych ofert Punkt wyjścia: 25%",
        "35% do 30 czerwca 2020",
        "50% do 31 grudnia 2020",
        "Cykl sprzedaży Punkt wyjścia: 45 dni",
        "40 dni do 30 czerwca 2020",
        "35 dni do 31 grudnia 2020",
        "Godziny pracy: poniedziałek–piątek: 09:00–17:00",
        "Dodatkowe dni wolne: 27 listopada 2020, 24 grudnia 2020",
        "Termin przekazania informacji zwrotnej: 24 godziny",
        "Częstotliwość: Co tydzień Czas trwania: 30 minut",
        "Termin: poniedziałek, 09:30",
        "Częstotliwość: Co miesiąc Czas trwania: 1 godzina",
        "Termin: wtorek w pierwszym tygodniu miesiąca, 10:00",
        "Czas prezentacji przedstawiciela każdej ze stron: 15 minut",
        f"Pula na każdy miesiąc: {usd('5 000')}",
        "Nagroda: Opłacona w całości wycieczka do Meksyku dla obu zespołów, z małżonkami",
        "Poziom 1: cele nieosiągane przez 30 dni",
        "Poziom 2: cele nieosiągane przez 60 dni",
        "Poziom 3: cele nieosiągane przez 90 dni",
        "Przejrzeć cele wraz z planem ich osiągnięcia i rzeczywistymi wynikami Oba zespoły 3 dni",
    ],
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["en", "pl"])
def test_every_section_and_figure(company_a: dict[str, Agreement], lang: str, fmt: str) -> None:
    text = as_text(render_agreement(company_a[lang], lang=lang, fmt=fmt), fmt)
    texts = labels(lang)
    assert text.startswith(company_a[lang].title)
    for key, number in SECTIONS.items():
        assert f"{number}{texts.text(f'sections.{key}')}" in text, key
    missing = [figure for figure in FIGURES[lang] if figure not in text]
    assert missing == []
    for name in NAMES:
        assert name in text
    for goal in company_a[lang].company_goals.goals:
        assert f"{goal.name}. {goal.text}" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_caller_chooses_the_language(agreement: Agreement, fmt: str) -> None:
    """The caller names the language; an English agreement can be shown in Polish labels."""
    text = as_text(render_agreement(agreement, lang="pl", fmt=fmt), fmt)
    assert f"Bazowy roczny przychód: {usd('10 000 000')}" in text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", f"Business hours: Monday–Friday: 9:00{NNB}AM–5:00{NNB}PM; Saturday: 10:00{NNB}PM"),
        ("pl", "Godziny pracy: poniedziałek–piątek: 09:00–17:00; sobota: 22:00–24:00"),
    ],
)
def test_hours_up_to_midnight(company_a: dict[str, Agreement], lang: str, expected: str) -> None:
    def late_saturday(data: dict[str, Any]) -> None:
        data["calendar"]["hours"]["sat"] = ["22:00-24:00"]

    spec = variant(company_a[lang], late_saturday)
    assert expected in as_text(render_agreement(spec, lang=lang, fmt="md"), "md")


def test_html_is_self_contained_and_printable(agreement: Agreement) -> None:
    page_html = render_agreement(agreement, lang="en", fmt="html").decode("utf-8")
    assert page_html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in page_html
    assert "<style>" in page_html and "@page" in page_html
    for outside in ("http://", "https://", "url(", "@import", "<link", "<script", "<img"):
        assert outside not in page_html


@pytest.mark.parametrize("fmt", FORMATS)
def test_unpublished_signature_page(polish: Agreement, fmt: str) -> None:
    data = render_agreement(polish, lang="pl", fmt=fmt)
    text = as_text(data, fmt)
    signatures = text[text.index("Podpisy Ten tekst nie jest opublikowaną wersją") :]
    assert "Projekt: wersja nieopublikowana" in text
    for person in polish.signatories:
        assert f"{person.name} " in signatures
        assert person.email in signatures
        assert person.role in signatures
    assert "Zespół wykonawczy" in signatures and "Sprzedaż" in signatures
    assert "jeszcze nie podpisano" not in signatures  # blank lines, not a status
    assert "SHA-256" not in signatures
    if fmt == "md":
        row = next(line for line in data.decode().splitlines() if "| Kevin Tran |" in line)
        assert row.count("____________________") == 2


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "Version 3, published January 2, 2020",
                "Signatures Version 3 Published: January 2, 2020, 9:00\u202fAM EST",
                "SHA-256 of the text: " + "0123456789abcdef" * 4,
                "This version is not in force. Signed by 2 of 11. "
                "Times are given in the America/New_York time zone.",
                "Margaret Lowell margaret.lowell@company-a.example Chief Executive Officer "
                "Executive team January 3, 2020, 10:30\u202fAM EST",
                "Emily Carter emily.carter@company-a.example Chief Marketing Officer Marketing "
                "not signed yet",
            ],
        ),
        (
            "pl",
            [
                "Wersja 3, opublikowana 2 stycznia 2020",
                "Podpisy Wersja 3 Opublikowano: 2 stycznia 2020, 09:00 GMT-05:00",
                "Skrót SHA-256 treści: " + "0123456789abcdef" * 4,
                "Ta wersja nie obowiązuje. Podpisano: 2 z 11. "
                "Czas podano w strefie America/New_York.",
                "Margaret Lowell margaret.lowell@company-a.example Prezes zarządu (CEO) "
                "Zespół wykonawczy 3 stycznia 2020, 10:30 GMT-05:00",
                "Emily Carter emily.carter@company-a.example Dyrektor ds. marketingu (CMO) "
                "Marketing jeszcze nie podpisano",
            ],
        ),
    ],
)
def test_published_signature_page(
    company_a: dict[str, Agreement], lang: str, expected: list[str], fmt: str
) -> None:
    spec = company_a[lang]
    text = as_text(
        render_agreement(spec, lang=lang, fmt=fmt, signatures=page(spec, signed=2, in_force=False)),
        fmt,
    )
    for line in expected:
        assert line in text


def test_in_force_page_says_so(agreement: Agreement) -> None:
    everyone = len(agreement.signatories)
    data = render_agreement(
        agreement, lang="en", fmt="md", signatures=page(agreement, signed=everyone, in_force=True)
    )
    text = as_text(data, "md")
    assert "This version is in force. Signed by 11 of 11." in text
    assert "not signed yet" not in text


HOSTILE = "<script>alert(1)</script>"


def test_user_text_is_escaped_in_html(agreement: Agreement) -> None:
    def hostile(data: dict[str, Any]) -> None:
        data["company"] = HOSTILE
        data["title"] = 'Tom & Jerry "SLA" <b>'

    page_html = render_agreement(variant(agreement, hostile), lang="en", fmt="html").decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_html
    assert "<script>" not in page_html
    assert "<title>Tom &amp; Jerry &#34;SLA&#34; &lt;b&gt;</title>" in page_html
    assert "<b>" not in page_html


def test_user_text_stays_text_in_markdown(agreement: Agreement) -> None:

    def hostile(data: dict[str, Any]) -> None:
        data["company"] = HOSTILE
        data["marketing"]["commitments"] = [
            "# not a heading",
            "1. not a list",
            "**not bold** and [not a link](https://example.com) | not a cell &amp; `code`",
            "- not an item\n\nnot a new paragraph",
        ]

    data = render_agreement(variant(agreement, hostile), lang="en", fmt="md").decode()
    assert "\\<script\\>alert(1)\\</script\\>" in data
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(data)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "<script>" not in rendered
    assert "<li># not a heading</li>" in rendered
    assert "<li>1. not a list</li>" in rendered
    assert "<strong>not bold</strong>" not in rendered
    assert "<a href" not in rendered and "<code>" not in rendered
    assert "**not bold** and [not a link](https://example.com) | not a cell &amp;amp; `code`" in (
        rendered
    )
    assert "<li>- not an item not a new paragraph</li>" in rendered
    # the lead-value table still has its four columns on every row
    table = rendered[rendered.index("<table>") : rendered.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
    assert all(len(re.findall(r"<t[hd]", row)) == 4 for row in rows)


def test_unknown_format_or_language(agreement: Agreement) -> None:
    with pytest.raises(RevpactError, match='format "docx" is not offered'):
        render_agreement(agreement, lang="en", fmt="docx")
    with pytest.raises(RevpactError, match='language "de" is not offered'):
        render_agreement(agreement, lang="de", fmt="md")
