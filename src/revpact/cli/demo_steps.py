"""What ``revpact demo`` does: Company A's year, generated, imported and measured (loaded
when the command runs, with the services and the demo's generators)."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from rich.markup import escape
from sqlalchemy import Engine

from revpact import services
from revpact.cli import common
from revpact.cli.agenda_view import print_agenda
from revpact.cli.common import console, fmt_seconds, fmt_time
from revpact.cli.leads_cmds import lead_table, render_summary
from revpact.cli.scoreboard_view import year_table
from revpact.demo.agreement import amended_text, publish_demo_versions
from revpact.demo.data import DEMO_AS_OF, generate_leads, write_leads_csv
from revpact.demo.deals import demo_revenue, generate_deals, write_deals_csv, write_revenue_csv
from revpact.demo.history import CLOSER, close_demo_months, enter_late_deal
from revpact.demo.live import LATE_LEAD_ID, LEAD_ID, run_live_demo
from revpact.demo.packs import write_demo_packs
from revpact.demo.rhythm import record_demo_rhythm
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import from_us
from revpact.domain.clock.sla import LeadStatus
from revpact.errors import RevpactError
from revpact.render import render_agreement
from revpact.services import agreement_versions, disputes, feedback, meetings
from revpact.services.agreement_source import company_a_template, parse_agreement
from revpact.services.database import open_database
from revpact.services.feedback import FeedbackState
from revpact.services.month_states import restatements
from revpact.services.public.scoreboard import MonthScoreboard
from revpact.services.signature_pages import signature_page

__all__ = ["build"]


def build(directory: Path, lang: str, seed: int) -> None:
    """Build Company A's 2020 into ``directory`` and print what was built (``revpact demo``)."""
    if lang not in ("en", "pl"):
        raise RevpactError(f'--lang "{lang}" is not offered; choose en or pl')
    agreement_file = directory / "revpact.yaml"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        agreement_file.write_text(
            company_a_template("pl" if lang == "pl" else "en"), encoding="utf-8"
        )
    except OSError as exc:
        raise RevpactError(
            f'--dir "{directory}": cannot write the demo there ({exc.strerror or exc})'
        ) from None
    agreement = parse_agreement(agreement_file.read_text(encoding="utf-8"), str(agreement_file))

    database = directory / "revpact.db"
    for stale in (
        database,
        database.with_name("revpact.db-wal"),
        database.with_name("revpact.db-shm"),
    ):
        stale.unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    engine = open_database(url)

    calendar = agreement.business_calendar()
    leads = generate_leads(
        seed=seed, timezone=agreement.calendar.timezone, is_business_time=calendar.is_business_time
    )
    leads_file = directory / "leads.csv"
    with leads_file.open("w", encoding="utf-8", newline="") as fp:
        write_leads_csv(leads, fp)
    with console.status(f"importing {len(leads):,} leads"):
        report = services.import_leads(engine, agreement, leads_file)
    deals_file = directory / "deals.csv"
    with deals_file.open("w", encoding="utf-8", newline="") as fp:
        write_deals_csv(generate_deals(leads, seed=seed, as_of=DEMO_AS_OF), fp)
    revenue_file = directory / "revenue.csv"
    with revenue_file.open("w", encoding="utf-8", newline="") as fp:
        write_revenue_csv(demo_revenue(DEMO_AS_OF.year), fp)
    with console.status("importing deals and revenue"):
        deals = services.import_deals(engine, agreement, deals_file)
        revenue = services.import_revenue(engine, agreement, revenue_file)
    console.print(
        f"[bold]{agreement.company}[/] — {agreement.title}: {agreement_file}; imported into "
        f"{database}: {report.rows:,} leads from {leads_file}, {deals.rows:,} deals from "
        f"{deals_file}, {revenue.rows:,} months of revenue from {revenue_file}",
        highlight=False,
    )
    agreement = _versions(engine, agreement_file, "pl" if lang == "pl" else "en")
    _history(engine, agreement, directory)
    render_summary(agreement, services.follow_up_summary(engine, agreement, as_of=DEMO_AS_OF))

    waiting = [
        v
        for v in services.list_leads(engine, agreement, as_of=DEMO_AS_OF)
        if v.status in (LeadStatus.AT_RISK, LeadStatus.OPEN)
    ]
    waiting.sort(key=lambda v: v.business_seconds_left or 0)
    console.print(
        lead_table(agreement, waiting, DEMO_AS_OF, "Waiting for a first touch at", waiting=True)
    )
    console.print(
        year_table(agreement, services.year_scoreboard(engine, agreement, as_of=DEMO_AS_OF))
    )
    _rhythm(engine, agreement, directory)
    _document(engine, directory, "pl" if lang == "pl" else "en")
    packs = write_demo_packs(engine, agreement, directory, lang, DEMO_AS_OF)
    console.print("[bold]Meeting packs[/] — " + ", ".join(map(str, packs)), highlight=False)
    _live(engine, agreement, agreement_file)
    as_of = DEMO_AS_OF.isoformat()
    prog = _program()
    console.print(
        "\nExplore it:\n"
        f"  {prog} status --agreement {agreement_file} --db {url} --as-of {as_of}\n"
        f"  {prog} status --month 2020-10 --agreement {agreement_file} --db {url} "
        f"--as-of {as_of}\n"
        f"  {prog} leads --agreement {agreement_file} --db {url} --as-of {as_of} "
        "--status breached\n"
        f"  {prog} month list --agreement {agreement_file} --db {url} --as-of {as_of}\n"
        f"  {prog} month restatements --agreement {agreement_file} --db {url}\n"
        f"  {prog} audit --agreement {agreement_file} --db {url} --action lead.touch\n"
        f"  {prog} agreement status --db {url}\n"
        f"  {prog} agreement diff v1 v2 --db {url}\n"
        f"  {prog} feedback list --agreement {agreement_file} --db {url} --as-of {as_of}\n"
        f"  {prog} meetings compliance --agreement {agreement_file} --db {url} "
        f"--as-of {as_of}\n"
        f"  {prog} dispute show 1 --agreement {agreement_file} --db {url}\n"
        f"  {prog} agreement render --lang {lang} --format html --db {url}\n"
        f"  {prog} report weekly --week 2020-W52 --agreement {agreement_file} --db {url}\n"
        f"  {prog} token create --name demo --role viewer --db {url}   # prints a token once\n"
        f"  {prog} serve --agreement {agreement_file} --db {url}   "
        "# the live server (see docs/api.md)\n"
        f"  then open http://127.0.0.1:8000/dashboard?as_of={quote(as_of)} and sign in with "
        "the token (docs/dashboard.md)",
        highlight=False,
    )


