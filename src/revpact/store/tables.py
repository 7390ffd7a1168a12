"""The tables, as SQLAlchemy Core metadata (the migrations create them; this describes them).

Every instant is stored as a ``BIGINT`` of epoch microseconds in UTC, not as a ``TIMESTAMP``.
The SLA engine works on numpy ``int64`` columns of exactly that, so a million leads go in with
one ``executemany`` of plain tuples and come back with one plain ``SELECT`` — no per-value
datetime conversion on either side, no driver-specific time zone handling, and the same
behaviour on SQLite and PostgreSQL. NULL means "no such moment" (not yet touched, never
notified, or no deadline because the SLA does not apply). ``owner`` is NULL while nobody owns
the lead; ``attributes`` is a JSON object of the import file's extra columns.

A test compares this metadata with the schema the migrations build, so the two cannot drift.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
)

from revpact.store.intake_tables import intake_requests, staged_events
from revpact.store.metadata import metadata

__all__ = [
    "APPEND_ONLY",
    "agreement_versions",
    "alerts",
    "api_tokens",
    "audit_log",
    "deals",
    "dispute_decisions",
    "dispute_hearings",
    "dispute_presentations",
    "dispute_representatives",
    "disputes",
    "escalation_actions",
    "events",
    "feedback",
    "feedback_answers",
    "imports",
    "intake_requests",
    "leads",
    "meetings_held",
    "metadata",
    "month_closes",
    "revenue",
    "reward_splits",
    "signatures",
    "staged_events",
    "store_state",
    "swat_report_filings",
]

leads = Table(
    "leads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("lead_id", Text, nullable=False),
    Column("lead_type", Text, nullable=False),
    Column("stage", Text, nullable=False),
    Column("requested_follow_up", Boolean, nullable=False),
    Column("owner", Text, nullable=True),
    Column("attributes", Text, nullable=False),
    Column("created_us", BigInteger, nullable=False),
    Column("notified_us", BigInteger, nullable=True),
    Column("first_touch_us", BigInteger, nullable=True),
    Column("due_us", BigInteger, nullable=True),
    Column("applies", Boolean, nullable=False),
    Column("sla_fingerprint", Text, nullable=False),
    Column("recorded_us", BigInteger, nullable=True),
    Column("recorded_by", Text, nullable=True),
    Column("notified_recorded_us", BigInteger, nullable=True),
    Column("notified_by", Text, nullable=True),
    Column("touch_claimed_us", BigInteger, nullable=True),
    Column("touch_recorded_us", BigInteger, nullable=True),
    Column("touch_by", Text, nullable=True),
    Column("touch_approved_us", BigInteger, nullable=True),
    Column("touch_approved_by", Text, nullable=True),
    Index("ux_leads_lead_id", "lead_id", unique=True),
    Index(None, "owner"),
)
"""One row per lead; ``due_us`` was computed under ``sla_fingerprint``.

Who wrote what, and when (migration 0007): ``recorded_us``/``recorded_by`` the row's last
change; ``notified_recorded_us``/``notified_by`` the notification's record (NULL: it came
with the lead's first import). ``first_touch_us`` is the first touch the follow-up clock counts;
``touch_claimed_us`` the earliest touch claimed, recorded at ``touch_recorded_us`` by
``touch_by`` (NULL: with the first import) and approved at ``touch_approved_us`` by
``touch_approved_by``. The counted touch is later than the claimed one exactly while a
late-entered touch awaits approval (:mod:`revpact.domain.late_entries`).

