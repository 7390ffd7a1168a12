"""Benchmark: signed webhooks into revpact at 1,000,000 leads, against a bare FastAPI endpoint.

Run with ``.venv/bin/python bench/webhooks.py [EVENTS]`` (default 4,000). In one run it starts
two servers, each in its own process with uvicorn (one worker, loopback, the same settings):

* **bare**: a FastAPI endpoint ``POST /webhooks/events`` that reads the raw body, checks the
  ``Revpact-Signature`` header exactly as revpact's scheme says (one ``t``, each ``v1`` the hex
  HMAC-SHA256 of ``"<t>.<raw body>"``, the 300 s window, constant-time comparison), parses the
  JSON and inserts each event as a row (its id unique) into a fresh SQLite file in WAL mode
  with ``synchronous=NORMAL``, with a commit per request before it answers 200 (in the thread
  pool, as revpact's route does its work);
* **revpact**: ``revpact serve``'s application over a copy of the 1,000,000-lead database that
  ``bench/scoreboard.py`` builds (:mod:`served`), its clock fixed, alerts off. Each event is
  stored, applied to its lead and committed before the 200.

The same httpx client sends each server the same signed bodies (new leads each time: a
``lead.notified`` then a ``lead.touched`` of each lead): ``EVENTS`` requests of one event, then
``EVENTS / 100`` requests of 100 events, in rounds that alternate the two servers so that the
machine's noise falls on both. It prints events/s of each, revpact's as a ratio to the bare
endpoint's, and PASS/FAIL against the targets: single events at least 60% of the bare
endpoint's rate, batches of 100 at least 50%; every event applied once by revpact.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import platform
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

sys.path.insert(0, str(Path(__file__).resolve().parent))

from served import AS_OF, SECRET, deliver, lead_events, signed

EVENTS = 4_000
BATCH = 100
ROUNDS = 4
SINGLE_RATIO = 0.60
BATCH_RATIO = 0.50
HEADER = "Revpact-Signature"
TOLERANCE_S = 300


# ---------------------------------------------------------------------------- the bare endpoint


def bare_app(db: Path) -> Any:
    """The bare endpoint: signature, JSON, one row per event, one commit per request."""
    conn = sqlite3.connect(db, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, event_key TEXT NOT NULL "
        "UNIQUE, type TEXT NOT NULL, occurred_at TEXT NOT NULL, payload TEXT NOT NULL)"
    )
    lock = threading.Lock()
    secret = SECRET.encode()
    app = FastAPI()

    def verified(header: str | None, body: bytes) -> bool:
        if not header:
            return False
        t, signatures = None, []
        for part in header.split(","):
            key, _, value = part.strip().partition("=")
            if key == "t":
                t = value
            elif key == "v1":
                signatures.append(value)
        if t is None or not t.isdigit() or abs(AS_OF.timestamp() - int(t)) > TOLERANCE_S:
            return False
        expected = hmac.new(secret, t.encode() + b"." + body, hashlib.sha256).hexdigest()
        matched = False
        for candidate in signatures:
            matched |= hmac.compare_digest(expected, candidate)
        return matched

    def store(events: list[dict[str, Any]]) -> int:
        rows = [(e["id"], e["type"], e["occurred_at"], json.dumps(e)) for e in events]
        with lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(
                    "INSERT INTO events (event_key, type, occurred_at, payload) VALUES "
                    "(?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING",
                    rows,
                )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        return len(rows)

    @app.post("/webhooks/events")
    async def receive(request: Request) -> Any:
        body = await request.body()
        if not verified(request.headers.get(HEADER), body):
            return JSONResponse({"detail": "bad signature"}, status_code=401)
        parsed = json.loads(body)
        events = parsed if isinstance(parsed, list) else [parsed]
        stored = await run_in_threadpool(store, events)
        return {"received": stored, "applied": stored}

    return app


@contextmanager
def uvicorn_running(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn as :func:`revpact.server.loopback.running` serves revpact."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the bare server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def serve(kind: str) -> None:
    """The child process: serve ``kind``, print the URL, stop when stdin closes."""
    if kind == "bare":
        with (
            tempfile.TemporaryDirectory(prefix="revpact-bench-bare-") as work,
            uvicorn_running(bare_app(Path(work) / "bare.db")) as url,
        ):
            print(url, flush=True)
            sys.stdin.read()
        return
    from served import served_copy

    with served_copy("webhooks") as (url, _token):
        print(url, flush=True)
        sys.stdin.read()


@contextmanager
def child(kind: str) -> Iterator[str]:
    """A server process of ``kind``; its base URL."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        url = process.stdout.readline().strip()
        if not url.startswith("http://"):
            raise RuntimeError(f"the {kind} server did not start")
        yield url
    finally:
        process.stdin.close()
        process.wait(timeout=60)


