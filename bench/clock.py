"""Benchmark: the vectorised SLA clock on 1,000,000 leads, against businesstimedelta and pandas.

Run with ``make bench`` (or ``.venv/bin/python bench/clock.py`` after installing the ``bench``
extra). Pinned to one core. For each calendar it prints

* leads/s of the vectorised clock (deadlines, and deadlines + statuses) on 1,000,000 leads;
* leads/s of businesstimedelta and of pandas' CustomBusinessHour on a sample, and the ratios;
* calls/s of the scalar path (``add_business_us``, one lead at a time, on the same leads);
* how many deadlines are identical to the scalar path (all 1,000,000 are checked) and how many
  agree with each library, after allowing for their documented conventions.

Targets: >= 3,000,000 leads/s on one core in both calendars, >= 300x either library, and every
deadline identical to the scalar path.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as dtime

import holidays
import numpy as np

from revpact.domain.clock.calendar import BusinessCalendar, Span, from_us, to_us
from revpact.domain.clock.sla import FollowUpRule, due_many, evaluate_many
from revpact.ingest.agreement_file import company_a_template, parse_agreement

N = 1_000_000
SAMPLE = 2_000
WITHIN = 3600
YEAR_START = datetime(2020, 1, 1, tzinfo=UTC)
YEAR_US = 366 * 86_400 * 1_000_000


@dataclass(frozen=True)
class Case:
    name: str
    timezone: str
    weekly: list[tuple[Span, ...]]
    closed: Callable[[date, date], set[date]]
    # Only the spans both libraries can express: the same spans on every working day.
    spans: tuple[Span, ...]
    working_days: tuple[int, ...]


def company_a() -> Case:
    agreement = parse_agreement(company_a_template("en"))
    spec = agreement.calendar
    weekly = [tuple(day) for day in spec.weekly_spans()]
    working = tuple(d for d in range(7) if weekly[d])
    spans = weekly[working[0]]
    assert all(weekly[d] == spans for d in working), "Company A keeps the same hours each day"
    return Case(
        "Company A (America/New_York, Mon-Fri 09:00-17:00, US-NY holidays)",
        spec.timezone,
        weekly,
        lambda a, b: set(spec.closed_dates(a, b)),
        spans,
        working,
    )


def split_day() -> Case:
    """A split day whose first span straddles the 02:00 daylight-saving change in Warsaw."""
    spans: tuple[Span, ...] = (
        (0, 4 * 3600),
        (8 * 3600, 12 * 3600),
        (12 * 3600 + 1800, 16 * 3600 + 1800),
    )
    pl = holidays.country_holidays("PL", years=range(2019, 2023))
    return Case(
        "split day (Europe/Warsaw, every day 00:00-04:00 + 08:00-12:00 + 12:30-16:30, PL holidays)",
        "Europe/Warsaw",
        [spans] * 7,
        lambda a, b: {d for d in pl if a <= d <= b},
        spans,
        tuple(range(7)),
    )


def leads(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    notified = to_us(YEAR_START) + rng.integers(0, YEAR_US, N, dtype=np.int64)
    touch = notified + rng.integers(-600, 4 * 3600, N, dtype=np.int64) * 1_000_000
    touch[rng.random(N) < 0.05] = np.iinfo(np.int64).min
    return notified, touch


def best_of(runs: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_ours(
    case: Case, notified: np.ndarray, touch: np.ndarray
) -> tuple[float, float, np.ndarray]:
    cal = BusinessCalendar(case.timezone, case.weekly, case.closed)
    rule = FollowUpRule(WITHIN, 15 * 60)
    applies = np.ones(N, dtype=bool)
    as_of = to_us(datetime(2021, 1, 1, tzinfo=UTC))
    due = due_many(cal, rule, notified, applies)  # warm: builds the interval table once

    def deadlines() -> None:
        due_many(cal, rule, notified, applies)

    def deadlines_and_statuses() -> None:
        d = due_many(cal, rule, notified, applies)
        evaluate_many(
            cal,
            rule,
            applies=applies,
            notified_us=notified,
            due_us=d,
            touch_us=touch,
            as_of_us=as_of,
        )

    return best_of(5, deadlines), best_of(5, deadlines_and_statuses), due


def check_scalar(case: Case, notified: np.ndarray, due: np.ndarray) -> tuple[int, float]:
    """How many scalar deadlines equal the vectorised ones, and the scalar path's time."""
    cal = BusinessCalendar(case.timezone, case.weekly, case.closed)
    amount = WITHIN * 1_000_000
    starts = notified.tolist()
    t0 = time.perf_counter()
    scalar = [cal.add_business_us(t, amount) for t in starts]
    elapsed = time.perf_counter() - t0
    return sum(s == d for s, d in zip(scalar, due.tolist(), strict=True)), elapsed


