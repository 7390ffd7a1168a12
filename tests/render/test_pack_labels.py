"""The pack's texts: both languages have the same keys and placeholders, and ship as package
data next to the template."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from revpact.errors import RevpactError
from revpact.render.pack import pack_labels


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    english, polish = pack_labels("en").flat(), pack_labels("pl").flat()
    assert sorted(english) == sorted(polish)
    for key, text in english.items():
        wanted = sorted(re.findall(r"\{(\w+)\}", text))
        assert sorted(re.findall(r"\{(\w+)\}", polish[key])) == wanted, key
        assert text.strip() and polish[key].strip(), key


def test_every_text_is_used_by_the_template_or_the_view() -> None:
    package = resources.files("revpact.render")
    used = package.joinpath("templates", "pack.html.j2").read_text(encoding="utf-8")
    for module in ("pack.py", "pack_figures.py", "pack_charts.py", "restatements.py"):
        used += package.joinpath(module).read_text(encoding="utf-8")
    prefixes = ("goals.", "status.", "moves.week.", "feedback.states.", "teams.", "title.")
    prefixes += ("results.goal1", "results.goal2", "results.goal3")  # f"results.{key}"
    unused = [
        key
        for key in pack_labels("en").flat()
        if f'"{key}"' not in used
        and not key.startswith(prefixes)
        and not re.search(rf'"{re.escape(key.rsplit("_", 1)[0])}_\{{', used)
    ]
    assert unused == []


def test_package_data_and_languages() -> None:
    package = resources.files("revpact.render")
    for name in ("labels_pack/en.yaml", "labels_pack/pl.yaml", "templates/pack.html.j2"):
        assert package.joinpath(name).is_file(), name
    with pytest.raises(RevpactError, match='language "de" is not offered'):
        pack_labels("de")