def _first_half(engine: Engine, agreement: Agreement) -> list[dict[str, object]]:
    """January to June as the scoreboard shows them at the demo's moment (JSON)."""
    board = services.year_scoreboard(engine, agreement, as_of=DEMO_AS_OF, require_close=False)
    return [
        MonthScoreboard.of(m).model_dump(mode="json") for m in board.months if m.month.month <= 6
    ]


def _versions(engine: Engine, agreement_file: Path, lang: str) -> Agreement:
    """Publish v1 and its June amendment, each signed by everyone; the file becomes v2. The
    months before the amendment came into force read the same before and after it."""
    text = agreement_file.read_text(encoding="utf-8")
    v1 = parse_agreement(text, str(agreement_file))
    before: list[list[dict[str, object]]] = []
    with console.status("publishing and signing the agreement"):
        done = publish_demo_versions(
            engine,
            text,
            lang,
            common.now(),
            before_amendment=lambda: before.append(_first_half(engine, v1)),
        )
    agreement_file.write_text(amended_text(text, lang), encoding="utf-8")
    untouched = before == [_first_half(engine, done.v2.agreement)]
    zone = done.v2.agreement.calendar.timezone
    changes = "; ".join(str(c) for c in done.changes)
    console.print(
        f"[bold]Agreement[/] — {done.v1.label} published and signed by all "
        f"{len(done.v1.agreement.signatories)}: in force from "
        f"{fmt_time(done.v1_in_force, zone)}; amended as {done.v2.label} ({changes}), signed by "
        f"all {len(done.v2.agreement.signatories)}: in force from "
        f"{fmt_time(done.v2_in_force, zone)}. Each lead and month is measured under the version "
        "in force at its start: January–June read "
        + ("the same before and after the amendment." if untouched else "DIFFERENTLY after it!"),
        highlight=False,
    )
    if not untouched:
        raise RevpactError("the June amendment changed January–June; it must not")
    return done.v2.agreement


