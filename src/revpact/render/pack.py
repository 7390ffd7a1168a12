"""The meeting pack as a document: one self-contained HTML page, or the PDF WeasyPrint makes of it.

:func:`render_pack` takes the pack's JSON twin (:class:`revpact.services.public.packs.PackPublic`:
exact Decimal strings and ISO 8601 times) — so the document shows exactly the figures the JSON
has — and fills ``templates/pack.html.j2`` with it, written out in English or Polish: the
texts from ``labels_pack/{en,pl}.yaml``, figures, dates and times through
:mod:`revpact.render.formatting`.

Figures, dates and moments are written by :mod:`revpact.render.pack_figures` (whose
:func:`format_figure` and :func:`format_change` this module re-exports; the tests use them);
a month in progress shows "in progress" instead of met or missed; a revenue figure that used
the won deals for a month without a revenue row is marked ``*``, and notes under the results
say what both mean. The month's close and its pending restatement are written out by
:mod:`revpact.render.restatements` (the dashboard's scoreboard page uses it too), and the
charts drawn by :mod:`revpact.render.pack_charts`. User text (feedback, owners' names) is
always escaped: autoescaping in the template, and in a chart it becomes paths.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from revpact.errors import RevpactError
from revpact.render.formatting import (
    format_date,
    format_month,
    format_number,
    format_percent,
)
from revpact.render.pack_charts import pack_charts
from revpact.render.pack_figures import (
    format_change,
    format_figure,
    moment_text,
    month_of,
    pack_labels,
)
from revpact.render.restatements import close_text, restatement_view
from revpact.render.texts import Labels

__all__ = [
    "PACK_FORMATS",
    "format_change",
    "format_figure",
    "pack_labels",
    "render_pack",
]

PACK_FORMATS: tuple[str, ...] = ("html", "pdf")
"""The formats :func:`render_pack` writes."""


# --- the view -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    cells: tuple[str, ...]
    mark: str = ""  # met, missed or none: the row's class


def _verdict(met: bool | None, t: Labels, *, undecided: bool = False) -> tuple[str, str]:
    if met is None:
        return t.text("status.undecided" if undecided else "status.none"), "none"
    return (t.text("status.met"), "met") if met else (t.text("status.missed"), "missed")


FALLBACK_MARK = "*"
"""Marks a revenue figure that used the won deals for a month without a revenue row."""


def _notes(score: Mapping[str, Any], t: Labels, lang: str) -> list[str]:
    """What the month's state and revenue source mean, where they are not the plain case."""
    notes = []
    if score["state"] == "in_progress":  # awaiting close: the close line says it
        share = Decimal(score["elapsed_share"]).quantize(Decimal("0.001"))
        notes.append(t.text("results.in_progress", share=format_percent(share, lang)))
    revenue = score["revenue"]
    if revenue["fallback"]:
        notes.append(t.text("results.fallback_note"))
    if revenue["fallback_months"]:
        notes.append(t.text("results.fallback_ytd_note", months=revenue["fallback_months"]))
    if revenue["actual"] is None:
        notes.append(t.text("results.unknown_note"))
    return notes


