"""Figures at scale on PostgreSQL: a province dashboard (p50/p95) and a programme's
annual report over synthetic national-scale records, and the same yearly figures
recomputed by DuckDB over a CSV export of the same rows (our time / DuckDB's).

Volume, not records anyone entered: institutions, people, programmes, postings,
work logs, clinic sessions and activities are generated inside PostgreSQL with
``generate_series`` (no services, no audit trail), in ``medbridge_reports_bench``
(dropped and recreated; ``BENCH_PG_URL`` points at the server; ``BENCH_REUSE=1``
keeps it and only re-times). Sizes: ``BENCH_REPORT_POSTINGS`` (100,000),
``BENCH_REPORT_SESSIONS`` (1,000,000), ``BENCH_REPORT_LOGS`` (1,000,000),
``BENCH_REPORT_ACTIVITIES`` (200,000). Bookings are not generated: the figures
read the sessions' counters (checked in, walk-ins), never the bookings.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "medbridge_reports_bench"
SIZES = {
    "postings": int(os.environ.get("BENCH_REPORT_POSTINGS", "100000")),
    "sessions": int(os.environ.get("BENCH_REPORT_SESSIONS", "1000000")),
    "logs": int(os.environ.get("BENCH_REPORT_LOGS", "1000000")),
    "activities": int(os.environ.get("BENCH_REPORT_ACTIVITIES", "200000")),
}
INSTITUTIONS, PEOPLE, PROGRAMMES = 3000, 20000, 500
RUNS = 20
PROVINCE = "14"  # 山西省: the commission officer whose dashboard is timed


def run() -> dict[str, Any]:
    if not _postgres_answers():
        return {"skipped": f"no PostgreSQL server at {PG_SERVER}"}
    if not os.environ.get("BENCH_REUSE"):
        _recreate_pg_database()
        _child("build")
    result: dict[str, Any] = {"sizes": SIZES}
    result.update(_child("time"))
    return result


def _child(task: str) -> dict[str, Any]:
    env = os.environ | {
        "DATABASE_URL": f"{PG_SERVER}/{PG_DATABASE}",
        "DJANGO_SETTINGS_MODULE": "medbridge.settings",
        "MEDBRIDGE_DB_CONN_MAX_AGE": "0",
    }
    command = [sys.executable, __file__, task]  # this very file, no outside input
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _postgres_answers() -> bool:
    import psycopg

    try:
        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


def _recreate_pg_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DATABASE}")


# --- Child: build the synthetic records ------------------------------------------------

SQL = [
    # Institutions spread over every prefecture-level city, eight departments each.
    """INSERT INTO directory_institution (name, short_name, category_id, region_id, address, created_at, updated_at)
       SELECT '合成医院' || g, '', (SELECT min(id) FROM directory_institutioncategory),
              r.ids[1 + g % array_length(r.ids, 1)], '', now(), now()
       FROM generate_series(1, {institutions}) g,
            (SELECT array_agg(id ORDER BY code) ids FROM directory_region WHERE level = 'prefecture') r""",
    """INSERT INTO directory_department (institution_id, name, created_at, updated_at)
       SELECT i.id, d.name, now(), now() FROM directory_institution i,
       unnest(ARRAY['肝胆外科','消化内科','妇产科','肛肠外科','医学影像科','麻醉科','康复医学科','护理部']) d(name)""",
    """INSERT INTO directory_professional (name, sex, profession, license_no, phone, id_number_hash, id_number_last4,
              introduction, institution_id, created_at, updated_at)
       SELECT '合成人员' || g, 'M', 'doctor', 'B' || g, '', '', '', '',
              (SELECT min(id) FROM directory_institution) + g % {institutions}, now(), now()
       FROM generate_series(1, {people}) g""",
    """INSERT INTO programmes_programme (kind, name, start_date, status, description, created_at, updated_at)
       SELECT 'paired_assistance', '合成项目' || g, DATE '2013-01-01', 'active', '', now(), now()
       FROM generate_series(1, {programmes}) g""",
    """INSERT INTO programmes_party (programme_id, institution_id, role, note)
       SELECT p.id, (SELECT min(id) FROM directory_institution) + (p.id * 7 + side) % {institutions},
              CASE side WHEN 0 THEN 'lead' ELSE 'recipient' END, ''
       FROM programmes_programme p, generate_series(0, 1) side""",
    # Postings: home = the programme's lead, host = its recipient; years 2013-2025.
    """INSERT INTO postings_posting (professional_id, programme_id, kind, home_institution_id, home_department_id,
              host_institution_id, host_department_id, planned_start, planned_end, status, status_reason, goals,
              visit_pattern, created_at, updated_at)
       SELECT (SELECT min(id) FROM directory_professional) + g % {people}, lead.programme_id,
              (ARRAY['stationed','stationed','attachment','training','visiting'])[1 + g % 5],
              lead.institution_id,
              (SELECT min(id) FROM directory_department d WHERE d.institution_id = lead.institution_id) + g % 8,
              host.institution_id,
              (SELECT min(id) FROM directory_department d WHERE d.institution_id = host.institution_id) + g % 8,
              DATE '2013-01-01' + (g % 4700), DATE '2013-01-01' + (g % 4700) + 180, 'completed', '', '', '',
              now(), now()
       FROM generate_series(1, {postings}) g
       JOIN programmes_party lead ON lead.role = 'lead'
            AND lead.programme_id = (SELECT min(id) FROM programmes_programme) + g % {programmes}
       JOIN programmes_party host ON host.role = 'recipient' AND host.programme_id = lead.programme_id""",
    """INSERT INTO postings_worklog (posting_id, day, patients_seen, surgeries_performed, surgeries_assisted, lectures,
              staff_trained, teaching_rounds, notes, created_at)
       SELECT p.id, p.planned_start + (g / {postings}) % 180, 12, g % 3, g % 2, g % 5 / 4, g % 7, 0, '', now()
       FROM generate_series(0, {logs} - 1) g
       JOIN postings_posting p ON p.id = (SELECT min(id) FROM postings_posting) + g % {postings}""",
    """INSERT INTO clinics_clinicsession (expert_id, host_id, programme_id, kind, date, start_time, end_time, capacity,
              status, cancel_reason, note, booked, waitlisted, checked_in, no_shows, walk_ins, created_at, updated_at)
       SELECT (SELECT min(id) FROM directory_professional) + g % 5000,
              (SELECT min(id) FROM directory_institution) + g % {institutions},
              (SELECT min(id) FROM programmes_programme) + g % {programmes}, 'clinic',
              DATE '2016-01-01' + (g % 3650), TIME '08:00', TIME '12:00', 20, 'held', '', '', 18, 0, 16, 2, g % 4,
              now(), now()
       FROM generate_series(1, {sessions}) g""",
    """INSERT INTO activities_activity (kind, title, venue_id, address, start_date, end_date, attendance_count,
              patients_served, agreements_signed, banners_presented, outcomes, description, created_at, updated_at)
       SELECT (ARRAY['lecture','free_clinic','course','symposium'])[1 + g % 4], '合成活动' || g,
              (SELECT min(id) FROM directory_institution) + g % {institutions}, '',
              DATE '2013-01-01' + (g % 4700), DATE '2013-01-01' + (g % 4700), 40 + g % 60,
              CASE WHEN g % 4 = 1 THEN 100 ELSE 0 END, 0, 0, '', '', now(), now()
       FROM generate_series(1, {activities}) g""",
    """INSERT INTO activities_activity_programmes (activity_id, programme_id)
       SELECT a.id, (SELECT min(id) FROM programmes_programme) + a.id % {programmes} FROM activities_activity a""",
    "ANALYZE",
]


def _build() -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from medbridge.accounts.models import Role, User
    from medbridge.directory.models import Region

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    params = SIZES | {"institutions": INSTITUTIONS, "people": PEOPLE, "programmes": PROGRAMMES}
    with connection.cursor() as cursor:
        for statement in SQL:
            cursor.execute(statement.format(**params))
    User.objects.create(username="bench-admin", role=Role.SYSTEM_ADMIN)
    User.objects.create(
        username="bench-province", role=Role.COMMISSION_OFFICER, region=Region.objects.get(code="140000")
    )
    return {"build_s": round(time.perf_counter() - started, 1)}


# --- Child: time the dashboard, the report, and DuckDB ---------------------------------


def _timed(work: Any, runs: int = RUNS) -> dict[str, float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    return {
        "p50_s": round(statistics.median(seconds), 3),
        "p95_s": round(seconds[max(0, int(len(seconds) * 0.95) - 1)], 3),
        "runs": runs,
    }


def _time() -> dict[str, Any]:
    from medbridge.accounts.models import User
    from medbridge.programmes.models import Programme
    from medbridge.reports import selectors, services
    from medbridge.reports.selectors import FigureScope

    officer = User.objects.get(username="bench-province")
    admin = User.objects.get(username="bench-admin")
    scope = FigureScope(region=PROVINCE)

    def dashboard() -> None:
        selectors.figures(officer, scope)
        selectors.specialty_breakdown(officer, scope)
        selectors.people_flows(officer, scope)
        selectors.top_experts(officer, scope)

    programme = Programme.objects.order_by("pk").first()
    assert programme is not None

    def report() -> None:
        built = services.report_build(user=admin, programme=programme, year=2025)
        services.report_xlsx(built)
        services.report_pdf(built)

    result: dict[str, Any] = {
        "province_dashboard": _timed(dashboard, 10),
        "programme_report_xlsx_pdf": _timed(report, 3),
    }
    result["duckdb"] = _duckdb_comparison(admin)
    return result


EXPORTS = {
    "posting": "SELECT kind, status, planned_start FROM postings_posting",
    "session": "SELECT date, status, checked_in, walk_ins, expert_id FROM clinics_clinicsession",
    "worklog": "SELECT day, surgeries_performed, surgeries_assisted, staff_trained, lectures FROM postings_worklog",
    "activity": "SELECT kind, start_date, attendance_count, patients_served FROM activities_activity",
}
DUCK_QUERIES = [
    """SELECT year(planned_start) y, count(*) FILTER (WHERE kind = 'stationed'),
              count(*) FILTER (WHERE kind = 'attachment'), count(*) FILTER (WHERE kind = 'training')
       FROM posting WHERE status <> 'cancelled' GROUP BY y""",
    """SELECT year(date) y, count(*), sum(checked_in) + sum(walk_ins), count(DISTINCT expert_id)
       FROM session WHERE status = 'held' GROUP BY y""",
    """SELECT year(day) y, sum(surgeries_performed) + sum(surgeries_assisted), sum(staff_trained), sum(lectures)
       FROM worklog GROUP BY y""",
    """SELECT year(start_date) y, sum(patients_served), count(*) FILTER (WHERE kind = 'lecture'),
              sum(attendance_count) FROM activity GROUP BY y""",
]


def _duckdb_comparison(admin: Any) -> dict[str, Any]:
    """All records, no scoping (a system administrator): our ``figures`` against
    DuckDB's grouped queries over CSV exports of the same columns."""
    import duckdb
    from django.db import connection

    from medbridge.reports import selectors
    from medbridge.reports.selectors import FigureScope

    ours = _timed(lambda: selectors.figures(admin, FigureScope()), 5)
    with tempfile.TemporaryDirectory(prefix="medbridge-bench-") as tmp:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for name, query in EXPORTS.items():
                with (
                    Path(tmp, f"{name}.csv").open("wb") as out,
                    cursor.copy(f"COPY ({query}) TO STDOUT WITH CSV HEADER") as copy,
                ):
                    for chunk in copy:
                        out.write(chunk)
        export_s = time.perf_counter() - started
        duck = duckdb.connect()
        for name in EXPORTS:
            duck.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv_auto('{tmp}/{name}.csv')")  # noqa: S608 - our names

        def duck_figures() -> None:
            for query in DUCK_QUERIES:
                duck.execute(query).fetchall()

        theirs = _timed(duck_figures, 5)
    return {
        "ours_all_records": ours,
        "duckdb_in_memory": theirs,
        "export_s": round(export_s, 1),
        "ours_over_duckdb": round(ours["p50_s"] / theirs["p50_s"], 1) if theirs["p50_s"] else None,
    }


if __name__ == "__main__" and len(sys.argv) > 1:
    import django

    django.setup()
    task = {"build": _build, "time": _time}[sys.argv[1]]
    print(json.dumps(task()))
