"""Reading takes time in proportion to the file: many problems are counted, not all worded,
and an aliased mapping is checked for duplicate keys once."""

from __future__ import annotations

import time

from revpact.ingest.agreement_file import company_a_template, validation_problems
from revpact.ingest.agreement_file.reading import MAX_SHOWN


def test_many_problems_are_capped_and_counted() -> None:
    text = company_a_template("en") + "".join(f"unknown_{n}: 1\n" for n in range(5000))
    start = time.monotonic()
    problems = validation_problems(text, "revpact.yaml")
    assert time.monotonic() - start < 4
    assert len(problems) == MAX_SHOWN + 1
    first = text.count("\n", 0, text.index("unknown_0")) + 1
    assert problems[0].startswith(f'unknown_0 (line {first}): unknown key "unknown_0"; the keys')
    assert problems[-1] == (
        f"... and {5000 - MAX_SHOWN:,} more after line {first + MAX_SHOWN - 1}; fix these first"
    )


def test_a_duplicate_key_in_an_aliased_mapping_is_reported_once() -> None:
    text = "a: &a {k: 1, k: 2}\nb: [*a, *a, *a]\n"
    duplicates = [p for p in validation_problems(text) if "listed twice" in p]
    assert duplicates == ["a.k (line 1): is listed twice (first on line 1); keep one"]
