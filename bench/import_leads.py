r"""Benchmark: importing a 1,000,000-row canonical lead CSV, as a user runs it.

Run with ``make bench`` (or ``.venv/bin/python bench/import_leads.py``). It

1. writes a deterministic 1,000,000-row lead file for Company A to ``bench/out/`` (kept for
   the next run; the seed fixes every value);
2. runs ``revpact import leads FILE --db sqlite:///fresh.db`` as its own process into a fresh
   store (interpreter start-up, the store's creation and migration, parsing, deadlines,
   writing and indexes all included), sampling the resident memory of that process and of any
   helper it starts;
3. times the floor the same way, as a process: ``sqlite3 fresh.db ".import --csv FILE t"``,
   which creates a bare table of text columns from the header and fills it;
4. also times ``open_store`` + ``import_leads`` inside a child process (the import without
   start-up), as before;
5. repeats 2-4 (``--repeat``, interleaved) and keeps the best time of each, then prints the
   figures, PASS/FAIL per target, and a Markdown block for ``bench/README.md``.

Targets: the command within 2x of the floor, the import under 10 s, peak memory under 1 GiB
(all processes of the command together).

With ``--postgres URL`` (a server where this user may create databases) it instead compares
``revpact import leads FILE --db URL/scratch`` into a fresh scratch database with ``psql``'s
``\copy`` of the same file into a bare table of text columns in another fresh one (both
created and dropped by the benchmark), same run, target within 2x.
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
MAX_RATIO = 2.0


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
class Timed:
    wall: float  # the process, start-up included
    peak_mib: float  # all processes together (sampled)
    stdout: str


def run_process(command: list[str], cwd: Path) -> Timed:
    """Run ``command`` as a user would, timing it and sampling its memory."""
    peak = 0
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, text=True)
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
        raise SystemExit(f"{' '.join(command)} failed (exit {child.returncode})")
    return Timed(wall, peak / 1024, out)


def revpact_command() -> list[str]:
    """The ``revpact`` script installed beside this interpreter (else ``python -m``)."""
    script = Path(sys.executable).with_name("revpact")
    return [str(script)] if script.exists() else [sys.executable, "-m", "revpact.cli"]


def _fresh(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def run_command(csv_path: Path, workdir: Path, url: str) -> Timed:
    """``revpact import leads`` into the store at ``url``, as a user runs it."""
    agreement = workdir / "revpact.yaml"
    command = [*revpact_command(), "import", "leads", str(csv_path), "--db", url]
    return run_process([*command, "--agreement", str(agreement)], workdir)


@dataclass(frozen=True)
class InProcess:
    seconds: float  # open_store + import_leads, inside the child
    maxrss_mib: float  # the largest single process (getrusage)
    inserted: int


def run_in_process(csv_path: Path, workdir: Path) -> InProcess:
    db = workdir / "inprocess.db"
    _fresh(db)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(db), str(csv_path)]
    result = json.loads(run_process(command, workdir).stdout.strip().splitlines()[-1])
    return InProcess(result["seconds"], result["maxrss_mib"], result["inserted"])


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
    """The sqlite3 shell's ``.import --csv`` into a fresh file, timed as a process."""
    db = workdir / "floor.db"
    _fresh(db)
    command = [sqlite_shell, str(db), f".import --csv {csv_path} t"]
    return run_process(command, workdir).wall


