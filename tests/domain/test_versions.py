"""Agreement versions: the hash, the diff's wording, signing and which version is in force."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.versions import (
    AgreementTimeline,
    SignatureRecord,
    VersionRecord,
    canonical_json,
    diff,
    timeline_of,
    version_hash,
    version_states,
)
from revpact.ingest.agreement_file import company_a_template, parse_agreement

EN = company_a_template("en")


def edited(find: str, replace: str, text: str = EN) -> str:
    assert find in text, find
    return text.replace(find, replace)


def agreement_of(text: str) -> Agreement:
    return parse_agreement(text)


# --- the hash -----------------------------------------------------------------------------------


def _without_comments(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        lines.append(re.sub(r"\s+#\s.*$", "", line))
    return "\n".join(lines) + "\n"


REFORMATTINGS = {
    "comments removed": _without_comments(EN),
    "keys reordered": edited(
        "title: Sales & Marketing Service Level Agreement\ncompany: Company A\n",
        "company: Company A\ntitle: Sales & Marketing Service Level Agreement\n",
    ),
    "indentation and flow style": edited(
        "period:\n  start: 2020-01-01\n  end: 2020-12-31\n",
        "period: {end: 2020-12-31,   start: 2020-01-01}\n",
    ),
    "amount written with decimals": edited("pool: 5000\n", "pool: 5000.00\n"),
    "duration written another way": edited("within: 1h ", "within: 60m "),
    "percentage as a fraction": edited("baseline: 25%", "baseline: 0.25"),
    "defaults left out": re.sub(
        r"\n    clock: wall[^\n]*", "", re.sub(r"\n  mode: panel[^\n]*", "", EN)
    ),
    "quoted text and folded lines": edited(
        "      text: Finish 2020 with $15,000,000 in annual revenue.",
        "      text: >-\n        Finish 2020 with\n        $15,000,000 in annual revenue.",
    ),
}


@pytest.mark.parametrize("name", list(REFORMATTINGS))
def test_the_hash_ignores_formatting(name: str) -> None:
    original = agreement_of(EN)
    reformatted_text = REFORMATTINGS[name]
    assert reformatted_text != EN
    assert version_hash(agreement_of(reformatted_text)) == version_hash(original)


@pytest.mark.parametrize(
    ("find", "replace"),
    [
        ("within: 1h ", "within: 45m "),
        ("referral: 5000", "referral: 5001"),
        ("Company A\n", "Company B\n"),
        ("baseline: 25%", "baseline: 26%"),
        ("kevin.tran@company-a.example", "kevin.tran2@company-a.example"),
    ],
)
def test_the_hash_follows_content(find: str, replace: str) -> None:
    assert version_hash(agreement_of(edited(find, replace))) != version_hash(agreement_of(EN))


def test_the_hash_is_sha256_of_the_canonical_form() -> None:
    import hashlib

    agreement = agreement_of(EN)
    canonical = canonical_json(agreement)
    assert version_hash(agreement) == hashlib.sha256(canonical.encode()).hexdigest()
    assert '"pool":"5000"' in canonical  # amounts exact, as text
    assert ": " not in canonical[:200]  # no whitespace between tokens


# --- the diff -----------------------------------------------------------------------------------


def changes(old: str, new: str) -> list[str]:
    return [str(c) for c in diff(agreement_of(old), agreement_of(new))]


def test_diff_names_the_field_and_both_values() -> None:
    assert changes(EN, edited("within: 1h ", "within: 45m ")) == [
        "sales.follow_up.within: 1h → 45m"
    ]


def test_diff_of_identical_versions_is_empty() -> None:
    assert changes(EN, REFORMATTINGS["comments removed"]) == []


def test_diff_reads_lists_by_their_names() -> None:
    new = edited("    duration: 30m\n", "    duration: 45m\n")
    new = edited("    referral: 5000\n", "    referral: 6000\n", new)
    new = edited(
        "  - {name: Jamal Reed,",
        "  - {name: Noah Fischer, email: noah.fischer@company-a.example, team: sales, "
        "role: Account Executive}\n  - {name: Jamal Reed,",
        new,
    )
    assert changes(EN, new) == [
        "marketing.lead_values.referral: 5000 → 6000",
        "meetings[weekly_leadership].duration: 30m → 45m",
        "signatories: added Noah Fischer <noah.fischer@company-a.example>",
    ]
    assert changes(new, EN)[-1] == (
        "signatories: removed Noah Fischer <noah.fischer@company-a.example>"
    )


def test_diff_sections_follow_the_document() -> None:
    new = edited("pool: 5000", "pool: 6000")
    new = edited("within: 24h", "within: 12h", new)
    found = diff(agreement_of(EN), agreement_of(new))
    assert [(c.section, str(c)) for c in found] == [
        ("communication", "communication.feedback.within: 24h → 12h"),
        ("rewards", "rewards.monthly.pool: 5000 → 6000"),
    ]


# --- signing and the version in force ------------------------------------------------------------


def us(day: int, hour: int = 12) -> int:
    return to_us(datetime(2020, 1, day, hour, tzinfo=UTC))


V1 = agreement_of(EN)
V2 = agreement_of(edited("at_risk_within: 15m", "at_risk_within: 20m"))
V3 = agreement_of(edited("within: 1h ", "within: 2h "))


def version(number: int, agreement: Agreement, published_day: int) -> VersionRecord:
    return VersionRecord(number, version_hash(agreement), us(published_day), agreement)


def everyone(v: VersionRecord, day: int, *, but: int = 0) -> list[SignatureRecord]:
    people = v.agreement.signatories[: len(v.agreement.signatories) - but]
    return [SignatureRecord(v.hash, p.email, p.name, us(day, 9 + i % 8), "cli") for i, p in
            enumerate(people)]  # fmt: skip


def test_a_version_is_in_force_only_once_everyone_has_signed() -> None:
    v1 = version(1, V1, 1)
    partly = version_states([v1], everyone(v1, 2, but=1))
    assert partly[0].fully_signed_us is None and partly[0].in_force_from_us is None
    assert timeline_of([v1], everyone(v1, 2, but=1)) is None
    full = version_states([v1], everyone(v1, 2))
    assert full[0].in_force_from_us == max(s.signed_us for s in everyone(v1, 2))


def test_the_previous_version_stays_in_force_until_the_amendment_is_signed() -> None:
    v1, v2 = version(1, V1, 1), version(2, V2, 5)
    signed = everyone(v1, 2) + everyone(v2, 6, but=1)  # one signature of v2 is missing
    states = version_states([v1, v2], signed)
    assert states[0].in_force_until_us is None  # v1 still in force
    assert states[1].in_force_from_us is None
    # A signature of v1 says nothing about v2: it is stale once v2 is published.
    assert states[1].fully_signed_us is None
    signed = everyone(v1, 2) + everyone(v2, 6)
    states = version_states([v1, v2], signed)
    change = max(s.signed_us for s in everyone(v2, 6))
    assert states[0].in_force_until_us == change == states[1].in_force_from_us
    timeline = timeline_of([v1, v2], signed)
    assert timeline is not None
    assert timeline.at_us(change - 1).version == v1
    assert timeline.at_us(change).version == v2
    assert timeline.at_us(us(1) - 10**12).version == v1  # before the first: the first governs


def test_a_version_overtaken_before_it_was_signed_never_comes_into_force() -> None:
    v1, v2, v3 = version(1, V1, 1), version(2, V2, 3), version(3, V3, 5)
    signed = everyone(v1, 2) + everyone(v2, 4, but=2) + everyone(v3, 6)
    states = version_states([v1, v2, v3], signed)
    assert states[1].in_force_from_us is None and states[1].in_force_until_us is None
    assert states[0].in_force_until_us == states[2].in_force_from_us


def test_leadership_sign_off_needs_only_the_leaders() -> None:
    leaders = agreement_of(edited("required_from: all", "required_from: leadership"))
    v1 = version(1, leaders, 1)
    names = {p.email for p in leaders.signatories if p.leader}
    signed = [s for s in everyone(v1, 2) if s.email in names]
    assert version_states([v1], signed)[0].in_force_from_us is not None
    assert version_states([v1], signed[:-1])[0].in_force_from_us is None


def test_the_timeline_fingerprint_changes_only_with_the_sla() -> None:
    v1, v2 = version(1, V1, 1), version(2, V2, 3)
    same_sla = timeline_of([v1, v2], everyone(v1, 2) + everyone(v2, 4))
    assert same_sla is not None
    assert V1.sla_fingerprint() != V2.sla_fingerprint()  # at-risk threshold is part of it
    assert same_sla.fingerprint() not in (V1.sla_fingerprint(), V2.sla_fingerprint())
    alone = AgreementTimeline.unpublished(V3)
    assert alone.fingerprint() == V3.sla_fingerprint()
    assert not alone.published and alone.at_us(0).label == "unpublished file"


def test_a_list_of_values_changes_in_plain_words() -> None:
    new = edited(
        "requires: [monthly_team_goals, company_revenue_goal]", "requires: [monthly_team_goals]"
    )
    (change,) = diff(agreement_of(EN), agreement_of(new))
    assert str(change) == (
        "rewards.monthly.requires: removed company_revenue_goal (now: monthly_team_goals)"
    )
    back = diff(agreement_of(new), agreement_of(EN))
    assert str(back[0]) == (
        "rewards.monthly.requires: added company_revenue_goal "
        "(now: monthly_team_goals, company_revenue_goal)"
    )
    assert "[" not in str(change)


# Company A's templates as the previous release hashed them (before revenue_source and
# late_entry_after existed): stored versions are identified by these, so they must not move.
STORED_HASHES = {
    "en": "7661f17e3be4d390152a6a9855c252869d895f2027d10ff574cbd37170d16391",
    "pl": "b3da2392bb8eefbd9d222d83dd70672a0efdf47243bee0af08f177444f7990c6",
}


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_keys_added_later_keep_the_hash_of_stored_versions_at_their_default(lang: str) -> None:
    text = company_a_template(lang)
    assert "revenue_source: recognised_else_won_deals" in text
    assert version_hash(parse_agreement(text)) == STORED_HASHES[lang]
    without = "\n".join(line for line in text.splitlines() if "revenue_source:" not in line)
    assert version_hash(parse_agreement(without)) == STORED_HASHES[lang]
    changed = text.replace(
        "revenue_source: recognised_else_won_deals", "revenue_source: recognised"
    )
    assert version_hash(parse_agreement(changed)) != STORED_HASHES[lang]
    later = text.replace("within: 1h ", "within: 1h\n    late_entry_after: 30m\n    # ", 1)
    assert parse_agreement(later).sales.follow_up.late_entry_after == 30 * 60
    assert version_hash(parse_agreement(later)) != STORED_HASHES[lang]
