"""The bounds of the agreement YAML: aliases counted at their expanded size, nesting depth,
values a constructor cannot build — each a one-line problem naming the line, found quickly."""

from __future__ import annotations

import time

import pytest

from revpact.ingest.agreement_file import company_a_template, validation_problems
from revpact.ingest.agreement_file.dialect import MAX_DEPTH, MAX_VALUES, AgreementLoader


def laughs(levels: int) -> str:
    """A "billion laughs" file: each level a list of nine aliases of the level before."""
    lines = ['l0: &l0 {k: "lol"}']
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, levels + 1)]
    return "\n".join([*lines, f"title: *l{levels}", ""])


def quickly(text: str) -> list[str]:
    start = time.monotonic()
    problems = validation_problems(text, "revpact.yaml")
    assert time.monotonic() - start < 3, "reading took too long"
    return problems


def test_the_example_is_far_inside_the_bounds() -> None:
    loader = AgreementLoader(company_a_template("en"))
    try:
        loader.get_single_node()
        assert loader._values * 20 < MAX_VALUES
    finally:
        loader.dispose()


@pytest.mark.parametrize("levels", [6, 9, 30])
def test_billion_laughs_is_refused_at_the_alias(levels: int) -> None:
    (problem,) = quickly(laughs(levels))
    assert problem == (
        f"line 5: the alias *l3 makes the file hold more than {MAX_VALUES:,} values once "
        "aliases are expanded; write the values out instead of repeating aliases of aliases"
    )


def test_a_few_aliases_are_still_fine() -> None:
    problems = quickly(laughs(2))  # 253 values: not an agreement, but readable
    assert problems and not any("aliases" in p for p in problems)


@pytest.mark.parametrize(
    "text",
    [
        "title: " + "[" * 10_000 + "]" * 10_000 + "\n",
        "title: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
        "".join("  " * depth + f"k{depth}:\n" for depth in range(200)),
    ],
    ids=["lists", "mappings", "block"],
)
def test_deep_nesting_is_refused(text: str) -> None:
    (problem,) = quickly(text)
    assert problem.endswith(
        f"the values nest more than {MAX_DEPTH} levels deep; an agreement needs a handful — "
        "check the indentation and the brackets"
    )
    assert problem.startswith("line 1: " if text.startswith("title") else f"line {MAX_DEPTH + 1}: ")


def test_many_plain_values_are_refused_at_their_line() -> None:
    text = "title: x\nitems:\n" + "".join(f"  - {n}\n" for n in range(MAX_VALUES))
    (problem,) = quickly(text)
    assert problem.startswith(f"line {MAX_VALUES - 2}: the file holds more than {MAX_VALUES:,}")


@pytest.mark.parametrize("text", ["a: &a [1, *a]\n", "a: &a {b: *a}\n"])
def test_a_value_cannot_contain_itself(text: str) -> None:
    assert quickly(text) == [
        "line 1: the alias *a is inside the value &a it repeats; a value cannot contain itself"
    ]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("!!int abc", '"abc" cannot be read as a whole number'),
        ("!!bool maybe", '"maybe" cannot be read as true or false'),
        ("!!timestamp soon", '"soon" cannot be read as a date'),
        ("1" * 5000, '"' + "1" * 59 + '…" cannot be read as a whole number'),
    ],
)
def test_values_a_constructor_cannot_build(value: str, problem: str) -> None:
    assert quickly(f"title: x\ncompany: {value}\n") == [f"line 2: {problem}"]


@pytest.mark.parametrize("value", ["._", "!!float abc"])
def test_a_number_that_is_not_one_stays_text(value: str) -> None:
    problems = quickly(f"title: x\ncompany: {value}\n")
    assert not any("line 2" in p for p in problems)


@pytest.mark.parametrize(("char", "code"), [("\x00", "0000"), ("\ud800", "d800"), ("\x1b", "001b")])
def test_characters_yaml_does_not_allow(char: str, code: str) -> None:
    assert quickly(f"title: x\ncompany: a{char}b\n") == [
        f"line 2: the character #x{code} is not allowed in YAML; remove it"
    ]