def _history(engine: Engine, agreement: Agreement, directory: Path) -> None:
    """Months closed as they end; a deal entered after its month was closed."""
    zone = agreement.calendar.timezone
    # The demo plays events in order, each at its own reading of the invocation's clock: the
    # late deal is recorded after the closes, and the restatement is read after both.
    with console.status("closing the months as they ended"):
        closes = close_demo_months(engine, agreement, until=DEMO_AS_OF, now=common.now())
        late = enter_late_deal(engine, agreement, directory, now=common.now())
        pending = restatements(engine, agreement, now=common.now())
    lines = [
        f"[bold]Record[/] — {len(closes)} months closed as they ended, by {escape(CLOSER)} "
        f"({closes[0].month:%B} on {fmt_time(closes[0].at, zone)} ... {closes[-1].month:%B} "
        f"on {fmt_time(closes[-1].at, zone)}); escalation and rewards are decided on closed "
        "months only, December is in progress."
        if closes
        else "[bold]Record[/] — no month has ended yet.",
    ]
    for item in pending:
        changes = ", ".join(f"{c.name} {c.old} → {c.new}" for c in item.changes)
        rows = ", ".join(f"{r.table} {r.key}" for r in item.rows)
        lines.append(
            f"  {late.name}: {escape(rows)} arrived after {item.month:%B} was closed — a "
            f"restatement awaits a reopen and a new close: {escape(changes)}"
        )
    console.print("\n".join(lines), highlight=False)


def _rhythm(engine: Engine, agreement: Agreement, directory: Path) -> None:
    """The year's feedback, meetings and dispute; the calendar file and the next agenda."""
    now = common.now()
    with console.status("recording the year's feedback, meetings and dispute"):
        done = record_demo_rhythm(engine, agreement, until=DEMO_AS_OF, now=now)
        items = feedback.list_feedback(engine, as_of=DEMO_AS_OF)
        report = meetings.compliance_report(engine, agreement, as_of=DEMO_AS_OF)
        ics = directory / "meetings.ics"
        ics.write_bytes(meetings.schedule_ics(engine, agreement, as_of=DEMO_AS_OF, now=now))
        dispute = disputes.get_dispute(engine, done.dispute_id)
        # The period ends before the next Monday: show the year's last weekly meeting's.
        last_monday = (DEMO_AS_OF - timedelta(days=DEMO_AS_OF.weekday())).replace(hour=8)
        agenda = meetings.next_agenda(engine, agreement, kind="weekly", as_of=last_monday)
    states = Counter(item.state for item in items)
    lines = [
        f"[bold]Rhythm[/] — feedback: {len(items)} items, "
        + ", ".join(f"{states.get(s, 0)} {s.value.replace('_', ' ')}" for s in FeedbackState)
        + f" (due within {fmt_seconds(agreement.communication.feedback.within)})"
    ]
    for c in report.meetings:
        missed = f" (missed {', '.join(c.missed)})" if c.missed else ""
        excused = f"; {len(c.excused)} on closed days" if c.excused else ""
        lines.append(f"  {c.name}: held {len(c.held)} of {c.due}{missed}{excused}")
    lines.append(f"  the series as a calendar file: {ics}")
    current = dispute.current
    if current is not None:
        day = fmt_time(from_us(current.decided_us), agreement.calendar.timezone, style="%Y-%m-%d")
        lines += [
            f"  dispute #{dispute.id}: {dispute.topic}",
            f"    decision #{current.number} of {len(dispute.decisions)}, by "
            f"{', '.join(current.made_by)} on {day}: {current.text}",
        ]
    console.print("\n".join(lines), highlight=False, markup=True)
    console.print()
    print_agenda(agenda, agreement.currency)


