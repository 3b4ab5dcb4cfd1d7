"""Clinics at scale: the public calendar query over one million sessions (p50/p99,
on SQLite and PostgreSQL) and booking throughput on PostgreSQL.

Each measurement runs in a child process with its own database, so Django is set
up afresh and neither the demo database nor the other benchmarks are touched:
SQLite in a temporary file, PostgreSQL in ``medbridge_clinics_bench`` (dropped and
recreated; ``BENCH_PG_URL`` points at the server). The million rows are volume,
not records anyone entered: they are bulk-inserted (COPY on PostgreSQL), skipping
the services and the audit trail. Bookings are made through ``booking_create``,
the same service the pages and the API call. ``BENCH_REUSE=1`` keeps the
PostgreSQL database of an earlier run and only re-times queries and bookings.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

SESSIONS = int(os.environ.get("BENCH_CLINIC_SESSIONS", "1000000"))
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "medbridge_clinics_bench"
HOSTS, EXPERTS = 400, 5000
QUERIES = 300


def run() -> dict[str, Any]:
    result: dict[str, Any] = {"sessions": SESSIONS}
    with tempfile.TemporaryDirectory(prefix="medbridge-bench-") as tmp:
        result["sqlite"] = _child("calendar", f"sqlite:///{tmp}/clinics.sqlite3")
    if _postgres_answers():
        if not os.environ.get("BENCH_REUSE"):
            _recreate_pg_database()
        result["postgresql"] = _child("calendar", f"{PG_SERVER}/{PG_DATABASE}")
        result["postgresql"]["booking"] = _child("booking", f"{PG_SERVER}/{PG_DATABASE}")
    else:
        result["postgresql"] = f"skipped: no server at {PG_SERVER}"
    return result


def _child(task: str, url: str) -> dict[str, Any]:
    env = os.environ | {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "medbridge.settings",
        "MEDBRIDGE_CLINIC_REQUESTS_PER_HOUR": "100000000",
        "MEDBRIDGE_DB_CONN_MAX_AGE": "0",
    }
    command = [sys.executable, __file__, task]  # this very file, no outside input
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _postgres_answers() -> bool:
    import psycopg

    try:
        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


def _recreate_pg_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        conn.execute(f"CREATE DATABASE {PG_DATABASE}")


# --- In the child process ---------------------------------------------------------------


def _setup() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()


def calendar() -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from medbridge.clinics.models import ClinicSession
    from medbridge.directory.models import Institution

    call_command("migrate", verbosity=0)
    if os.environ.get("BENCH_REUSE") and ClinicSession.objects.count() >= SESSIONS:
        # Re-time the queries on a database filled by an earlier run.
        hosts = list(Institution.objects.filter(name__startswith="基准医院").select_related("region"))
        return {"vendor": connection.vendor, "reused": True, **_calendar_timings(hosts)}
    call_command("load_reference", verbosity=0)
    started = time.perf_counter()
    hosts, experts = _people()
    _insert_sessions(hosts, experts)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    load_s = time.perf_counter() - started
    return {"vendor": connection.vendor, "insert_s": round(load_s, 1), **_calendar_timings(hosts)}


def _people() -> tuple[list[Any], list[Any]]:
    from medbridge.directory.models import Institution, InstitutionCategory, Professional, Region, Specialty

    rng = random.Random(1)  # noqa: S311 - reproducible volume, not secrets
    counties = list(Region.objects.filter(level=Region.Level.COUNTY, code__startswith="14"))
    category = InstitutionCategory.objects.get(code="A1")
    hosts = Institution.objects.bulk_create(
        [Institution(name=f"基准医院{n}", category=category, region=rng.choice(counties)) for n in range(HOSTS)]
    )
    specialties = list(Specialty.objects.filter(parent__isnull=False))
    experts = Professional.objects.bulk_create(
        [Professional(name=f"专家{n}", specialty=rng.choice(specialties)) for n in range(EXPERTS)], batch_size=2000
    )
    return hosts, experts


COLUMNS = (
    "expert_id", "host_id", "kind", "date", "start_time", "end_time", "capacity", "status", "cancel_reason",
    "note", "booked", "waitlisted", "checked_in", "no_shows", "walk_ins", "created_at", "updated_at",
)  # fmt: skip


def _rows(hosts: list[Any], experts: list[Any]) -> Any:
    """A million sessions over two years around today: held behind, scheduled ahead."""
    rng, today, now = random.Random(2), date.today(), datetime.now().astimezone()  # noqa: S311
    for n in range(SESSIONS):
        day = today + timedelta(days=rng.randint(-365, 365))
        start = clock(8) if n % 2 else clock(14)
        status = "held" if day < today else "scheduled"
        kind = "clinic" if n % 10 else rng.choice(["free_clinic", "teaching_rounds", "remote"])
        booked = rng.randint(0, 20)
        yield (
            *(rng.choice(experts).pk, rng.choice(hosts).pk, kind, day, start, clock(start.hour + 3), 20, status),
            *("", "", booked, 0, booked if status == "held" else 0, 0, 0, now, now),
        )


def _insert_sessions(hosts: list[Any], experts: list[Any]) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY clinics_clinicsession ({', '.join(COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in _rows(hosts, experts):
                copy.write_row(row)
        return
    ops = connection.ops
    sql = f"INSERT INTO clinics_clinicsession ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"  # noqa: S608
    batch: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for row in _rows(hosts, experts):
            adapted = (*row[:3], ops.adapt_datefield_value(row[3]), *map(ops.adapt_timefield_value, row[4:6]))
            batch.append((*adapted, *row[6:15], *map(ops.adapt_datetimefield_value, row[15:])))
            if len(batch) == 20000:
                cursor.executemany(sql, batch)
                batch.clear()
        cursor.executemany(sql, batch)


def _calendar_timings(hosts: list[Any]) -> dict[str, Any]:
    """The public calendar page's query: a count and the first 20 rows with their
    joins, under the filters a patient uses."""
    from medbridge.clinics.selectors import PublicFilter, public_sessions
    from medbridge.directory.models import Specialty

    rng = random.Random(3)  # noqa: S311
    cities = sorted({h.region.code[:4] + "00" for h in hosts})
    specialties = [s.code for s in Specialty.objects.filter(parent__isnull=True)]
    filters = [
        ("none", lambda: PublicFilter()),
        ("city", lambda: PublicFilter(region=rng.choice(cities))),
        ("hospital", lambda: PublicFilter(host=rng.choice(hosts).pk)),
        ("specialty", lambda: PublicFilter(specialty=rng.choice(specialties))),
        ("day", lambda: PublicFilter(day=date.today() + timedelta(days=rng.randint(0, 60)))),
    ]
    samples: dict[str, list[float]] = {name: [] for name, _ in filters}
    for n in range(QUERIES):
        name, make = filters[n % len(filters)]
        qs = public_sessions(make())
        started = time.perf_counter()
        qs.count()
        list(qs[:20])
        samples[name].append((time.perf_counter() - started) * 1000)
    every = [ms for values in samples.values() for ms in values]
    return {
        "calendar_queries": len(every),
        "calendar_p50_ms": _pct(every, 50),
        "calendar_p99_ms": _pct(every, 99),
        "calendar_p50_ms_by_filter": {name: _pct(values, 50) for name, values in samples.items()},
    }


def _pct(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))], 2)


def booking() -> dict[str, Any]:
    """Bookings per second through the service with 8 threads: spread over many
    sessions, and all on one session (every thread queues on its row lock)."""
    from medbridge.clinics.models import ClinicSession
    from medbridge.directory.models import Institution, Professional

    host, expert = Institution.objects.first(), Professional.objects.first()
    day = date.today() + timedelta(days=1)  # inside the booking horizon
    spread = [
        ClinicSession.objects.create(
            expert=expert,
            host=host,
            date=day + timedelta(days=n % 20),
            start_time=clock(7),
            end_time=clock(11),
            capacity=50,
        )
        for n in range(40)
    ]
    hot = ClinicSession.objects.create(
        expert=expert, host=host, date=day, start_time=clock(14), end_time=clock(17), capacity=1000
    )
    return {
        "threads": 8,
        "spread_over_40_sessions": _throughput(spread, 2000, first_phone=0),
        "one_session_1000_places": _throughput([hot], 1000, first_phone=500000),
    }


def _throughput(sessions: list[Any], count: int, *, first_phone: int) -> dict[str, Any]:
    from django.db import connection

    from medbridge.clinics.services import BookingData, booking_create

    outcomes: list[str] = []

    def worker(offset: int) -> None:
        for n in range(offset, count, 8):
            data = BookingData(patient_name="基准患者", phone=f"137{first_phone + n:08d}", consent=True)
            try:
                outcomes.append(booking_create(session=sessions[n % len(sessions)], data=data, client=f"b{n}").status)
            except Exception as error:
                outcomes.append(f"error: {error}")
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    booked = sum(_booked(s) for s in sessions)
    return {
        "bookings": len(outcomes),
        "seconds": round(elapsed, 2),
        "per_second": round(len(outcomes) / elapsed, 1),
        "confirmed": outcomes.count("confirmed"),
        "errors": sorted({o for o in outcomes if o.startswith("error")})[:3],
        "booked_counter": booked,
    }


def _booked(session: Any) -> int:
    session.refresh_from_db()
    return int(session.booked)


if __name__ == "__main__":
    _setup()
    task = {"calendar": calendar, "booking": booking}[sys.argv[1]]
    print(json.dumps(task(), ensure_ascii=False), flush=True)
