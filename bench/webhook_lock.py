"""Benchmark: how long one large webhook request holds SQLite's write lock.

Run with ``.venv/bin/python bench/webhook_lock.py [EVENTS]`` (default 30,000 ``lead.notified``
events in one signed request, the size the hardening issue measured). On a fresh SQLite store,
in one run, it receives the same kind of request (new leads each time) two ways:

1. **one transaction** (the peer): :func:`revpact.services.events.receive` stores and applies
   the whole request in one transaction — all or nothing, but the write lock is held for all
   of it;
2. **staged** (what ``POST /webhooks/events`` does above 500 events): staged in chunks,
   accepted whole, applied in chunks (:mod:`revpact.services.events.staged`).

For each it prints the longest time one write transaction held the lock (from ``BEGIN
IMMEDIATE`` to ``COMMIT``), how many write transactions there were and the whole request's
time, then the staged path's longest hold as a ratio to the peer's, and PASS/FAIL against the
targets: no write transaction of the staged path holds the lock for more than a tenth of the
one-transaction path's hold (other writers wait for at most one chunk), and the staged
request's work — its time less the pauses it makes between chunks so that waiting writers get
their turn — is at most twice the one-transaction time.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, event, text

from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.ingest.webhooks.events import Event, parse_events
from revpact.services.events import receive, staged
from revpact.services.events.staged import receive_large
from revpact.store import open_store

NOW = datetime(2020, 3, 3, 12, tzinfo=UTC)


def _events(prefix: str, n: int) -> list[Event]:
    agreement = parse_agreement(company_a_template("en"))
    body = [
        {
            "id": f"{prefix}{i}",
            "type": "lead.notified",
            "occurred_at": "2020-03-02T10:00:00-05:00",
            "lead": {
                "lead_id": f"{prefix}L{i}",
                "lead_type": "content",
                "requested_follow_up": True,
            },
        }
        for i in range(n)
    ]
    return parse_events(json.dumps(body).encode(), agreement)


def _holds(engine: Engine) -> list[float]:
    """The time each write transaction of ``engine`` held the lock, as they commit."""
    held: list[float] = []
    began: list[float] = []
    event.listen(engine, "begin", lambda _conn: began.append(time.perf_counter()))
    event.listen(engine, "commit", lambda _conn: held.append(time.perf_counter() - began[-1]))
    return held


def measure(engine: Engine, how: str, n: int) -> tuple[float, int, float, float]:
    agreement = parse_agreement(company_a_template("en"))
    events = _events(how, n)
    held = _holds(engine)
    paused: list[float] = []
    sleep = time.sleep

    def pause(seconds: float) -> None:
        paused.append(seconds)
        sleep(seconds)

    staged.time.sleep = pause  # type: ignore[attr-defined]
    started = time.perf_counter()
    if how == "one":
        report = receive(engine, agreement, "revpact", events, NOW)
    else:
        report = receive_large(engine, agreement, "revpact", events, NOW)
    took = time.perf_counter() - started
    staged.time.sleep = sleep  # type: ignore[attr-defined]
    assert report.applied == n and report.queued == 0, report
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT COUNT(*) FROM leads WHERE lead_id LIKE :p"), {"p": f"{how}%"}
        )
        assert stored.scalar_one() == n
    return max(held), len(held), took, sum(paused)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30_000
    print(f"one signed request of {n:,} lead.notified events, SQLite, fresh store each")
    results = {}
    for how in ("one", "staged"):
        with tempfile.TemporaryDirectory() as folder:
            engine = open_store(f"sqlite:///{Path(folder) / 'bench.db'}")
            results[how] = measure(engine, how, n)
            engine.dispose()
        hold, count, took, paused = results[how]
        label = "one transaction (peer)" if how == "one" else "staged, accepted whole"
        print(
            f"{label:<24}: longest lock hold {hold:6.3f} s, {count:>3} write transactions, "
            f"request {took:6.2f} s (of which pauses {paused:4.2f} s)"
        )
    ratio = results["staged"][0] / results["one"][0]
    whole = results["staged"][2] / results["one"][2]
    slower = (results["staged"][2] - results["staged"][3]) / results["one"][2]
    print(f"staged longest hold / one-transaction hold : {ratio:.3f}")
    print(f"staged request time / one-transaction time : {whole:.2f}")
    print(f"  the same without the pauses            : {slower:.2f}")
    print(f"{'PASS' if ratio <= 0.1 else 'FAIL'}  the longest hold is at most 0.1 of the peer's")
    print(f"{'PASS' if slower <= 2 else 'FAIL'}  the staged work is at most 2x the peer's time")


if __name__ == "__main__":
    main()
