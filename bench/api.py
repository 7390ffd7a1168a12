"""Benchmark: the live server over loopback HTTP with 1,000,000 leads in SQLite.

Run with ``.venv/bin/python bench/api.py``. It

1. copies the database that ``bench/scoreboard.py`` builds (1,000,000 leads, 100,000 deals;
   built on first use) so that the webhooks below do not change it;
2. starts ``revpact serve``'s application with uvicorn on a free loopback port, its clock fixed
   at 2020-12-31T16:00-05:00, alerts off, and a viewer token;
3. times ``GET /leads/queue`` (the sales floor's queue) and ``GET /status`` (every lead's
   status, compliance and response times per owner), best of five, from an httpx client;
4. sends 2,000 signed ``lead.notified`` + ``lead.touched`` events to ``POST /webhooks/events``,
   one event per request and then 100 per request, and delivers the whole lot again (every
   event a duplicate), timing each;
5. prints the figures and PASS/FAIL against the targets: the queue under 250 ms, single-event
   webhooks at 200 events/s or more, batched ones at 2,000 events/s or more.
"""

from __future__ import annotations

import platform
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scoreboard import DB
from served import AS_OF, deliver, lead_events, served_copy, signed

EVENTS = 2_000
BATCH = 100
RUNS = 5
QUEUE_MS = 250
SINGLE_PER_S = 200
BATCH_PER_S = 2_000


def main() -> int:
    with served_copy("api") as (url, token):
        figures = measure(url, token)
    return report(figures)


def measure(url: str, token: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    out: dict[str, Any] = {}
    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        for name, path in (("queue", "/leads/queue"), ("status", "/status")):
            times = []
            for _ in range(RUNS):
                t0 = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - t0)
                response.raise_for_status()
            out[name] = (min(times), times, response.json())
        events = lead_events(EVENTS, "S", step_ms=500)
        out["single"] = deliver(client, [signed([e]) for e in events])
        batched = lead_events(EVENTS, "B", step_ms=500)
        requests = [signed(batched[i : i + BATCH]) for i in range(0, EVENTS, BATCH)]
        out["batch"] = deliver(client, requests)
        out["replay"] = deliver(client, requests)
    return out


def report(figures: dict[str, Any]) -> int:
    queue_s, queue_times, queue = figures["queue"]
    status_s, status_times, status = figures["status"]
    single_s, single = figures["single"]
    batch_s, batch = figures["batch"]
    replay_s, replay = figures["replay"]
    single_rate, batch_rate, replay_rate = (
        EVENTS / single_s,
        EVENTS / batch_s,
        EVENTS / replay_s,
    )
    checks = [
        (queue_s * 1000 < QUEUE_MS, f"queue under {QUEUE_MS} ms at 1M leads"),
        (single_rate >= SINGLE_PER_S, f"single-event webhooks >= {SINGLE_PER_S}/s"),
        (batch_rate >= BATCH_PER_S, f"batched webhooks >= {BATCH_PER_S}/s"),
        (replay["duplicates"] == EVENTS, "a replay is all duplicates"),
        (batch["applied"] == EVENTS and single["applied"] == EVENTS, "every event applied once"),
    ]
    print(f"database        {DB.name}: {status['leads']:,} leads as of {AS_OF.isoformat()}")
    print(
        f"GET /leads/queue {queue_s * 1000:7.1f} ms  best of {RUNS}: "
        + ", ".join(f"{t * 1000:.1f}" for t in queue_times)
        + f"  ({len(queue['leads'])} leads)"
    )
    print(
        f"GET /status      {status_s * 1000:7.1f} ms  best of {RUNS}: "
        + ", ".join(f"{t * 1000:.1f}" for t in status_times)
    )
    for label, rate, seconds, totals in (
        ("webhooks, 1/request  ", single_rate, single_s, single),
        (f"webhooks, {BATCH}/request", batch_rate, batch_s, batch),
        (f"replayed, {BATCH}/request", replay_rate, replay_s, replay),
    ):
        print(f"{label} {rate:8,.0f} events/s  ({EVENTS:,} in {seconds:.2f} s) {totals}")
    for ok, what in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {what}")
    print(
        f"\nMachine: {platform.machine()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}."
    )
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
