"""Load drill: patients browse the public clinic calendar and book, on PostgreSQL
behind gunicorn, then the database is checked for overbooking; and the public
sessions API is measured side by side with a bare Django JsonResponse view doing
the same query.

Steps: a fresh PostgreSQL database (``BENCH_LOAD_DATABASE_URL``) is migrated and
seeded with the demo (233 experts' weekly clinics, the coming weeks bookable);
gunicorn serves it with production settings (DEBUG off); Locust runs
``_locustfile.py`` headless with ``BENCH_LOAD_USERS`` users (200) for
``BENCH_LOAD_SECONDS`` (300). Then, against one gunicorn serving the product and
``_bare_urls.py``'s bare view, ``_compare_locustfile.py`` runs against each endpoint in
turn, interleaved for ``BENCH_LOAD_COMPARE_ROUNDS`` rounds of
``BENCH_LOAD_COMPARE_SECONDS`` each, so the noise of a shared machine falls on
both alike. ``BENCH_LOAD_REUSE_DB=1`` skips the seeding for trial runs.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psycopg

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get("BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/medbridge_load_bench")
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "300"))
USERS = int(os.environ.get("BENCH_LOAD_USERS", "200"))
SPAWN_RATE = int(os.environ.get("BENCH_LOAD_SPAWN_RATE", "20"))
COMPARE_SECONDS = int(os.environ.get("BENCH_LOAD_COMPARE_SECONDS", "20"))
COMPARE_ROUNDS = int(os.environ.get("BENCH_LOAD_COMPARE_ROUNDS", "3"))
COMPARE_USERS = int(os.environ.get("BENCH_LOAD_COMPARE_USERS", "32"))
# Two cores: sync workers (one request each, no GIL contention inside a worker),
# 2 x cores + 1 of them as gunicorn's documentation suggests; the backlog holds
# the 200 users' connections while the workers are busy.
WORKERS = 5
GUNICORN = [
    *("--workers", str(WORKERS), "--worker-class", "sync", "--preload"),
    *("--backlog", "2048", "--timeout", "60", "--no-control-socket"),
]
OURS = "/api/v1/clinics/public/sessions"
BARE = "/bench/bare/sessions"
WARM_PATHS = ("/clinics/", "/clinics/?page=2", OURS)
WARM_ROUNDS = 2
GOAL_RATIO = 0.8


def run() -> dict[str, Any]:
    if os.environ.get("BENCH_LOAD_REUSE_DB") != "1":
        _fresh_database()
    env = _server_env()
    with tempfile.TemporaryDirectory() as tmp:
        before = _booking_check()
        with _gunicorn(env, "medbridge.settings") as base:
            load = _locust(base, Path(tmp), "load")
        after = _booking_check()
        with _gunicorn(env | {"PYTHONPATH": str(HERE)}, "_bare_settings") as base:
            compare = _compare(base, Path(tmp))
    return {
        "command": "HARDENING_ONLY=load .venv/bin/python bench/run.py hardening",
        "database": "PostgreSQL " + _server_version(),
        "gunicorn": " ".join(GUNICORN),
        "users": USERS,
        "spawn_rate_per_s": SPAWN_RATE,
        "seconds": SECONDS,
        "load": load,
        "bookings_before": before,
        "bookings_after": after,
        "overbooked_sessions": after["overbooked_sessions"],
        "counter_mismatches": after["counter_mismatches"],
        "errors": load["errors"],
        "throughput": compare,
        "note": "2 shared cores: Locust, gunicorn and PostgreSQL on one machine with other work running; "
        "the throughput comparison is interleaved round by round so both endpoints see the same noise",
    }


# --- The database --------------------------------------------------------------------


def _admin_url() -> str:
    return urlparse(DATABASE_URL)._replace(path="/postgres").geturl()


def _fresh_database() -> None:
    name = urlparse(DATABASE_URL).path.lstrip("/")
    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = _server_env()
    for command in (["migrate", "--noinput", "-v0"], ["load-reference"], ["seed-demo"]):
        subprocess.run([str(VENV_BIN / "medbridge"), *command], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def _server_version() -> str:
    with psycopg.connect(DATABASE_URL) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


# Every session that can still change: confirmed places never exceed capacity,
# and the counters the booking service keeps equal the bookings it wrote.
BOOKING_CHECK = """
SELECT s.id, s.capacity, s.booked, s.waitlisted,
       count(b.id) FILTER (WHERE b.status IN ('confirmed', 'checked_in', 'no_show')) AS placed,
       count(b.id) FILTER (WHERE b.status = 'waitlisted') AS queued
