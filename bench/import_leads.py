"""Benchmark: importing a 1,000,000-row canonical lead CSV into a fresh SQLite file.

Run with ``make bench`` (or ``.venv/bin/python bench/import_leads.py``). It

1. writes a deterministic 1,000,000-row lead file for Company A to ``bench/out/`` (kept for
   the next run; the seed fixes every value);
2. imports it with :func:`revpact.services.import_leads` into a fresh SQLite file, in a child
   process, sampling the resident memory of that process and of any helper it starts;
3. times the floor: the ``sqlite3`` shell's ``.import`` of the same file into a bare table;
4. repeats 2-3 (``--repeat``, interleaved) and keeps the best time of each, then prints the
   figures, PASS/FAIL per target, and a Markdown block for ``bench/README.md``.

Targets: under 10 s, peak memory under 1 GiB (all processes of the import together), and
within 3x of the floor. The import time is the ``open_store`` + ``import_leads`` call (the
database is created, migrated and filled, deadlines computed); the child's whole wall time,
interpreter start-up included, is printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
ROWS = 1_000_000
SEED = 20200101
MAX_SECONDS = 10.0
MAX_MIB = 1024.0
MAX_RATIO = 3.0


# ---------------------------------------------------------------------------- the lead file


def generate(path: Path, rows: int, seed: int) -> None:
    """A canonical lead file: a year of Company A leads with realistic variety.

    Times carry their New York offset (``-05:00`` / ``-04:00``) except ``created_at``, which is
    UTC (``Z``), as CRMs export; ~10% of leads are untouched; ids are unique and ascending.
    """
    from revpact.ingest.agreement_file import company_a_template, parse_agreement

    agreement = parse_agreement(company_a_template("en"))
    rng = np.random.default_rng(seed)
    zone = ZoneInfo(agreement.calendar.timezone)
    start = int(datetime(2020, 1, 1, tzinfo=UTC).timestamp())
    created = np.sort(start + rng.integers(0, 366 * 86_400, rows))
    notified = created + rng.integers(5, 900, rows)
    touched = notified + rng.gamma(1.5, 2400, rows).astype(np.int64)
    untouched = rng.random(rows) < 0.10
    types = np.array(agreement.lead_types())[rng.integers(0, len(agreement.lead_types()), rows)]
    stages = np.array(["early", "middle", "late"])[rng.integers(0, 3, rows)]
    flags = np.where(rng.random(rows) < 0.8, "true", "false")
    owners = np.array([f"rep{i:02d}" for i in range(40)])[rng.integers(0, 40, rows)]
    ids = np.char.add("L", np.char.zfill(np.arange(rows).astype(str), 7))

    def local(seconds: np.ndarray) -> np.ndarray:
        days = seconds // 86_400
        unique_days, inverse = np.unique(days, return_inverse=True)
        offsets = np.array(
            [
                int(
                    datetime.fromtimestamp(int(d) * 86_400 + 43_200, zone)
                    .utcoffset()
                    .total_seconds()
                )  # type: ignore[union-attr]
                for d in unique_days
            ]
        )[inverse]
        wall = np.datetime_as_string((seconds + offsets).astype("datetime64[s]"), unit="s")
        suffix = np.where(offsets == -4 * 3600, "-04:00", "-05:00")
        return np.char.add(wall, suffix)

    created_text = np.char.add(np.datetime_as_string(created.astype("datetime64[s]")), "Z")
    notified_text = local(notified)
    touched_text = np.where(untouched, "", local(touched))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fp:
        fp.write("lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,"
                 "first_touch_at,owner\n")  # fmt: skip
        step = 100_000
        for k in range(0, rows, step):
            part = slice(k, k + step)
            lines = zip(
                ids[part].tolist(),
                types[part].tolist(),
                stages[part].tolist(),
                flags[part].tolist(),
                created_text[part].tolist(),
                notified_text[part].tolist(),
                touched_text[part].tolist(),
                owners[part].tolist(),
                strict=True,
            )
            fp.write("".join(",".join(line) + "\n" for line in lines))
    tmp.replace(path)


# ---------------------------------------------------------------------------- measuring


def _tree_rss_kib(root: int) -> int:
    """Resident memory of ``root`` and its descendants (Linux /proc), in KiB."""
    total, frontier = 0, [root]
    while frontier:
        pid = frontier.pop()
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{pid}/task").iterdir():
                frontier.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue  # the process has just ended
    return total


@dataclass(frozen=True)
class ImportRun:
    seconds: float  # open_store + import_leads, inside the child
    wall: float  # the child process, start-up included
    peak_mib: float  # all processes of the import together (sampled)
    maxrss_mib: float  # the largest single process (getrusage)
    inserted: int


def run_import(csv_path: Path, workdir: Path) -> ImportRun:
    db = workdir / "import.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(db), str(csv_path)]
    peak = 0
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            if sys.platform.startswith("linux"):
                peak = max(peak, _tree_rss_kib(child.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"the import failed (exit {child.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    return ImportRun(result["seconds"], wall, peak / 1024, result["maxrss_mib"], result["inserted"])


def child_import(db: Path, csv_path: Path) -> None:
    from revpact.ingest.agreement_file import company_a_template, parse_agreement
    from revpact.services import import_leads
    from revpact.store import open_store

    agreement = parse_agreement(company_a_template("en"))
    started = time.perf_counter()
    engine = open_store(f"sqlite:///{db}")
    report = import_leads(engine, agreement, csv_path)
    engine.dispose()
    seconds = time.perf_counter() - started
    import resource  # Unix only, like the rest of the measuring

    # ru_maxrss (KiB on Linux) of this process and of the largest helper it waited for.
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    helpers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "inserted": report.inserted,
                "maxrss_mib": max(own, helpers) / 1024,
            }
        )
    )


def run_floor(csv_path: Path, workdir: Path, sqlite_shell: str) -> float:
    db = workdir / "floor.db"
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [sqlite_shell, str(db), ".mode csv", f".import {csv_path} leads"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


# ---------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    parser.add_argument("--sqlite3", default=shutil.which("sqlite3") or "/usr/bin/sqlite3")
    parser.add_argument("--child", nargs=2, metavar=("DB", "CSV"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_import(Path(args.child[0]), Path(args.child[1]))
        return

    csv_path = OUT / f"leads-{args.rows}-{SEED}.csv"
    if not csv_path.exists():
        print(f"writing {csv_path} ...", flush=True)
        t = time.perf_counter()
        generate(csv_path, args.rows, SEED)
        print(f"  {time.perf_counter() - t:.1f} s", flush=True)
    size_mib = csv_path.stat().st_size / 2**20

    imports: list[ImportRun] = []
    floors: list[float] = []
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        work = Path(tmp)
        for i in range(args.repeat):
            floors.append(run_floor(csv_path, work, args.sqlite3))
            run = run_import(csv_path, work)
            if run.inserted != args.rows:
                raise SystemExit(f"imported {run.inserted} leads, expected {args.rows}")
            imports.append(run)
            print(
                f"run {i + 1}: import {run.seconds:.2f} s (process {run.wall:.2f} s, "
                f"peak {run.peak_mib:.0f} MiB), floor {floors[-1]:.2f} s",
                flush=True,
            )

    best = min(imports, key=lambda r: r.seconds)
    floor = min(floors)
    peak = max(r.peak_mib for r in imports)
    maxrss = max(r.maxrss_mib for r in imports)
    ratio = best.seconds / floor
    rate = args.rows / best.seconds
    checks = [
        (f"import under {MAX_SECONDS:.0f} s", best.seconds < MAX_SECONDS),
        (f"peak memory under {MAX_MIB:.0f} MiB", peak < MAX_MIB),
        (f"within {MAX_RATIO:.0f}x of the sqlite3 .import floor", ratio <= MAX_RATIO),
    ]

    print()
    print(f"file             {csv_path.name}: {args.rows:,} rows, {size_mib:.0f} MiB")
    print(f"import           {best.seconds:.2f} s  ({rate:,.0f} rows/s), best of {args.repeat}")
    print(f"import process   {best.wall:.2f} s wall, interpreter start-up included")
    print(f"peak memory      {peak:.0f} MiB (all processes); largest process {maxrss:.0f} MiB")
    print(f"sqlite3 floor    {floor:.2f} s (.import into a bare table), best of {args.repeat}")
    print(f"ratio            {ratio:.2f}x the floor")
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")

    print("\n--- for bench/README.md ---")
    print(
        f"Import of {args.rows:,} canonical leads ({size_mib:.0f} MiB CSV) into a fresh SQLite "
        f"file, best of {args.repeat}:\n"
    )
    print("| figure | value | target |")
    print("|---|---|---|")
    print(f"| import time | {best.seconds:.2f} s | < {MAX_SECONDS:.0f} s |")
    print(f"| rows per second | {rate:,.0f} | |")
    print(f"| import process (with start-up) | {best.wall:.2f} s | |")
    print(f"| peak memory (all processes) | {peak:.0f} MiB | < {MAX_MIB:.0f} MiB |")
    print(f"| sqlite3 `.import` floor | {floor:.2f} s | |")
    print(f"| ratio to floor | {ratio:.2f}x | <= {MAX_RATIO:.0f}x |")
    print(
        f"\nMachine: {os.cpu_count()} CPUs, {platform.machine()}, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}."
    )


if __name__ == "__main__":
    main()
