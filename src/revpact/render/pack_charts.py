"""The meeting pack's charts: matplotlib figures (the non-interactive Agg canvas, never pyplot
or a GUI) saved as SVG with their text drawn as paths — so no font is fetched or needed — and
inlined in the HTML: no external URL, no script. User text in a chart becomes paths.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from revpact.render.formatting import (
    format_money,
    format_month,
)
from revpact.render.pack_figures import month_of
from revpact.render.texts import Labels

__all__ = ["Chart", "pack_charts"]


@dataclass(frozen=True)
class Chart:
    """A chart of the pack: its title and its inline SVG."""

    title: str
    svg: Markup


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


def pack_charts(data: Mapping[str, Any], t: Labels, lang: str) -> list[Chart]:
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


def _revenue_chart(data: Mapping[str, Any], t: Labels, lang: str, currency: str) -> Chart:
    rows = data["results"]["revenue_by_month"]
    names = [format_month(month_of(r["month"]), lang).split()[0][:3] for r in rows]
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
    return Chart(t.text("results.chart_revenue"), _svg(figure, "chart-revenue"))


def _lead_value_chart(data: Mapping[str, Any], t: Labels, lang: str, currency: str) -> Chart:
    moves = data["moves"]
    names = {str(k): str(v) for k, v in data["lead_types"].items()}
    if moves is not None:
        previous, current = moves["previous_by_type"], moves["current_by_type"]
        before = moves["previous_label"]
        now = data["period"]["label"]
        if moves["basis"] == "month":
            before = format_month(month_of(before), lang)
            now = format_month(month_of(data["results"]["month"]), lang)
    else:
        previous, current = [], data["results"]["lead_value_by_type"]
        before, now = "—", format_month(month_of(data["results"]["month"]), lang)
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
    return Chart(title, _svg(figure, "chart-lead-value"))


def _breaches_chart(data: Mapping[str, Any], t: Labels, lang: str) -> Chart:
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
    return Chart(t.text("follow_up.chart"), _svg(figure, "chart-breaches"))
