"""Follow-up: ``/dashboard/follow-up``, how the follow-up promise stands per owner and per week.

Compliance and response times (median and 90th percentile, business time, nearest rank) over
every lead, per owner (:func:`revpact.services.follow_up_summary`) and per ISO week of
notification (:func:`revpact.services.follow_up_weeks.weekly_follow_up`); then the leads that
missed their deadline (:func:`revpact.services.list_leads` with ``status=breached``), the latest
first, each with how late it was touched — or how long it has been waiting past due. Charts:
compliance by week against the target, and median / p90 response per owner.

Every figure of the page is in the JSON twin (overall figures in ``data["figures"]``, table
rows with their ``display`` texts). ``?as_of=`` shows a past moment (422 when it is not one).
Lead ids and owners are user text: always escaped.
"""

from __future__ import annotations

import html
from typing import Any, Final

import plotly.graph_objects as go

from revpact.domain.clock.sla import LeadStatus
from revpact.render import formatting
from revpact.server.web.page_parts import AsOfError, Charts, Figures, error_page, strict_moment
from revpact.server.web.site import Page, PageRequest, page
from revpact.services import follow_up_summary, list_leads
from revpact.services.follow_up import LeadView
from revpact.services.follow_up_weeks import weekly_follow_up
from revpact.services.public.leads import FollowUpSummaryPublic, LeadPublic, WeekFollowUpPublic

__all__ = ["BREACHED_SHOWN", "follow_up"]

BREACHED_SHOWN: Final = 200
"""How many breached leads the page lists (the latest); the twin says how many there are."""

_HOUR: Final = 3600


def _lateness(view: LeadView, as_of_us_seconds: float) -> tuple[int, bool]:
    """Seconds past due (wall-clock) and whether the lead has been touched."""
    assert view.due_at is not None
    due = view.due_at.timestamp()
    if view.first_touch_at is not None:
        return max(int(view.first_touch_at.timestamp() - due), 0), True
    return max(int(as_of_us_seconds - due), 0), False


def _row_texts(figures: Figures, row: dict[str, Any]) -> dict[str, str]:
    counts = row["counts"]
    return {
        "leads": figures.text(row["leads"], "number"),
        "met": figures.text(counts["met"], "number"),
        "breached": figures.text(counts["breached"], "number"),
        "open": figures.text(counts["open"] + counts["at_risk"], "number"),
        "compliance": figures.text(row["compliance"], "percent"),
        "median": figures.text(row["median_response_business_seconds"], "duration"),
        "p90": figures.text(row["p90_response_business_seconds"], "duration"),
    }


@page("follow-up")
def follow_up(req: PageRequest) -> Page:
    """Compliance and response times per owner and per week; the leads that missed."""
    texts = req.labels
    try:
        as_of, asked = strict_moment(req)
    except AsOfError as exc:
        return error_page(
            req, "scoreboard.bad_as_of_title", texts.text("scoreboard.bad_as_of", value=str(exc))
        )
    engine, agreement = req.state.engine, req.agreement
    zone = agreement.calendar.timezone
    summary = FollowUpSummaryPublic.of(
        follow_up_summary(engine, agreement, as_of=as_of)
    ).model_dump(mode="json")
    weeks = [
        WeekFollowUpPublic.of(w).model_dump(mode="json")
        for w in weekly_follow_up(engine, agreement, as_of=as_of)
    ]
    breached = list_leads(engine, agreement, as_of=as_of, status=LeadStatus.BREACHED)
    figures = Figures(texts, req.lang, agreement.currency)
    figures.add("fig-leads", summary["leads"], "number")
    for status, count in summary["counts"].items():
        figures.add(f"fig-count-{status.replace('_', '-')}", count, "number")
    figures.add("fig-compliance", summary["compliance"], "percent")
    figures.add("fig-compliance-target", summary["compliance_target"], "percent")
    figures.add("fig-median", summary["median_response_business_seconds"], "duration")
    figures.add("fig-p90", summary["p90_response_business_seconds"], "duration")
    figures.add("fig-breached-total", len(breached), "number")
    owners = []
    for row in summary["owners"]:
        shown = dict(row)
        shown["display"] = {
            "owner": row["owner"] if row["owner"] is not None else texts.text("follow_up.nobody"),
            **_row_texts(figures, row),
        }
        owners.append(shown)
    for week in weeks:
        week["display"] = _row_texts(figures, week)
    now_s = as_of.timestamp()
    late = []
    for view in reversed(breached[-BREACHED_SHOWN:]):  # the latest first
        seconds, touched = _lateness(view, now_s)
        span = formatting.format_duration(seconds, req.lang)
        late.append(
            {
                **LeadPublic.of(view).model_dump(mode="json"),
                "late_seconds": seconds,
                "touched": touched,
                "display": {
                    "owner": view.owner or texts.text("follow_up.nobody"),
                    "due": ""
                    if view.due_at is None
                    else formatting.format_moment(view.due_at, zone, req.lang),
                    "touched": ""
                    if view.first_touch_at is None
                    else formatting.format_moment(view.first_touch_at, zone, req.lang),
                    "lateness": texts.text(
                        "follow_up.touched_late" if touched else "follow_up.untouched", late=span
                    ),
                },
            }
        )
    data: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "as_of_requested": asked,
        "time_zone": zone,
        "figures": figures.items,
        "summary": summary,
        "owners": owners,
        "weeks": weeks,
        "breached": {"total": len(breached), "shown": late},
        "charts": ["weekly", "response"],
        "display": {
            "as_of": formatting.format_moment(as_of, zone, req.lang),
            "breached_count": texts.text(
                "follow_up.breached_count",
                count=figures.text(len(breached), "number"),
                shown=len(late),
            ),
        },
    }
    return Page(
        title=texts.text("follow_up.title"),
        template="follow_up.html.j2",
        data=data,
        context={"charts": True, "plots": _charts(req, data)},
    )


def _charts(req: PageRequest, data: dict[str, Any]) -> Charts:
    texts = req.labels
    target = float(data["summary"]["compliance_target"])

    def weekly() -> go.Figure:
        weeks = data["weeks"]
        x = [w["week"] for w in weeks]
        figure = go.Figure()
        figure.add_trace(
            go.Scatter(
                x=x,
                y=[w["compliance"] for w in weeks],
                mode="lines+markers",
                name=texts.text("follow_up.compliance"),
            )
        )
        figure.add_trace(
            go.Scatter(
                x=x,
                y=[target] * len(x),
                mode="lines",
                name=texts.text("follow_up.target"),
                line={"dash": "dash"},
            )
        )
        figure.update_layout(title=texts.text("follow_up.weekly_chart"), yaxis_tickformat=".0%")
        return figure

    def response() -> go.Figure:
        owners = data["owners"]
        x = [html.escape(o["display"]["owner"]) for o in owners]  # plotly reads tags in text
        figure = go.Figure()
        for key, label in (
            ("median_response_business_seconds", "follow_up.median"),
            ("p90_response_business_seconds", "follow_up.p90"),
        ):
            figure.add_trace(
                go.Bar(
                    x=x,
                    y=[None if o[key] is None else o[key] / _HOUR for o in owners],
                    name=texts.text(label),
                )
            )
        figure.update_layout(
            title=texts.text("follow_up.response_chart"),
            barmode="group",
            yaxis_title=texts.text("follow_up.hours"),
        )
        return figure

    return Charts({"weekly": weekly, "response": response})