def inserted_of(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM leads").fetchone()[0])


# ---------------------------------------------------------------------------- PostgreSQL


def _libpq(url: str, database: str | None = None) -> str:
    """``url`` (SQLAlchemy's form) as libpq takes it, on ``database`` when given."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def postgres_main(url: str, csv_path: Path, repeat: int, workdir: Path) -> list[str]:
    """``revpact import leads`` into a fresh database vs ``psql \\copy`` into a bare table."""
    from sqlalchemy.engine import make_url

    psql = shutil.which("psql")
    if psql is None:
        raise SystemExit("psql is not on PATH; install the PostgreSQL client")
    header = csv_path.open(encoding="utf-8").readline().strip().split(",")
    bare = ", ".join(f"{name} text" for name in header)
    scratch = f"revpact_bench_import_{os.getpid()}"
    floor_db = f"revpact_bench_floor_{os.getpid()}"
    imports: list[float] = []
    floors: list[float] = []
    for i in range(repeat):
        for name in (scratch, floor_db):
            _admin(url, f"DROP DATABASE IF EXISTS {name}")
            _admin(url, f"CREATE DATABASE {name}")
        try:
            copy = f"\\copy t FROM '{csv_path}' WITH (FORMAT csv, HEADER true)"
            floor_cmd = [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", _libpq(url, floor_db),
                         "-c", f"CREATE TABLE t ({bare})", "-c", copy]  # fmt: skip
            floors.append(run_process(floor_cmd, workdir).wall)
            target = make_url(url).set(database=scratch).render_as_string(hide_password=False)
            imports.append(run_command(csv_path, workdir, target).wall)
            import psycopg

            with psycopg.connect(_libpq(url, scratch)) as conn:
                row = conn.execute("SELECT COUNT(*) FROM leads").fetchone()
            if row is None or row[0] != ROWS_IN[csv_path]:
                raise SystemExit(f"imported {row} leads, expected {ROWS_IN[csv_path]}")
        finally:
            for name in (scratch, floor_db):
                _admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        print(f"run {i + 1}: revpact import leads {imports[-1]:.2f} s, "
              f"psql \\copy {floors[-1]:.2f} s", flush=True)  # fmt: skip
    best, floor = min(imports), min(floors)
    ratio = best / floor
    print()
    print(f"revpact import   {best:.2f} s (the command, into a fresh database), best of {repeat}")
    print(f"psql \\copy floor {floor:.2f} s (into a bare table of text columns), best of {repeat}")
    print(f"ratio            {ratio:.2f}x the floor")
    print(f"{'PASS' if ratio <= MAX_RATIO else 'FAIL'}  within {MAX_RATIO:.0f}x of psql \\copy")
    return [f"{x:.2f}" for x in imports] + [f"{x:.2f}" for x in floors]


ROWS_IN: dict[Path, int] = {}


# ---------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    parser.add_argument("--sqlite3", default=shutil.which("sqlite3") or "/usr/bin/sqlite3")
    parser.add_argument("--postgres", metavar="URL", help="compare with psql \\copy instead")
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
    ROWS_IN[csv_path] = args.rows
    size_mib = csv_path.stat().st_size / 2**20

    from revpact.ingest.agreement_file import company_a_template

    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        work = Path(tmp)
        (work / "revpact.yaml").write_text(company_a_template("en"), encoding="utf-8")
        if args.postgres:
            postgres_main(args.postgres, csv_path, args.repeat, work)
            return
        if not Path(args.sqlite3).exists() and shutil.which(args.sqlite3) is None:
            raise SystemExit(f"no sqlite3 shell at {args.sqlite3}; install it (apt: sqlite3)")
        commands: list[Timed] = []
        runs: list[InProcess] = []
        floors: list[float] = []
        for i in range(args.repeat):
            floors.append(run_floor(csv_path, work, args.sqlite3))
            db = work / "command.db"
            _fresh(db)
            commands.append(run_command(csv_path, work, f"sqlite:///{db}"))
            if (inserted := inserted_of(db)) != args.rows:
                raise SystemExit(f"the command imported {inserted} leads, expected {args.rows}")
            run = run_in_process(csv_path, work)
            if run.inserted != args.rows:
                raise SystemExit(f"imported {run.inserted} leads, expected {args.rows}")
            runs.append(run)
            print(
                f"run {i + 1}: revpact import leads {commands[-1].wall:.2f} s "
                f"(peak {commands[-1].peak_mib:.0f} MiB), sqlite3 .import {floors[-1]:.2f} s, "
                f"in-process import {run.seconds:.2f} s",
                flush=True,
            )

    command = min(c.wall for c in commands)
    best = min(r.seconds for r in runs)
    floor = min(floors)
    peak = max(c.peak_mib for c in commands)
    maxrss = max(r.maxrss_mib for r in runs)
    ratio = command / floor
    rate = args.rows / best
    checks = [
        (f"revpact import leads within {MAX_RATIO:.0f}x of sqlite3 .import", ratio <= MAX_RATIO),
        (f"in-process import under {MAX_SECONDS:.0f} s", best < MAX_SECONDS),
        (f"peak memory under {MAX_MIB:.0f} MiB", peak < MAX_MIB),
    ]

    print()
    print(f"file             {csv_path.name}: {args.rows:,} rows, {size_mib:.0f} MiB")
    print(
        f"revpact import   {command:.2f} s (the command, start-up included), best of {args.repeat}"
    )
    print(
        f'sqlite3 floor    {floor:.2f} s (sqlite3 fresh.db ".import --csv FILE t"), '
        f"best of {args.repeat}"
    )
    print(f"ratio            {ratio:.2f}x the floor")
    print(f"in-process       {best:.2f} s  ({rate:,.0f} rows/s): open_store + import_leads")
    print(f"peak memory      {peak:.0f} MiB (all processes); largest process {maxrss:.0f} MiB")
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")

    print("\n--- for bench/README.md ---")
    print(
        f"Import of {args.rows:,} canonical leads ({size_mib:.0f} MiB CSV) into a fresh SQLite "
        f"file, best of {args.repeat}:\n"
    )
    print("| figure | value | target |")
    print("|---|---|---|")
    print(f"| `revpact import leads` (the command) | {command:.2f} s | |")
    print(f"| `sqlite3` `.import --csv` floor (the command) | {floor:.2f} s | |")
    print(f"| ratio to floor | {ratio:.2f}x | <= {MAX_RATIO:.0f}x |")
    print(
        f"| in-process import (open_store + import_leads) | {best:.2f} s | < {MAX_SECONDS:.0f} s |"
    )
    print(f"| rows per second (in-process) | {rate:,.0f} | |")
    print(f"| peak memory (all processes) | {peak:.0f} MiB | < {MAX_MIB:.0f} MiB |")
    print(
        f"\nMachine: {os.cpu_count()} CPUs, {platform.machine()}, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}."
    )


if __name__ == "__main__":
    main()
