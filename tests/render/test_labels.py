"""The fixed texts: both languages have the same keys and placeholders, and ship as package data."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from revpact.errors import RevpactError
from revpact.render import LANGUAGES, labels


def test_both_languages_have_exactly_the_same_keys() -> None:
    english, polish = labels("en").flat(), labels("pl").flat()
    assert sorted(english) == sorted(polish)
    assert len(english) > 150


def test_each_text_has_the_same_placeholders_in_both_languages() -> None:
    english, polish = labels("en").flat(), labels("pl").flat()
    for key, text in english.items():
        wanted = sorted(re.findall(r"\{(\w+)\}", text))
        assert sorted(re.findall(r"\{(\w+)\}", polish[key])) == wanted, key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_text_is_empty(lang: str) -> None:
    for key, text in labels(lang).flat().items():
        assert text.strip(), f"{lang}: {key} is empty"


def test_lookups() -> None:
    polish = labels("pl")
    assert polish.text("sections.marketing") == "Cele marketingowe"
    assert polish.text("consequences.level", number=2, days="60 dni") == (
        "Poziom 2: cele nieosiągane przez 60 dni"
    )
    with pytest.raises(KeyError, match=r"labels/pl.yaml has no text sections\.nope"):
        polish.text("sections.nope")
    with pytest.raises(RevpactError, match='language "de" is not offered'):
        labels("de")


def test_templates_and_labels_are_package_data() -> None:
    """They are read through importlib.resources, so they ship inside the wheel."""
    package = resources.files("revpact.render")
    for name in ("labels/en.yaml", "labels/pl.yaml"):
        assert package.joinpath(name).is_file(), name
    for name in ("templates/agreement.html.j2", "templates/agreement.md.j2"):
        assert package.joinpath(name).is_file(), name