def _view(data: Mapping[str, Any], lang: str) -> dict[str, Any]:
    t = pack_labels(lang)
    currency, zone = str(data["currency"]), str(data["timezone"])
    period, results = data["period"], data["results"]

    def fig(value: str | None, unit: str) -> str:
        return format_figure(value, unit, currency, lang)

    if data["kind"] == "weekly":
        when = t.text(
            "week",
            week=period["label"],
            first=format_date(date.fromisoformat(period["first_day"]), lang),
            last=format_date(date.fromisoformat(period["last_day"]), lang),
        )
    else:
        when = format_month(date.fromisoformat(period["first_day"]), lang)
    month = format_month(month_of(results["month"]), lang)
    version = results["agreement_version"]
    score = results["month_score"]
    open_state = score["state"] if score["state"] in ("in_progress", "awaiting_close") else None
    revenue = score["revenue"]
    goals = []
    for goal in results["goals"]:
        text, mark = (
            (t.text(f"status.{open_state}"), "none")
            if open_state is not None
            else _verdict(goal["met"], t)
        )
        unit = goal["unit"]
        actual = fig(goal["actual"], unit)
        if goal["key"] == "revenue" and revenue["fallback"]:
            actual += FALLBACK_MARK
        goals.append(
            _Row(
                (
                    t.text(f"goals.{goal['key']}"),
                    actual,
                    fig(goal["target"], unit),
                    text,
                ),
                mark,
            )
        )
    notes = _notes(score, t, lang)
    type_names = {str(k): str(v) for k, v in data["lead_types"].items()}
    closed_under = results["closed_under"]
    close = close_text(
        t,
        score["close"],
        None if closed_under is None else closed_under["number"],
        zone,
        lang,
    )
    restatement = (
        None
        if results["restatement"] is None or close is None
        else restatement_view(t, results["restatement"], close, type_names, currency, zone, lang)
    )
    company = results["company_goals"]
    company_rows = []
    for key in ("goal1", "goal2", "goal3"):
        text, mark = _verdict(company[key], t, undecided=True)
        company_rows.append(_Row((t.text(f"results.{key}"), text), mark))
    by_type = [
        _Row(
            (
                type_names.get(item["lead_type"], item["lead_type"]),
                format_number(int(item["count"]), lang),
                fig(item["unit_value"], "money"),
                fig(item["value"], "money"),
            )
        )
        for item in results["lead_value_by_type"]
    ]
    lead_total = sum((Decimal(i["value"]) for i in results["lead_value_by_type"]), Decimal(0))
    lead_count = sum(int(i["count"]) for i in results["lead_value_by_type"])

    moves = data["moves"]
    move_rows: list[_Row] = []
    basis = None
    if moves is not None:
        weekly = moves["basis"] == "week"
        previous_label = moves["previous_label"]
        if not weekly:
            previous_label = format_month(month_of(previous_label), lang)
        basis = t.text(f"moves.basis_{moves['basis']}", previous=previous_label)
        for item in moves["items"]:
            unit = item["unit"]
            name = t.text(f"moves.week.{item['key']}" if weekly else f"goals.{item['key']}")
            better = item["better"]
            if item["change"] is None:
                judged, mark = "—", "none"
            elif better is None:
                judged, mark = t.text("moves.same"), "none"
            else:
                judged = t.text("moves.better" if better else "moves.worse")
                mark = "met" if better else "missed"
            move_rows.append(
                _Row(
                    (
                        name,
                        fig(item["previous"], unit),
                        fig(item["current"], unit),
                        format_change(item["change"], unit, currency, lang),
                        judged,
                    ),
                    mark,
                )
            )

    follow = data["follow_up"]
    counts = follow["counts"]
    follow_summary = t.text(
        "follow_up.summary",
        notified=format_number(int(follow["notified"]), lang),
        met=format_number(int(counts["met"]), lang),
        breached=format_number(int(counts["breached"]), lang),
        waiting=format_number(int(counts["open"]) + int(counts["at_risk"]), lang),
        excluded=format_number(int(counts["excluded"]), lang),
    )
    follow_compliance = (
        t.text("follow_up.no_compliance")
        if follow["compliance"] is None
        else t.text(
            "follow_up.compliance",
            value=fig(follow["compliance"], "ratio"),
            target=fig(follow["target"], "ratio"),
        )
    )
    breaches = [
        _Row(
            (
                b["owner"] or t.text("follow_up.nobody"),
                format_number(int(b["count"]), lang),
                ", ".join(b["lead_ids"]),
            )
        )
        for b in follow["breaches"]
    ]

    def feedback_rows(items: Sequence[Mapping[str, Any]]) -> list[_Row]:
        return [
            _Row(
                (
                    str(item["id"]),
                    moment_text(item["raised_at"], zone, lang),
                    t.text(
                        "feedback.arrow",
                        source=t.text(f"teams.{item['from_team']}"),
                        target=t.text(f"teams.{item['to_team']}"),
                    ),
                    str(item["text"]),
                    moment_text(item["due_at"], zone, lang),
                    t.text(f"feedback.states.{item['state']}"),
                ),
                "missed" if item["state"] in ("overdue", "late") else "",
            )
            for item in items
        ]

    escalation = data["escalation"]
    level = (
        t.text("escalation.no_level")
        if not escalation["level"]
        else t.text(
            "escalation.level",
            level=escalation["level"],
            since="—"
            if escalation["since"] is None
            else format_month(month_of(escalation["since"]), lang),
            months=escalation["months_missed"],
        )
    )
    actions = [
        _Row(
            (
                format_month(month_of(a["month"]), lang),
                str(a["level"]),
                str(a["text"]),
                t.text(f"teams.{a['owner']}"),
                format_date(date.fromisoformat(a["due"]), lang),
            )
        )
        for a in escalation["actions"]
    ]
    weeks = list(escalation["swat_reports_due"])
    reports = (
        t.text("escalation.report_count", count=len(weeks), weeks=", ".join(weeks))
        if weeks
        else None
    )

    agenda = data["agenda"]
    agenda_view = None
    if agenda is not None:
        if agenda["starts_at"] is None:
            heading = t.text("agenda.not_scheduled", name=agenda["name"])
        else:
            heading = t.text(
                "agenda.meeting",
                name=agenda["name"],
                moment=moment_text(agenda["starts_at"], zone, lang),
            )
        agenda_view = {
            "heading": heading,
            "attendees": t.text("agenda.attendees", names=", ".join(agenda["attendees"])),
            "items": list(agenda["items"]),
        }

    return {
        "lang": lang,
        "company": data["company"],
        "agreement_title": data["title"],
        "title": t.text(f"title.{data['kind']}", period=when),
        "as_of": t.text("as_of", moment=moment_text(period["as_of"], zone, lang)),
        "running": not period["complete"],
        "results_heading": t.text(
            "results.month_complete" if results["complete"] else "results.month_to_date",
            month=month,
        ),
        "notes": notes,
        "close_state": score["close"]["state"],
        "close": close,
        "restatement": restatement,
        "version": t.text("results.no_version")
        if version is None
        else t.text("results.version", number=version["number"], hash=version["hash"][:12]),
        "goals": goals,
        "company_goals": company_rows,
        "by_type": by_type,
        "by_type_total": (format_number(lead_count, lang), fig(str(lead_total), "money")),
        "moves_basis": basis,
        "moves": move_rows,
        "follow_summary": follow_summary,
        "follow_compliance": follow_compliance,
        "breaches": breaches,
        "feedback_raised": feedback_rows(data["feedback"]["raised"]),
        "feedback_waiting": feedback_rows(data["feedback"]["open"]),
        "level": level,
        "actions": actions,
        "reports": reports,
        "agenda": agenda_view,
        "charts": pack_charts(data, t, lang),
    }


# --- rendering ----------------------------------------------------------------------------------


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("revpact.render", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
    )


def render_pack(data: Mapping[str, Any], *, lang: str, fmt: str) -> bytes:
    """The pack (its JSON twin) as a document in ``lang`` (``en``, ``pl``) and ``fmt``
    (``html``: UTF-8 text; ``pdf``: the PDF file's bytes)."""
    if fmt not in PACK_FORMATS:
        raise RevpactError(f'format "{fmt}" is not offered; choose {", ".join(PACK_FORMATS)}')
    texts = pack_labels(lang)
    html = _environment().get_template("pack.html.j2").render(doc=_view(data, lang), t=texts)
    if fmt == "pdf":
        import weasyprint  # imported here: it loads Pango and fonts, which only PDFs need

        document: bytes = weasyprint.HTML(string=html, base_url=None).write_pdf()
        return document
    return html.encode("utf-8")
