"""Parts the scoreboard and follow-up pages share: a strict ``?as_of=``, figures with stable
ids and their display text, and plotly charts rendered only when HTML is asked for.

A **figure** is one number (or verdict) a page shows: its JSON twin carries it under
``figures[id]`` as ``{"value": raw, "text": shown}`` — ``raw`` exactly as the service's JSON
has it (Decimal strings for money and ratios), ``text`` as the page prints it — and the page
prints it as ``<span id="ID" data-value="RAW">TEXT</span>``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from html import escape
from typing import Any, Final

from revpact.domain.clock.moments import read_moment
from revpact.errors import MomentError
from revpact.render import formatting
from revpact.render.texts import Labels
from revpact.server.web.site import Page, PageRequest

__all__ = [
    "AsOfError",
    "Charts",
    "Figures",
    "error_page",
    "strict_moment",
]

_SHOWN_PERCENT: Final = Decimal("0.001")  # 95.2%
_SHOWN_DAYS: Final = Decimal("0.1")


class AsOfError(ValueError):
    """``?as_of=`` is not a moment (the page answers 422); its text is the value written."""


def strict_moment(req: PageRequest) -> tuple[datetime, bool]:
    """``?as_of=`` read by the one rule (:func:`revpact.domain.clock.moments.read_moment`:
    without an offset, the calendar's wall-clock time) and True, else ``req.now`` and False;
    :class:`AsOfError` (the value as written) when the value is not a moment."""
    raw = (req.query.get("as_of") or "").strip()
    if not raw:
        return req.now, False
    try:
        return read_moment(raw, req.agreement.calendar.timezone), True
    except MomentError as exc:
        raise AsOfError(exc.value) from exc


def error_page(req: PageRequest, title_key: str, message: str, status: int = 422) -> Page:
    """The error page with ``status``; its JSON twin is the API's problem details
    (:func:`revpact.server.errors.problem_response`) with ``message`` as the ``detail``."""
    return Page(
        title=req.labels.text(title_key),
        template="error.html.j2",
        data={"detail": message},
        context={"message": message},
        status=status,
        problem=message,
    )


class Figures:
    """The figures of a page, in the order they were added (see the module docstring)."""

    def __init__(self, labels: Labels, lang: str, currency: str) -> None:
        self._labels, self._lang, self._currency = labels, lang, currency
        self.items: dict[str, dict[str, Any]] = {}

    def add(self, fid: str, value: Any, kind: str) -> None:
        """Add figure ``fid`` of ``value`` (a JSON value) shown as ``kind``."""
        if fid in self.items:
            raise ValueError(f"figure {fid} twice")
        self.items[fid] = {"value": value, "text": self.text(value, kind)}

    def text(self, value: Any, kind: str) -> str:
        """``value`` as the page shows it: money, number, percent, days, verdict or text."""
        if kind == "verdict":
            key = "none" if value is None else ("met" if value else "missed")
            return self._labels.text(f"scoreboard.verdict.{key}")
        if value is None:
            return "—"
        match kind:
            case "money":
                return formatting.format_money(Decimal(value), self._currency, self._lang)
            case "number":
                return formatting.format_number(Decimal(value), self._lang)
            case "percent":
                shown = Decimal(str(value)).quantize(_SHOWN_PERCENT)
                return formatting.format_percent(shown.normalize(), self._lang)
            case "days":
                shown = Decimal(str(value)).quantize(_SHOWN_DAYS)
                return self._labels.text(
                    "scoreboard.days", n=formatting.format_number(shown, self._lang)
                )
            case "duration":
                return formatting.format_duration(int(value), self._lang)
            case _:
                return str(value)


@dataclass
class Charts:
    """plotly figures, built and rendered only when a template asks for one (a JSON twin
    never pays for them). ``html(name)`` is a ``<div class="plotly-chart">`` holding the
    figure's JSON in an escaped attribute, for ``|safe``: static/charts.js draws it, so a page
    runs no inline script (the dashboard's CSP allows none)."""

    builders: dict[str, Callable[[], Any]]

    def html(self, name: str) -> str:
        figure = self.builders[name]()
        figure.update_layout(
            height=320, margin={"l": 50, "r": 20, "t": 40, "b": 40}, template="plotly_white"
        )
        drawn = escape(str(figure.to_json()), quote=True)
        return f'<div class="plotly-chart" id="chart-{escape(name)}" data-figure="{drawn}"></div>'

    def names(self) -> list[str]:
        return list(self.builders)