FROM clinics_clinicsession s LEFT JOIN clinics_booking b ON b.session_id = s.id
WHERE s.date >= CURRENT_DATE
GROUP BY s.id
"""


def _booking_check() -> dict[str, Any]:
    with psycopg.connect(DATABASE_URL) as conn:
        rows = conn.execute(BOOKING_CHECK).fetchall()
    overbooked = [r[0] for r in rows if r[4] > r[1] or r[2] > r[1]]
    mismatched = [r[0] for r in rows if (r[2], r[3]) != (r[4], r[5])]
    return {
        "sessions": len(rows),
        "full_sessions": sum(1 for r in rows if r[2] >= r[1]),
        "confirmed_bookings": sum(r[4] for r in rows),
        "waitlisted_bookings": sum(r[5] for r in rows),
        "overbooked_sessions": len(overbooked),
        "counter_mismatches": len(mismatched),
        "examples": (overbooked + mismatched)[:10],
    }


# --- Serving ------------------------------------------------------------------------


def _server_env() -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": DATABASE_URL,
        "MEDBRIDGE_DEBUG": "0",
        "MEDBRIDGE_SECRET_KEY": "bench-load-not-a-secret-" + "x" * 40,
        "MEDBRIDGE_SECURE_COOKIES": "0",  # plain HTTP on the loopback
        "MEDBRIDGE_TRUST_FORWARDED_FOR": "1",  # one address per simulated patient
        "MEDBRIDGE_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDBRIDGE_LOG_LEVEL": "WARNING",
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _gunicorn(env: dict[str, str], settings: str) -> Any:
    port = _free_port()
    log = open(Path(tempfile.gettempdir()) / f"bench-load-gunicorn-{port}.log", "w")  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
        [str(VENV_BIN / "gunicorn"), *GUNICORN, "--bind", f"127.0.0.1:{port}", "medbridge.wsgi:application"],
        env=env | {"DJANGO_SETTINGS_MODULE": settings},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base)
        _warm_up(base)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


def _wait_for(base: str, timeout: float = 120) -> None:
    """Until a worker answers: the master listens before its workers have booted."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/clinics/", timeout=10) as response:  # noqa: S310 - our loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn at {base} did not answer within {timeout}s")


def _warm_up(base: str) -> None:
    """A few requests per worker to every measured page: a worker's first request
    loads templates, translations and the API schema, which no patient should count."""
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for path in (*WARM_PATHS, BARE):
            list(pool.map(_get, [base + path] * WORKERS * WARM_ROUNDS))


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - our loopback
            return int(response.status)
    except OSError:
        return 0  # the bare view exists only on the comparison server


# --- Locust -------------------------------------------------------------------------


def _run_locust(base: str, tmp: Path, prefix: str, locustfile: str, *, users: int, rate: int, seconds: int,
                env: dict[str, str]) -> Path:  # fmt: skip
    csv_prefix = tmp / prefix
    command = [
        str(VENV_BIN / "locust"), "-f", str(HERE / locustfile), "--headless", "--host", base,
        "-u", str(users), "-r", str(rate), "-t", f"{seconds}s", "--csv", str(csv_prefix),
        "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10",
    ]  # fmt: skip
    subprocess.run(command, env=os.environ | env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    return csv_prefix


def _stats(csv_prefix: Path) -> dict[str, dict[str, Any]]:
    with open(f"{csv_prefix}_stats.csv") as stats:
        return {
            row["Name"]: {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p99_ms": float(row["99%"]),
                "max_ms": float(row["Max Response Time"]),
                "requests_per_s": round(float(row["Requests/s"]), 1),
            }
            for row in csv.DictReader(stats)
        }


def _locust(base: str, tmp: Path, prefix: str) -> dict[str, Any]:
    outcomes = tmp / "outcomes.json"
    csv_prefix = _run_locust(
        base, tmp, prefix, "_locustfile.py", users=USERS, rate=SPAWN_RATE, seconds=SECONDS,
        env={"LOAD_OUTCOMES_FILE": str(outcomes)},
    )  # fmt: skip
    endpoints = _stats(csv_prefix)
    total = endpoints.pop("Aggregated")
    with open(f"{csv_prefix}_failures.csv") as failures:
        errors = [{k: row[k] for k in ("Method", "Name", "Error", "Occurrences")} for row in csv.DictReader(failures)]
    return {
        "endpoints": endpoints,
        "total": total,
        "errors": sum(e["failures"] for e in endpoints.values()),
        "error_kinds": errors,
        "booking_outcomes": json.loads(outcomes.read_text()) if outcomes.exists() else {},
    }


def _compare(base: str, tmp: Path) -> dict[str, Any]:
    rounds: dict[str, list[float]] = {OURS: [], BARE: []}
    failures = 0
    for n in range(COMPARE_ROUNDS):
        for path in (OURS, BARE) if n % 2 == 0 else (BARE, OURS):
            prefix = f"compare-{n}-{'ours' if path == OURS else 'bare'}"
            stats = _stats(_run_locust(
                base, tmp, prefix, "_compare_locustfile.py", users=COMPARE_USERS, rate=COMPARE_USERS,
                seconds=COMPARE_SECONDS, env={"COMPARE_PATH": path},
            ))[path]  # fmt: skip
            rounds[path].append(stats["requests_per_s"])
            failures += stats["failures"]
    ours, bare = statistics.mean(rounds[OURS]), statistics.mean(rounds[BARE])
    return {
        "endpoint": OURS,
        "bare_view": BARE + " (bench/hardening/_bare_urls.py)",
        "users": COMPARE_USERS,
        "seconds_per_round": COMPARE_SECONDS,
        "requests_per_s": {"ours": rounds[OURS], "bare": rounds[BARE]},
        "ratio_ours_to_bare": round(ours / bare, 3) if bare else None,
        "goal_ratio": GOAL_RATIO,
        "failures": failures,
    }
