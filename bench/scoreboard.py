"""Benchmark: the year's scoreboard over 1,000,000 leads and 100,000 deals in SQLite.

Run with ``.venv/bin/python bench/scoreboard.py``. It

1. builds, once, a SQLite file under ``bench/out/`` (kept for the next run): the 1,000,000
   leads of :mod:`bench.import_leads`'s deterministic file, imported with
   :func:`revpact.services.import_leads`; 100,000 deals created in 2020 (most with a proposal;
   won, lost or open; amounts), imported with :func:`revpact.services.import_deals`; and a few
   months of recognised revenue;
2. times :func:`revpact.services.year_scoreboard` as of 2020-12-31T16:00-05:00, best of five:
   *cold* calls it on a freshly opened engine each run (new connection, empty SQLite page
   cache; the operating system's file cache stays warm; opening the store is timed apart),
   *warm* reuses one engine after a first call;
3. times each query of the scoreboard on its own (where the time goes);
4. prints the figures, PASS/FAIL against the target (under 2 s, cold), and a Markdown block
   for ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import platform
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_leads import OUT, ROWS, SEED, generate

DEALS = 100_000
DEAL_SEED = 20201231
RUNS = 5
MAX_SECONDS = 2.0
AS_OF = datetime(2020, 12, 31, 16, 0, tzinfo=timezone(timedelta(hours=-5)))
DB = OUT / f"scoreboard-{ROWS}-{DEALS}.db"


def write_deals(path: Path, rows: int, seed: int) -> None:
    """A deal file: deals created over 2020, ~85% with a proposal; 45% won, 35% lost, 20% open.

    A closed deal closes 1-120 days after it was created (some in 2021); amounts are cents.
    """
    rng = np.random.default_rng(seed)
    start = int(datetime(2020, 1, 1, tzinfo=UTC).timestamp())
    created = np.sort(start + rng.integers(0, 366 * 86_400, rows))
    proposal = created + rng.integers(3600, 20 * 86_400, rows)
    has_proposal = rng.random(rows) < 0.85
    closed = np.maximum(created + rng.integers(86_400, 120 * 86_400, rows), proposal)
    outcome = np.array(["won", "lost", "open"])[rng.choice(3, rows, p=[0.45, 0.35, 0.20])]
    cents = rng.integers(100_000, 50_000_000, rows)
    owners = [f"rep{i:02d}" for i in range(40)]
    lines = ["deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner\n"]
    for i in range(rows):
        state = str(outcome[i])
        amount = f"{cents[i] // 100}.{cents[i] % 100:02d}" if state == "won" or i % 3 else ""
        lines.append(
            ",".join(
                (
                    f"D{i:06d}",
                    f"L{rng.integers(0, ROWS):07d}" if i % 4 else "",
                    _iso(int(created[i])),
                    _iso(int(proposal[i])) if has_proposal[i] else "",
                    "" if state == "open" else _iso(int(closed[i])),
                    state,
                    amount,
                    owners[i % len(owners)],
                )
            )
            + "\n"
        )
    path.write_text("".join(lines), encoding="utf-8")


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build(db: Path) -> None:
    """The benchmark's database; built once, then reused (delete it to rebuild)."""
    from revpact.ingest.agreement_file import company_a_template, parse_agreement
    from revpact.services import import_deals, import_leads, import_revenue
    from revpact.store import open_store

    if db.exists():
        return
    agreement = parse_agreement(company_a_template("en"))
    leads_csv = OUT / f"leads-{ROWS}-{SEED}.csv"
    if not leads_csv.exists():
        print(f"writing {leads_csv.name} ...", flush=True)
        generate(leads_csv, ROWS, SEED)
    deals_csv = OUT / f"deals-{DEALS}-{DEAL_SEED}.csv"
    if not deals_csv.exists():
        print(f"writing {deals_csv.name} ...", flush=True)
        write_deals(deals_csv, DEALS, DEAL_SEED)
    revenue_csv = OUT / "revenue-2020.csv"
    revenue_csv.write_text("month,amount\n2020-01,4100000\n2020-02,3950000.50\n2020-03,4200000\n")
    tmp = db.with_suffix(".tmp.db")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    print(f"building {db.name} ...", flush=True)
    started = time.perf_counter()
    engine = open_store(f"sqlite:///{tmp}")
    import_leads(engine, agreement, leads_csv)
    import_deals(engine, agreement, deals_csv)
    import_revenue(engine, agreement, revenue_csv)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    tmp.replace(db)
    print(f"built in {time.perf_counter() - started:.1f} s", flush=True)


