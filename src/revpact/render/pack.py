"""The meeting pack as a document: one self-contained HTML page, or the PDF WeasyPrint makes of it.

:func:`render_pack` takes the pack's JSON twin (:class:`revpact.services.public.packs.PackPublic`:
exact Decimal strings and ISO 8601 times) — so the document shows exactly the figures the JSON
has — and fills ``templates/pack.html.j2`` with it, written out in English or Polish: the
texts from ``labels_pack/{en,pl}.yaml``, figures, dates and times through
:mod:`revpact.render.formatting`.

How a figure is shown (:func:`format_figure`, :func:`format_change`; the tests use them too):
money as :func:`~revpact.render.formatting.format_money` writes it; a ratio as a percentage
rounded half-up to one decimal (``56.4%``), its change in percentage points (``+2.4 pp``);
days rounded half-up to one decimal (``28 days``, ``30.2 days``). A month in progress shows
"in progress" instead of met or missed; a revenue figure that used the won deals for a month
without a revenue row is marked ``*``, and notes under the results say what both mean. The
month's close — who closed it, when, under which agreement version and with which facts' hash,
or awaiting close, or in progress — and its pending restatement (each figure old → new, and the
rows recorded after the close) are written out by :func:`close_text` and
:func:`restatement_view`, which the dashboard's scoreboard page uses too.

Charts are images inside the page: matplotlib figures (the non-interactive Agg canvas, never
pyplot or a GUI) saved as SVG with their text drawn as paths — so no font is fetched or needed
— and inlined in the HTML: no external URL, no script. User text (feedback, owners' names)
is always escaped: autoescaping in the template, and in a chart it becomes paths.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib import resources
from typing import Any, Final
from zoneinfo import ZoneInfo

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from revpact.errors import RevpactError
from revpact.render.formatting import (
    format_date,
    format_moment,
    format_money,
    format_month,
    format_number,
    format_percent,
    locale_of,
)
from revpact.render.texts import LANGUAGES, Labels

__all__ = [
    "PACK_FORMATS",
    "RestatementView",
    "close_text",
    "format_change",
    "format_figure",
    "pack_labels",
    "render_pack",
    "restatement_figure",
    "restatement_value",
    "restatement_view",
]

PACK_FORMATS: tuple[str, ...] = ("html", "pdf")
"""The formats :func:`render_pack` writes."""

_TENTH = Decimal("0.1")
_MINUS = "\u2212"


@functools.cache
def pack_labels(lang: str) -> Labels:
    """The pack's texts in ``lang`` (``labels_pack/en.yaml``, ``labels_pack/pl.yaml``)."""
    if lang not in LANGUAGES:
        raise RevpactError(f'language "{lang}" is not offered; choose {" or ".join(LANGUAGES)}')
    source = resources.files("revpact.render").joinpath("labels_pack", f"{lang}.yaml")
    tree = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(tree, Mapping):
        raise TypeError(f"labels_pack/{lang}.yaml does not hold a mapping")
    return Labels(lang, tree)


# --- figures ------------------------------------------------------------------------------------