def bench_businesstimedelta(case: Case, sample: list[datetime]) -> tuple[float, list[datetime]]:
    import businesstimedelta as btd
    import pytz

    tz = pytz.timezone(case.timezone)
    rules = [
        btd.WorkDayRule(
            start_time=_t(s), end_time=_t(e), working_days=list(case.working_days), tz=tz
        )
        for s, e in case.spans
    ]
    closed = sorted(case.closed(date(2019, 12, 1), date(2021, 2, 1)))
    # Its own fault to avoid: HolidayRule reads holidays in UTC unless given the zone.
    rules.append(btd.HolidayRule(closed, tz=tz))
    delta = btd.BusinessTimeDelta(btd.Rules(rules), hours=WITHIN // 3600)
    out: list[datetime] = []
    t0 = time.perf_counter()
    for moment in sample:
        out.append(moment + delta)
    return time.perf_counter() - t0, out


def bench_pandas(case: Case, sample: list[datetime]) -> tuple[float, list[datetime | None]]:
    import pandas as pd

    weekmask = " ".join(
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d] for d in case.working_days
    )
    closed = sorted(case.closed(date(2019, 12, 1), date(2021, 2, 1)))
    offset = pd.offsets.CustomBusinessHour(
        n=WITHIN // 3600,
        start=[_t(s).strftime("%H:%M") for s, _ in case.spans],
        end=[_t(e).strftime("%H:%M") for _, e in case.spans],
        weekmask=weekmask,
        holidays=closed,
    )
    local = [pd.Timestamp(m).tz_convert(case.timezone).tz_localize(None) for m in sample]
    out: list[datetime | None] = []
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = [ts + offset for ts in local]
    elapsed = time.perf_counter() - t0
    for r in results:  # pandas works on naive wall-clock times: put the zone back
        try:
            out.append(r.tz_localize(case.timezone, ambiguous=True, nonexistent="shift_forward"))
        except Exception:
            out.append(None)
    return elapsed, out


def _t(seconds: int) -> dtime:
    return dtime(seconds // 3600 % 24, seconds % 3600 // 60)


def agreement(case: Case, sample: list[datetime], theirs: list[datetime | None]) -> tuple[int, int]:
    """Exact matches, and matches once "closing" and "next opening" are treated as one."""
    cal = BusinessCalendar(case.timezone, case.weekly, case.closed)
    exact = modulo_closing = 0
    for moment, other in zip(sample, theirs, strict=True):
        ours = cal.add_business_seconds(moment, WITHIN)
        if other is None:
            continue
        if other == ours:
            exact += 1
        elif other == cal.next_opening(ours):
            modulo_closing += 1
    return exact, modulo_closing


def line(label: str, value: str) -> None:
    print(f"{label:<42}: {value}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin the process to one core")
    args = parser.parse_args()
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    ok = True
    for k, case in enumerate([company_a(), split_day()]):
        notified, touch = leads(seed=k)
        t_due, t_all, due = bench_ours(case, notified, touch)
        identical, t_scalar = check_scalar(case, notified, due)
        rng = np.random.default_rng(100 + k)
        sample = [from_us(int(t)) for t in rng.choice(notified, SAMPLE, replace=False)]
        t_btd, btd_out = bench_businesstimedelta(case, sample)
        t_pd, pd_out = bench_pandas(case, sample)
        ours_rate = N / t_all
        btd_rate, pd_rate = SAMPLE / t_btd, SAMPLE / t_pd
        btd_exact, btd_close = agreement(case, sample, list(btd_out))
        pd_exact, pd_close = agreement(case, sample, pd_out)
        print(f"\n== {case.name}")
        line(
            "revpact vectorised, deadlines only", f"{N / t_due:,.0f} leads/s ({t_due * 1e3:.1f} ms)"
        )
        line(
            "revpact vectorised, deadlines + statuses",
            f"{ours_rate:,.0f} leads/s ({t_all * 1e3:.1f} ms)",
        )
        line("revpact scalar add_business_us", f"{N / t_scalar:,.0f} calls/s")
        line("identical to the scalar path", f"{identical:,} / {N:,}")
        for name, rate, exact, close in (
            ("businesstimedelta", btd_rate, btd_exact, btd_close),
            ("pandas CustomBusinessHour", pd_rate, pd_exact, pd_close),
        ):
            line(
                f"{name} (sample of {SAMPLE:,})",
                f"{rate:,.0f} leads/s, ratio {ours_rate / rate:,.0f}x",
            )
            differ = SAMPLE - exact - close
            line(
                "  agrees with revpact",
                f"{exact:,} exact, {close:,} closing-vs-opening, {differ:,} differ",
            )
        checks = {
            ">= 3,000,000 leads/s": ours_rate >= 3_000_000,
            ">= 300x businesstimedelta": ours_rate / btd_rate >= 300,
            ">= 300x pandas": ours_rate / pd_rate >= 300,
            "identical to scalar": identical == N,
        }
        for label, passed in checks.items():
            print(f"  [{'PASS' if passed else 'FAIL'}] {label}")
            ok &= passed
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