# ---------------------------------------------------------------------------- the client


def make_events(count: int, prefix: str) -> list[dict[str, Any]]:
    """:func:`served.lead_events`, the pairs spread over ten minutes."""
    return lead_events(count, prefix, step_ms=600_000 // max(1, count // 2))


def measure(events: int) -> dict[str, dict[str, tuple[float, dict[str, int]]]]:
    single = [signed([e]) for e in make_events(events, prefix="S")]
    batched_events = make_events(events, prefix="B")
    batched = [signed(batched_events[i : i + BATCH]) for i in range(0, events, BATCH)]
    warm = [signed([e]) for e in make_events(2, prefix="W")]
    out: dict[str, dict[str, tuple[float, dict[str, int]]]] = {"bare": {}, "revpact": {}}
    with child("bare") as bare, child("revpact") as revpact, httpx.Client(timeout=120) as client:
        urls = {"bare": bare, "revpact": revpact}
        for url in urls.values():
            deliver(client, warm, url)
        for round_ in range(ROUNDS):
            order = ["bare", "revpact"] if round_ % 2 == 0 else ["revpact", "bare"]
            for shape, requests in (("single", single), ("batch", batched)):
                size = len(requests) // ROUNDS
                part = requests[round_ * size : (round_ + 1) * size]
                for name in order:
                    seconds, totals = deliver(client, part, urls[name])
                    before_s, before = out[name].get(shape, (0.0, {}))
                    merged = {k: before.get(k, 0) + totals.get(k, 0) for k in {*before, *totals}}
                    out[name][shape] = (before_s + seconds, merged)
    return out


def report(figures: dict[str, dict[str, tuple[float, dict[str, int]]]], events: int) -> int:
    checks = []
    print(
        f"{events:,} events one per request, then {events:,} in requests of {BATCH}; "
        f"{ROUNDS} rounds alternating the two servers"
    )
    for shape, label, floor in (
        ("single", "1 event/request   ", SINGLE_RATIO),
        ("batch", f"{BATCH} events/request", BATCH_RATIO),
    ):
        rates = {name: events / figures[name][shape][0] for name in ("bare", "revpact")}
        ratio = rates["revpact"] / rates["bare"]
        print(
            f"{label}  bare {rates['bare']:8,.0f} events/s   revpact {rates['revpact']:8,.0f} "
            f"events/s   ratio {ratio:.2f}"
        )
        checks.append((ratio >= floor, f"{shape}: revpact >= {floor:.0%} of the bare endpoint"))
        applied = figures["revpact"][shape][1].get("applied", 0)
        checks.append((applied == events, f"{shape}: every event applied once ({applied:,})"))
    for ok, what in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {what}")
    print(
        f"\nMachine: {platform.machine()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}."
    )
    return 0 if all(ok for ok, _ in checks) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("events", nargs="?", type=int, default=EVENTS)
    parser.add_argument("--serve", choices=("bare", "revpact"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    if args.events % (BATCH * ROUNDS) or args.events % 2:
        parser.error(f"EVENTS must be a multiple of {BATCH * ROUNDS}")
    return report(measure(args.events), args.events)


if __name__ == "__main__":
    sys.exit(main())