def _decimal(value: Decimal | str | int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _tenth(value: Decimal) -> Decimal:
    shown = value.quantize(_TENTH, rounding=ROUND_HALF_UP)
    return shown.quantize(Decimal(1)) if shown == shown.to_integral_value() else shown


def _days(value: Decimal, lang: str) -> str:
    from babel import units

    return units.format_unit(_tenth(value), "duration-day", locale=locale_of(lang))


def format_figure(value: Decimal | str | int | None, unit: str, currency: str, lang: str) -> str:
    """A goal's figure: ``money``, ``ratio`` or ``days``; ``—`` when there is none."""
    number = _decimal(value)
    if number is None:
        return "—"
    if unit == "money":
        return format_money(number, currency, lang)
    if unit == "ratio":
        return format_percent(_tenth(number * 100) / 100, lang)
    if unit == "days":
        return _days(number, lang)
    raise ValueError(f"unknown unit {unit!r}")


def format_change(value: Decimal | str | int | None, unit: str, currency: str, lang: str) -> str:
    """A figure's change, signed (``+$45,500``, ``−1.3 days``, ``+2.4 pp``); ``—`` when there
    is nothing to compare."""
    number = _decimal(value)
    if number is None:
        return "—"
    if unit == "ratio":
        points = _tenth(number * 100)
        magnitude = pack_labels(lang).text("moves.points", value=format_number(abs(points), lang))
        sign = "+" if points > 0 else _MINUS if points < 0 else "±"
        return f"{sign}{magnitude}"
    shown = _tenth(number) if unit == "days" else number
    sign = "+" if shown > 0 else _MINUS if shown < 0 else "±"
    return sign + format_figure(abs(shown), unit, currency, lang)


# --- month close --------------------------------------------------------------------------------
# Shared with the dashboard's scoreboard page (revpact.server.web.scoreboard_page), which passes
# its own labels' ``scoreboard`` subtree: both label files hold these texts under the same keys.

_CLOSE_STATES: Final = {
    "open": "close.open",
    "in_progress": "close.in_progress",
    "awaiting_close": "close.awaiting_close",
}
_FIGURES: Final = {  # a restatement's figure (a field of the month's facts) and its text
    "revenue": "restatements.figure.revenue",
    "revenue_source": "restatements.figure.revenue_source",
    "follow_up_met": "restatements.figure.follow_up_met",
    "follow_up_breached": "restatements.figure.follow_up_breached",
    "follow_up_open": "restatements.figure.follow_up_open",
    "proposals_won": "restatements.figure.proposals_won",
    "proposals_lost": "restatements.figure.proposals_lost",
    "won_cycle.count": "restatements.figure.won_cycle_count",
    "won_cycle.total_days": "restatements.figure.won_cycle_total_days",
    "won_cycle.median_days": "restatements.figure.won_cycle_median_days",
}
_SOURCES: Final = {
    "recognised": "restatements.source.recognised",
    "won_deals": "restatements.source.won_deals",
    "none": "restatements.source.none",
}
_TABLES: Final = {
    "leads": "restatements.table.leads",
    "deals": "restatements.table.deals",
    "revenue": "restatements.table.revenue",
}


def close_text(
    t: Labels, close: Mapping[str, Any] | None, version: int | None, zone: str, lang: str
) -> str | None:
    """A month's close state in a sentence, from its scoreboard ``close`` block
    (:func:`revpact.services.month_states.close_block`): who closed it, on which day (in
    ``zone``), under which agreement version (``version``, its number; None: the unpublished
    agreement file, named by its hash) and the facts' hash; or awaiting close, in progress,
    not begun. None without a block."""
    if close is None:
        return None
    if close["state"] != "closed":
        return t.text(_CLOSE_STATES[close["state"]])
    day = datetime.fromisoformat(close["at"]).astimezone(ZoneInfo(zone)).date()
    under = (
        t.text("close.file", hash=str(close["version"] or "")[:12])
        if version is None
        else t.text("close.version", number=version)
    )
    return t.text(
        "close.closed",
        by=close["by"],
        date=format_date(day, lang),
        version=under,
        facts=str(close["facts_hash"] or "")[:12],
    )


def restatement_figure(t: Labels, name: str, lead_types: Mapping[str, str]) -> str:
    """What a restatement's figure (``proposals_won``, ``leads_by_type.referral``) is called;
    a figure revpact has no text for keeps its name."""
    key = _FIGURES.get(name)
    if key is not None:
        return t.text(key)
    group, _, kind = name.partition(".")
    if group == "leads_by_type" and kind:
        return t.text("restatements.figure.leads_by_type", type=lead_types.get(kind, kind))
    return name


def restatement_value(t: Labels, name: str, value: Any, currency: str, lang: str) -> str:
    """A restatement's old or new value as the documents show it: revenue as money, days as
    days, counts as numbers, the revenue source in words; ``—`` when there is none."""
    if value is None:
        return "—"
    if name == "revenue_source":
        key = _SOURCES.get(str(value))
        return str(value) if key is None else t.text(key)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if name == "revenue":
        return format_money(number, currency, lang)
    if name.endswith("_days"):
        return _days(number, lang)
    return format_number(number, lang)


@dataclass(frozen=True)
class RestatementView:
    """A closed month's pending restatement, written out: the month, its close, each figure
    (name, as closed, as the data now say) and the rows recorded after the close."""

    month: str  # YYYY-MM
    name: str  # the month as the language writes it
    closed: str
    changes: tuple[tuple[str, str, str], ...]
    rows: tuple[str, ...]


def restatement_view(
    t: Labels,
    item: Mapping[str, Any],
    closed: str,
    lead_types: Mapping[str, str],
    currency: str,
    zone: str,
    lang: str,
) -> RestatementView:
    """``item`` (:class:`revpact.services.public.months.RestatementPublic`) as text; ``closed``
    is its month's :func:`close_text`."""
    changes = tuple(
        (
            restatement_figure(t, c["figure"], lead_types),
            restatement_value(t, c["figure"], c["old"], currency, lang),
            restatement_value(t, c["figure"], c["new"], currency, lang),
        )
        for c in item["changes"]
    )
    rows = tuple(
        t.text(
            "restatements.row",
            table=t.text(_TABLES[r["table"]]) if r["table"] in _TABLES else r["table"],
            id=r["key"],
            moment=_moment(r["recorded_at"], zone, lang),
        )
        for r in item["rows"]
    )
    name = format_month(_month_of(item["month"]), lang)
    return RestatementView(item["month"], name, closed, changes, rows)


# --- the view -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    cells: tuple[str, ...]
    mark: str = ""  # met, missed or none: the row's class


@dataclass(frozen=True)
class _Chart:
    title: str
    svg: Markup


def _moment(value: str | None, zone: str, lang: str) -> str:
    return "—" if value is None else format_moment(datetime.fromisoformat(value), zone, lang)


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


def _month_of(text: str) -> date:
    return date.fromisoformat(f"{text}-01")


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
    month = format_month(_month_of(results["month"]), lang)
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
            previous_label = format_month(_month_of(previous_label), lang)
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
                    _moment(item["raised_at"], zone, lang),
                    t.text(
                        "feedback.arrow",
                        source=t.text(f"teams.{item['from_team']}"),
                        target=t.text(f"teams.{item['to_team']}"),
                    ),
                    str(item["text"]),
                    _moment(item["due_at"], zone, lang),
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
            else format_month(_month_of(escalation["since"]), lang),
            months=escalation["months_missed"],
        )
    )
    actions = [
        _Row(
            (
                format_month(_month_of(a["month"]), lang),
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
                moment=_moment(agenda["starts_at"], zone, lang),
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
        "as_of": t.text("as_of", moment=_moment(period["as_of"], zone, lang)),
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
        "charts": _charts(data, t, lang),
    }


# --- charts -------------------------------------------------------------------------------------

_SVG_START = re.compile(r"^.*?(?=<svg\b)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_NAMESPACES = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')
_DARK, _LIGHT, _ACCENT, _MISSED = "#333333", "#9aa7b4", "#1f5f99", "#b03a2e"


def _svg(figure: Any, prefix: str) -> Markup:
    """The figure as inline SVG: no XML prologue, no comments or metadata, no namespace URLs
    (an inline ``<svg>`` in HTML needs none), and its ids prefixed so charts never clash."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = _SVG_START.sub("", text, count=1)
    text = _COMMENT.sub("", text)
    text = _METADATA.sub("", text)
    text = _NAMESPACES.sub("", text)
    text = text.replace("xlink:href=", "href=")
    text = re.sub(r'\bid="', f'id="{prefix}-', text)
    text = text.replace('href="#', f'href="#{prefix}-').replace("url(#", f"url(#{prefix}-")
    text = re.sub(r"<svg\b", f'<svg role="img" class="chart" id="{prefix}"', text, count=1)
    return Markup(text.strip())  # matplotlib's own output: its text is drawn as paths


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)  # the non-interactive canvas: no GUI, no pyplot state
    return figure


def _money_axis(axis: Any, currency: str, lang: str) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(
        FuncFormatter(lambda value, _: format_money(Decimal(str(round(value))), currency, lang))
    )


def _charts(data: Mapping[str, Any], t: Labels, lang: str) -> list[_Chart]:
    import matplotlib

    currency = str(data["currency"])
    style: dict[Any, Any] = {
        "svg.fonttype": "path",
        "svg.hashsalt": "revpact",
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "text.parse_math": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    charts = []
    with matplotlib.rc_context(style):
        charts.append(_revenue_chart(data, t, lang, currency))
        charts.append(_lead_value_chart(data, t, lang, currency))
        if data["follow_up"]["breaches"]:
            charts.append(_breaches_chart(data, t, lang))
    return charts


def _revenue_chart(data: Mapping[str, Any], t: Labels, lang: str, currency: str) -> _Chart:
    rows = data["results"]["revenue_by_month"]
    names = [format_month(_month_of(r["month"]), lang).split()[0][:3] for r in rows]
    actual = [0.0 if r["actual"] is None else float(r["actual"]) for r in rows]  # unknown: no bar
    target = [float(r["target"]) for r in rows]
    figure = _figure(7.0, 3.0)
    axes = figure.add_subplot()
    places = range(len(rows))
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    colours = [_ACCENT if a >= b else _MISSED for a, b in zip(actual, target, strict=True)]
    axes.bar(places, actual, color=colours, width=0.65)
    axes.step(places, target, where="mid", color=_DARK, linewidth=1.6)
    shown = t.text("results.actual")
    handles = [
        Patch(color=_ACCENT, label=f"{shown}: {t.text('status.met')}"),
        Patch(color=_MISSED, label=f"{shown}: {t.text('status.missed')}"),
        Line2D([], [], color=_DARK, linewidth=1.6, label=t.text("results.target")),
    ]
    axes.set_xticks(list(places), names)
    _money_axis(axes.yaxis, currency, lang)
    axes.set_ylim(0, max([*actual, *target, 1.0]) * 1.12)
    axes.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1), frameon=False, ncols=3)
    axes.grid(axis="y", color="#e2e2e2", linewidth=0.6)
    axes.set_axisbelow(True)
    figure.tight_layout()
    return _Chart(t.text("results.chart_revenue"), _svg(figure, "chart-revenue"))


def _lead_value_chart(data: Mapping[str, Any], t: Labels, lang: str, currency: str) -> _Chart:
    moves = data["moves"]
    names = {str(k): str(v) for k, v in data["lead_types"].items()}
    if moves is not None:
        previous, current = moves["previous_by_type"], moves["current_by_type"]
        before = moves["previous_label"]
        now = data["period"]["label"]
        if moves["basis"] == "month":
            before = format_month(_month_of(before), lang)
            now = format_month(_month_of(data["results"]["month"]), lang)
    else:
        previous, current = [], data["results"]["lead_value_by_type"]
        before, now = "—", format_month(_month_of(data["results"]["month"]), lang)
    kinds = [item["lead_type"] for item in current]
    was = {item["lead_type"]: float(item["value"]) for item in previous}
    figure = _figure(7.0, 0.9 + 0.45 * max(len(kinds), 1))
    axes = figure.add_subplot()
    height = 0.38
    places = list(range(len(kinds)))
    axes.barh(
        [p + height / 2 for p in places],
        [was.get(k, 0.0) for k in kinds],
        height=height,
        color=_LIGHT,
        label=before,
    )
    axes.barh(
        [p - height / 2 for p in places],
        [float(item["value"]) for item in current],
        height=height,
        color=_ACCENT,
        label=now,
    )
    axes.set_yticks(places, [names.get(k, k) for k in kinds])
    axes.invert_yaxis()
    _money_axis(axes.xaxis, currency, lang)
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1), frameon=False, ncols=2, reverse=True)
    axes.grid(axis="x", color="#e2e2e2", linewidth=0.6)
    axes.set_axisbelow(True)
    figure.tight_layout()
    title = t.text("results.chart_lead_value", previous=before, current=now)
    return _Chart(title, _svg(figure, "chart-lead-value"))


def _breaches_chart(data: Mapping[str, Any], t: Labels, lang: str) -> _Chart:
    rows = data["follow_up"]["breaches"][:12]
    names = [b["owner"] or t.text("follow_up.nobody") for b in rows]
    figure = _figure(7.0, 0.6 + 0.32 * len(rows))
    axes = figure.add_subplot()
    axes.barh(range(len(rows)), [int(b["count"]) for b in rows], color=_MISSED, height=0.6)
    axes.set_yticks(list(range(len(rows))), names)
    axes.invert_yaxis()
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.grid(axis="x", color="#e2e2e2", linewidth=0.6)
    axes.set_axisbelow(True)
    figure.tight_layout()
    return _Chart(t.text("follow_up.chart"), _svg(figure, "chart-breaches"))


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