``lead_id`` (the CRM's id) is the key leads are matched by, through a unique index; ``id`` is a
surrogate (SQLite's rowid) so that a bulk load appends rows and then builds every index once,
sorted, instead of inserting each row into a lead_id b-tree in whatever order the file has.

Each index costs a sorted build after every bulk load (about half a second per million leads),
so there is one only where a query uses it: ``lead_id`` for upserts and the stale-deadline
walk, ``owner`` for one owner's leads. The time columns have none: the reads filter and order
by ``COALESCE(notified_us, created_us)``, which an index on a column cannot serve.
"""

imports = Table(
    "imports",
    metadata,
    Column("import_id", Integer, primary_key=True, autoincrement=True),
    Column("file_name", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("inserted", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("at_us", BigInteger, nullable=False),
)
"""One row per successful lead import."""

store_state = Table(
    "store_state",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)
"""Facts about the whole store; ``sla_fingerprint``: every lead's deadline is computed under it
(so checking for stale deadlines costs one lookup, not a scan of ``leads``)."""

deals = Table(
    "deals",
    metadata,
    Column("deal_id", Text, primary_key=True),
    Column("lead_id", Text, nullable=True),
    Column("created_us", BigInteger, nullable=False),
    Column("proposal_us", BigInteger, nullable=True),
    Column("closed_us", BigInteger, nullable=True),
    Column("outcome", Text, nullable=False),
    Column("amount_e4", BigInteger, nullable=True),
    Column("owner", Text, nullable=True),
    Column("recorded_us", BigInteger, nullable=True),
    Column("recorded_by", Text, nullable=True),
    Index(None, "closed_us"),
)
"""One row per deal, matched by the CRM's ``deal_id``.

``outcome`` is open, won or lost; ``closed_us`` is NULL exactly for open deals and
``proposal_us`` when no proposal was submitted. ``lead_id`` is not a foreign key: a deal may
come from a lead that was never imported. ``amount_e4`` is the amount in ten-thousandths of the
agreement's currency (an exact integer on every backend, so sums are exact; NULL: no amount
given, allowed for open and lost deals). The monthly figures select by ``closed_us``.
``recorded_us``/``recorded_by`` (migration 0007): when the row was inserted or last changed,
and by whom (NULL: not known).
"""

revenue = Table(
    "revenue",
    metadata,
    Column("month", Text, primary_key=True),
    Column("amount_e4", BigInteger, nullable=False),
    Column("recorded_us", BigInteger, nullable=True),
    Column("recorded_by", Text, nullable=True),
)
"""Recognised revenue per calendar month (``month`` written ``YYYY-MM``), in ten-thousandths of
the agreement's currency; a month without a row falls back to its won deals."""

escalation_actions = Table(
    "escalation_actions",
    metadata,
    Column("month", Text, nullable=False),
    Column("level", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("due", Text, nullable=False),
    Column("done_us", BigInteger, nullable=True),
    PrimaryKeyConstraint("month", "level", "seq"),
)
"""The action items of each escalation level reached, one row per action: the level (its
``after_days``) entered in ``month`` (``YYYY-MM``), ``seq`` the action's place in the level's list
(from 1), ``due`` an ISO date, ``done_us`` NULL until it is done. The key makes recording them
idempotent."""

swat_report_filings = Table(
    "swat_report_filings",
    metadata,
    Column("filing_id", Integer, primary_key=True, autoincrement=True),
    Column("week", Text, nullable=False),
    Column("filed_us", BigInteger, nullable=False),
    Column("recorded_us", BigInteger, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("filed_by", Text, nullable=True),
    Index("ix_swat_report_filings_week", "week"),
)
"""Each filing of the SWAT team's weekly report for an ISO ``week`` (``YYYY-Www``): the
markdown ``body`` as filed, the file's name and SHA-256, when it was filed (claimed) and
recorded. Filing a week again adds a filing; the week's report as of a moment is its latest
filing by then (append-only, migration 0009)."""

reward_splits = Table(
    "reward_splits",
    metadata,
    Column("split_id", Integer, primary_key=True, autoincrement=True),
    Column("month", Text, nullable=False),
    Column("number", Integer, nullable=False),
    Column("shares", Text, nullable=False),
    Column("allocated_us", BigInteger, nullable=False),
    Column("recorded_us", BigInteger, nullable=False),
    Column("allocated_by", Text, nullable=True),
    Column("reason", Text, nullable=True),
    Index("ux_reward_splits_month_number", "month", "number", unique=True),
)
"""How a month's reward pool was split (migration 0008; append-only): ``shares`` a JSON object
recipient -> ``amount_e4`` (ten-thousandths of the currency, exact like ``deals``). Split 1 is
the leaders' split; 2, 3, ... are corrections, each with who (``allocated_by``), when it was
made (``allocated_us``) and recorded (``recorded_us``) and why (``reason``). The month's split
is its highest number; earlier ones stay on record."""

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("member", Text, nullable=True),
    Column("prefix", Text, nullable=False),
    Column("token_hash", Text, nullable=False),
    Column("created_us", BigInteger, nullable=False),
    Column("revoked_us", BigInteger, nullable=True),
    Index("ux_api_tokens_token_hash", "token_hash", unique=True),
)
"""API tokens: only the SHA-256 of each token is kept (``token_hash``, hex), with its first
characters (``prefix``) so that people can tell their tokens apart; the token itself is shown
once, when it is created. ``role`` is admin, marketing, sales, executive or viewer; ``member``
the signatory's e-mail the token acts for (NULL: nobody in particular). A revoked token keeps
its row (``revoked_us`` set) so the audit still shows who held it."""

events = Table(
    "events",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("source_key", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("lead_id", Text, nullable=True),
    Column("deal_id", Text, nullable=True),
    Column("occurred_us", BigInteger, nullable=False),
    Column("received_us", BigInteger, nullable=False),
    Column("payload", Text, nullable=False),
    Column("fields", Text, nullable=True),
    Column("applied_us", BigInteger, nullable=True),
    Column("outcome", Text, nullable=True),
    Index("ux_events_source_key", "source", "source_key", unique=True),
    Index("ix_events_lead_id", "lead_id"),
    Index("ix_events_deal_id", "deal_id"),
    Index("ix_events_applied_us", "applied_us"),
)
"""Every webhook event received, exactly once: ``source`` (revpact or hubspot) with
``source_key`` (the source's own identity of the event) is unique, so a repeated delivery is
recognised and ignored. ``payload`` is the event as received and as revpact understood it
(JSON: ``received``, ``understood``). ``deal_id`` names the deal a deal event is about.
``fields`` lists (space-separated) the lead or deal fields applying the event set, so that an
older event never overwrites what a newer one set. ``applied_us`` is NULL while the event
waits (a touch that arrived before its lead); ``outcome`` says what applying it did."""

alerts = Table(
    "alerts",
    metadata,
    Column("lead_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("due_us", BigInteger, nullable=False),
    Column("created_us", BigInteger, nullable=False),
    Column("message", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_us", BigInteger, nullable=True),
    Column("sent_us", BigInteger, nullable=True),
    Column("last_error", Text, nullable=True),
    PrimaryKeyConstraint("lead_id", "kind", "channel"),
    Index(None, "next_attempt_us"),
)
"""One row per alert about a lead: ``kind`` at_risk or breach, ``channel`` slack or email. The
key makes each alert exist once; ``sent_us`` is set once the receiver accepted it, and until
then ``next_attempt_us`` says when to try again (backoff after each failed ``attempts``). A row
with neither was given up (``last_error`` says why). The index on ``next_attempt_us`` serves
the scheduler's "which alerts are due" query, which stays small while the table grows."""

# --- the living agreement (migration 0005): every table below is append-only -----------------

agreement_versions = Table(
    "agreement_versions",
    metadata,
    Column("hash", Text, primary_key=True),
    Column("number", Integer, nullable=False),
    Column("canonical", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("published_us", BigInteger, nullable=False),
    Column("published_by", Text, nullable=True),
    Index("ux_agreement_versions_number", "number", unique=True),
)
"""Each published version of the agreement, kept forever: ``hash`` is the SHA-256 of
``canonical`` (the validated content as canonical JSON), ``number`` counts versions from 1,
``source`` is the YAML file as published (comments included, for rendering and reading)."""

signatures = Table(
    "signatures",
    metadata,
    Column("signature_id", Integer, primary_key=True, autoincrement=True),
    Column("version_hash", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("signed_us", BigInteger, nullable=False),
    Column("via", Text, nullable=False),
    Index("ux_signatures_version_email", "version_hash", "email", unique=True),
)
"""One signature per (version, signatory): bound to the version's hash, with the time and how
it was given (``cli``, or ``token:<id>`` through the API)."""

feedback = Table(
    "feedback",
    metadata,
    Column("feedback_id", Integer, primary_key=True, autoincrement=True),
    Column("from_team", Text, nullable=False),
    Column("to_team", Text, nullable=False),
    Column("topic", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("raised_by", Text, nullable=True),
    Column("raised_us", BigInteger, nullable=False),
    Column("due_us", BigInteger, nullable=False),
    Column("clock", Text, nullable=False),
    Column("version_hash", Text, nullable=True),
    Column("event_us", BigInteger, nullable=True),
    Index("ix_feedback_raised_us", "raised_us"),
)
"""Feedback one team gives the other about an event (``event_us``, migration 0008; NULL on older
items: the moment raised); ``due_us`` counts from the event, under the version in force then
(``version_hash``; NULL: no version was in force) and its ``clock`` (wall or business)."""

feedback_answers = Table(
    "feedback_answers",
    metadata,
    Column("answer_id", Integer, primary_key=True, autoincrement=True),
    Column("feedback_id", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("answered_by", Text, nullable=True),
    Column("answered_us", BigInteger, nullable=False),
    Index("ux_feedback_answers_feedback_id", "feedback_id", unique=True),
)
"""The answer to a feedback item (one each)."""

meetings_held = Table(
    "meetings_held",
    metadata,
    Column("record_id", Integer, primary_key=True, autoincrement=True),
    Column("meeting_id", Text, nullable=False),
    Column("cadence", Text, nullable=False),
    Column("held_us", BigInteger, nullable=False),
    Column("attendees", Text, nullable=False),
    Column("minutes", Text, nullable=False),
    Column("recorded_us", BigInteger, nullable=False),
    Column("recorded_by", Text, nullable=True),
    Column("version_hash", Text, nullable=True),
    Column("supersedes", Integer, nullable=True),
    Column("duration_s", Integer, nullable=True),
    Index("ix_meetings_held_held_us", "held_us"),
    Index("ux_meetings_held_supersedes", "supersedes", unique=True),
)
"""A meeting of the agreement's rhythm that was held: ``attendees`` a JSON list, ``minutes``
a JSON object of its parts (what worked, what did not, improvements; each team's 30-day plan),
``duration_s`` how long it lasted (migration 0008; NULL on older records: not recorded).
A correction is a new record that names the record it ``supersedes`` (each is corrected
at most once)."""

disputes = Table(
    "disputes",
    metadata,
    Column("dispute_id", Integer, primary_key=True, autoincrement=True),
    Column("topic", Text, nullable=False),
    Column("raised_by", Text, nullable=False),
    Column("opened_us", BigInteger, nullable=False),
    Column("mode", Text, nullable=False),
    Column("deciders", Text, nullable=False),
    Column("presentation_s", Integer, nullable=False),
    Column("binding", Boolean, nullable=False),
    Column("version_hash", Text, nullable=True),
)
"""A conflict taken to the panel (or the sole arbiter): ``deciders`` a JSON list of the
e-mails who may decide it, ``presentation_s`` each side's time-box and ``binding`` whether the
decision binds both teams, all fixed from the version in force when it was opened."""

dispute_representatives = Table(
    "dispute_representatives",
    metadata,
    Column("dispute_id", Integer, nullable=False),
    Column("team", Text, nullable=False),
    Column("member", Text, nullable=False),
    Column("named_us", BigInteger, nullable=False),
    PrimaryKeyConstraint("dispute_id", "team"),
)
"""Each team's representative for a dispute (once per team)."""

dispute_presentations = Table(
    "dispute_presentations",
    metadata,
    Column("presentation_id", Integer, primary_key=True, autoincrement=True),
    Column("dispute_id", Integer, nullable=False),
    Column("team", Text, nullable=False),
    Column("presenter", Text, nullable=False),
    Column("seconds", Integer, nullable=False),
    Column("recorded_us", BigInteger, nullable=False),
    Index("ux_dispute_presentations_dispute_team", "dispute_id", "team", unique=True),
)
"""A side's presentation to the panel and how long it took (the agreement time-boxes it; an
overrun is recorded, not refused). One per team."""

dispute_decisions = Table(
    "dispute_decisions",
    metadata,
    Column("decision_id", Integer, primary_key=True, autoincrement=True),
    Column("dispute_id", Integer, nullable=False),
    Column("number", Integer, nullable=False),
    Column("decision", Text, nullable=False),
    Column("decided_by", Text, nullable=False),
    Column("decided_us", BigInteger, nullable=False),
    Column("supersedes", Integer, nullable=True),
    Column("deciders", Text, nullable=True),
    Column("hearing_id", Integer, nullable=True),
    Index("ux_dispute_decisions_dispute_number", "dispute_id", "number", unique=True),
)
"""Binding decisions, numbered 1, 2, ... within their dispute; a later one names the one it
``supersedes`` (the current one) and the rehearing it followed (``hearing_id``), and never
edits it. ``deciders`` (migration 0008) is the JSON list of everyone who made it — the whole
panel, or the sole arbiter; NULL on older decisions, made by ``decided_by`` alone."""

dispute_hearings = Table(
    "dispute_hearings",
    metadata,
    Column("hearing_id", Integer, primary_key=True, autoincrement=True),
    Column("dispute_id", Integer, nullable=False),
    Column("held_us", BigInteger, nullable=False),
    Column("attendees", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("recorded_by", Text, nullable=True),
    Column("recorded_us", BigInteger, nullable=False),
    Index("ix_dispute_hearings_dispute_id", "dispute_id"),
)
"""A new hearing of a decided dispute (migration 0008): when it was held, who attended (a JSON
list of e-mails) and why the dispute was heard again. A decision is superseded only by a
decision that follows such a hearing."""

# --- history (migration 0006): the audit trail and month closes, append-only too -------------

audit_log = Table(
    "audit_log",
    metadata,
    Column("audit_id", Integer, primary_key=True, autoincrement=True),
    Column("recorded_us", BigInteger, nullable=False),
    Column("actor", Text, nullable=True),
    Column("via", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("claimed_us", BigInteger, nullable=True),
    Column("late", Boolean, nullable=False),
    Column("detail", Text, nullable=False),
    Index("ix_audit_log_recorded_us", "recorded_us"),
)
"""Every write, once: who (``actor``: the member's e-mail, the CLI's ``--by``, NULL when nobody
was named), through what (``via``: ``cli``, ``token:<id>``, ``webhook:<source>``, ``demo``),
what was done (``action``, e.g. ``lead.touch``) to what (``subject``, e.g. ``lead:L-1``), the
time the write claims its event happened (``claimed_us``), the time revpact recorded it
(``recorded_us``), whether it was a late entry, and a JSON ``detail``."""

month_closes = Table(
    "month_closes",
    metadata,
    Column("close_id", Integer, primary_key=True, autoincrement=True),
    Column("month", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("at_us", BigInteger, nullable=False),
    Column("recorded_us", BigInteger, nullable=False),
    Column("by", Text, nullable=False),
    Column("version_hash", Text, nullable=True),
    Column("facts_hash", Text, nullable=True),
    Column("facts", Text, nullable=True),
    Column("figures", Text, nullable=True),
    Column("reason", Text, nullable=True),
    Index("ix_month_closes_month", "month"),
)
"""Each close and reopen of a month (``YYYY-MM``), in order: ``action`` close or reopen, by whom,
when it took effect (``at_us``) and when it was recorded (``recorded_us``: data recorded after
it is what a restatement lists); a close keeps the month's facts (JSON) and figures (JSON) as
they were then, the SHA-256 of the facts, and the agreement version the month is measured
under. The month's latest row says whether it is closed."""

APPEND_ONLY = (
    "agreement_versions",
    "signatures",
    "feedback",
    "feedback_answers",
    "meetings_held",
    "disputes",
    "dispute_representatives",
    "dispute_presentations",
    "dispute_decisions",
    "dispute_hearings",
    "reward_splits",
    "audit_log",
    "month_closes",
    "swat_report_filings",
)
"""The tables whose rows the database itself refuses to change or delete (triggers)."""