def _document(engine: Engine, directory: Path, lang: str) -> None:
    """The signed agreement as the document people hang up: HTML, Markdown and PDF."""
    version = agreement_versions.versions(engine)[-1]
    page = signature_page(engine, version)
    written = []
    with console.status("rendering the agreement"):
        for fmt in ("html", "md", "pdf"):
            target = directory / f"agreement.{fmt}"
            target.write_bytes(
                render_agreement(version.agreement, lang=lang, fmt=fmt, signatures=page)
            )
            written.append(str(target))
    console.print(
        f"[bold]Document[/] — {version.label} with its signature page: " + ", ".join(written),
        highlight=False,
    )


def _live(engine: Engine, agreement: Agreement, agreement_file: Path) -> None:
    """The live server, end to end: a signed webhook, the queue, an alert, the touch."""
    with console.status("running the live server on loopback"):
        seen = run_live_demo(engine, agreement_file, DEMO_AS_OF)
    zone = agreement.calendar.timezone
    lead = next((x for x in seen.queue if x["lead_id"] == LEAD_ID), None)
    lines = [
        f"[bold]Live[/] — revpact serve on loopback, its clock at {fmt_time(DEMO_AS_OF, zone)}:",
        f"  POST /webhooks/events, a signed lead.notified for {LEAD_ID}: "
        + ", ".join(f"{value} {key}" for key, value in seen.webhook.items()),
    ]
    if lead is not None:
        place = seen.queue.index(lead) + 1
        left = fmt_seconds(lead["business_seconds_left"])
        lines.append(
            f"  GET /leads/queue: {LEAD_ID} is {lead['status']}, {left} left, "
            f"#{place} of {len(seen.queue)} waiting"
        )
    for moment in seen.clock:
        lines.append(f"  clock moves to {fmt_time(moment, zone)}; the scheduler alerts:")
    lines += [f"    {line}" for text in seen.alerts for line in text.splitlines()]
    if not seen.alerts:
        lines.append("    (no alert arrived)")
    touched = seen.touched
    lines.append(
        f"  signed lead.touched, then GET /leads/{LEAD_ID}: {touched.get('status')} after "
        f"{fmt_seconds(touched.get('response_business_seconds'))} of business time"
    )
    late = seen.late_touch
    entry = late.get("late_entry") or {}
    if entry.get("awaiting_approval"):
        claimed = datetime.fromisoformat(str(entry["touch_claimed_at"]))
        recorded = datetime.fromisoformat(str(entry["touch_recorded_at"]))
        lines.append(
            f"  POST /leads/{LATE_LEAD_ID}/touches by the rep at {fmt_time(recorded, zone)}, "
            f"claiming a call at {fmt_time(claimed, zone)}: a late entry — the lead stays "
            f"{late.get('status')} until a leader approves it "
            f"(revpact leads approve {LATE_LEAD_ID} --by EMAIL)"
        )
    console.print("\n".join(lines), highlight=False)


def _program() -> str:
    """How the user called revpact (``.venv/bin/revpact`` after ``make demo``)."""
    called = Path(sys.argv[0]) if sys.argv else Path("revpact")
    return str(called) if called.name == "revpact" else "revpact"