def best_of(runs: int, fn: Callable[[], object]) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), times


def parts(agreement: object, url: str) -> list[tuple[str, float]]:
    """Where the time goes: each query of the scoreboard on its own, warm, best of three."""
    from revpact.domain.agreement.model import Agreement
    from revpact.domain.clock.calendar import to_us
    from revpact.services.deals import month_ranges
    from revpact.store import open_store
    from revpact.store.deals import DealRepository
    from revpact.store.follow_up import FollowUpRepository

    assert isinstance(agreement, Agreement)
    months = month_ranges(agreement, [datetime(2020, m, 1).date() for m in range(1, 13)])
    engine = open_store(url)
    out = []
    with engine.connect() as conn:
        deals, follow_up = DealRepository(conn), FollowUpRepository(conn)
        for name, fn in (
            ("deal_totals", lambda: deals.deal_totals(months)),
            ("won_cycles", lambda: deals.won_cycles(months)),
            ("leads_by_type", lambda: deals.leads_by_type(months)),
            ("follow-up by month", lambda: follow_up.by_month(months, as_of_us=to_us(AS_OF))),
        ):
            fn()
            out.append((name, best_of(3, fn)[0]))
    engine.dispose()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=RUNS, help="runs per measure (best is kept)")
    args = parser.parse_args()

    from revpact.ingest.agreement_file import company_a_template, parse_agreement
    from revpact.services import year_scoreboard
    from revpact.store import open_store

    build(DB)
    agreement = parse_agreement(company_a_template("en"))
    url = f"sqlite:///{DB}"

    opening: list[float] = []

    def cold() -> float:
        t0 = time.perf_counter()
        engine = open_store(url)  # connects and checks the schema; not the scoreboard's time
        opening.append(time.perf_counter() - t0)
        try:
            t1 = time.perf_counter()
            year_scoreboard(engine, agreement, as_of=AS_OF)
            return time.perf_counter() - t1
        finally:
            engine.dispose()

    engine = open_store(url)
    year = year_scoreboard(engine, agreement, as_of=AS_OF)  # and warms the engine

    def warm() -> object:
        return year_scoreboard(engine, agreement, as_of=AS_OF)

    cold_runs = [cold() for _ in range(args.runs)]
    t_cold = min(cold_runs)
    t_warm, warm_runs = best_of(args.runs, warm)
    engine.dispose()

    months = list(year.months)
    counted = sum(m.follow_up.met + m.follow_up.breached + m.follow_up.open for m in months)
    size = DB.stat().st_size / 2**20
    lines = [
        f"database        {DB.name}: {ROWS:,} leads, {DEALS:,} deals, {size:,.0f} MiB",
        f"as of           {AS_OF.isoformat()} ({len(months)} months)",
        f"follow-up       {counted:,} leads counted (met + breached + waiting)",
        f"cold            {t_cold:.3f} s  best of {args.runs} (fresh engine each run): "
        + ", ".join(f"{t:.3f}" for t in cold_runs),
        f"open_store      {min(opening):.3f} s  (the fresh engine's opening, not counted above)",
        f"warm            {t_warm:.3f} s  best of {args.runs} (one engine): "
        + ", ".join(f"{t:.3f}" for t in warm_runs),
    ]
    passed = t_cold < MAX_SECONDS
    verdict = "PASS" if passed else "FAIL"
    lines.append("parts (warm, best of 3):")
    split = parts(agreement, url)
    lines += [f"  {name:<22}{t:.3f} s" for name, t in split]
    lines.append(f"{verdict}  year's scoreboard under {MAX_SECONDS:g} s (cold)")
    print("\n".join(lines))
    print("\n---- paste into bench/README.md ----\n")
    print(f"Latest run ({datetime.now(UTC):%Y-%m-%d}):\n")
    print("| figure | value | target |\n|---|---|---|")
    print(f"| year's scoreboard, cold (fresh engine) | {t_cold:.3f} s | < {MAX_SECONDS:g} s |")
    print(f"| year's scoreboard, warm (one engine) | {t_warm:.3f} s | |")
    for name, t in split:
        print(f"| &nbsp; of which {name} (warm) | {t:.3f} s | |")
    machine = f"{len(_cpus())} CPUs, {platform.machine()}, Python {platform.python_version()}"
    print(f"\nMachine: {machine}, SQLite {sqlite3.sqlite_version}.\n")
    print("Raw output:\n\n```\n" + "\n".join(lines) + "\n```")
    return 0 if passed else 1


def _cpus() -> set[int]:
    import os

    return os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else {0}


if __name__ == "__main__":
    sys.exit(main())
