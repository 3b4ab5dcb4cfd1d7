"""National-scale synthetic volume for benchmarks: ``seed-demo --scale national``.

Volume, not records anyone entered. Institutions, people, programmes, postings,
work logs, clinic sessions with their bookings, and activities are generated inside
PostgreSQL with ``generate_series`` (``INSERT ... SELECT``): no services, no audit
trail, nothing crosses the wire but the statements. Ten million bookings cannot be
built row by row from Python in a benchmark's lifetime.

What stays true of the records, so that figures over them mean something:

- every held session's counters match its bookings: ``booked`` bookings, of which
  ``no_shows`` are no-shows and ``checked_in`` checked in; walk-ins have no booking;
- postings go from a programme's lead to its recipient, inside that programme.

The patients are synthetic and identical: every booking carries the same name, the
same ciphertext of one made-up phone number (encrypted with the installation's key,
so it decrypts) and that number's keyed hash. The bookings are all of past, closed
sessions, so none is active and the one-active-booking-per-phone rule is not at stake.

PostgreSQL only; the embedded SQLite database refuses. Re-running does nothing once
the synthetic programmes exist.
"""

# The statements are put together from this module's constants and whole numbers,
# never from input; the patient's fields travel as parameters.
# ruff: noqa: S608

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from medbridge.clinics.models import Booking
from medbridge.pii import keyed_hash

PROGRAMME_PREFIX = "全国合成项目"
ENV_PREFIX = "MEDBRIDGE_NATIONAL_"
SYNTHETIC_PHONE = "13900000000"


@dataclass(frozen=True)
class NationalSizes:
    """How many rows of each kind; the defaults are the national scale of issue 9.
    Bookings are spread evenly over the sessions (ten each by default)."""

    institutions: int = 3_000
    people: int = 20_000
    programmes: int = 500
    postings: int = 100_000
    logs: int = 1_000_000
    sessions: int = 1_000_000
    bookings: int = 10_000_000
    activities: int = 200_000


def national_sizes(overrides: dict[str, int] | None = None) -> NationalSizes:
    """The defaults, then ``MEDBRIDGE_NATIONAL_<KIND>`` from the environment, then
    ``overrides``: a quick trial sets a few of them smaller."""
    sizes = NationalSizes()
    for f in fields(NationalSizes):
        raw = os.environ.get(ENV_PREFIX + f.name.upper())
        if raw is not None:
            sizes = replace(sizes, **{f.name: _positive(ENV_PREFIX + f.name.upper(), raw)})
    return replace(sizes, **(overrides or {}))


def _positive(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be positive, not {value}")
    return value


class NationalScaleUnsupported(Exception):
    """The database cannot take national-scale volume (the embedded SQLite one)."""


@dataclass
class NationalReport:
    sizes: NationalSizes
    created: bool
    seconds: float
    steps: dict[str, float]


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise NationalScaleUnsupported(
            _("全国规模合成数据只能生成在 PostgreSQL 数据库中（请设置 DATABASE_URL）；SQLite 请用 --scale N")
        )


def seed_national(sizes: NationalSizes) -> NationalReport:
    """Generate the volume in one transaction; nothing if it was generated before."""
    require_postgresql()
    started = time.perf_counter()
    steps: dict[str, float] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM programmes_programme WHERE name LIKE %s LIMIT 1", [PROGRAMME_PREFIX + "%"])
        if cursor.fetchone():
            return NationalReport(sizes, created=False, seconds=0.0, steps={})
        params = _patient_params()
        for name, statement in STATEMENTS:
            step = time.perf_counter()
            if name in BULK_TABLES:
                with _checks_rebuilt_after(cursor, BULK_TABLES[name]):
                    cursor.execute(statement.format(**asdict(sizes)), params)
            else:
                cursor.execute(statement.format(**asdict(sizes)), params)
            steps[name] = round(time.perf_counter() - step, 1)
    step = time.perf_counter()
    _vacuum()
    steps["vacuum_analyze"] = round(time.perf_counter() - step, 1)
    return NationalReport(sizes, created=True, seconds=round(time.perf_counter() - started, 1), steps=steps)


# Steps whose table is loaded with its indexes and constraints set aside.
BULK_TABLES = {"bookings": "clinics_booking"}


@contextmanager
def _checks_rebuilt_after(cursor: Any, table: str) -> Iterator[None]:
    """Load a table without its secondary indexes and its unique and foreign-key
    constraints, then put each back as it was, as PostgreSQL's guide to populating
    a database advises: one index build and one foreign-key check over ten million
    bookings take minutes less than ten million index updates and checks at commit.
    Partial indexes stay (the generated rows fall outside them). All inside the
    seeding transaction, so a failure leaves the table as it was."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND i.indpred IS NULL "
        "AND i.indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    indexes = cursor.fetchall()
    # Dropping a foreign key alters the table it points to, which PostgreSQL
    # refuses while checks of rows inserted earlier wait for the commit: run them now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    for _name, definition in indexes:
        cursor.execute(definition)
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _vacuum() -> None:
    """Statistics for the planner, and the visibility map set as autovacuum would
    leave it in a running installation (index-only scans depend on it). VACUUM
    refuses to run inside a transaction: under an outer one, only ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


def _patient_params() -> dict[str, Any]:
    phone = Booking._meta.get_field("phone")
    return {
        "patient": "合成患者",
        "phone": phone.get_prep_value(SYNTHETIC_PHONE),
        "phone_hash": keyed_hash(SYNTHETIC_PHONE),
        "prefix": PROGRAMME_PREFIX + "%",
    }


# Each statement is formatted with the sizes (whole numbers) and run with the
# patient's constant fields as parameters. Synthetic rows are found again by name,
# so the generator also runs on top of the demo's records.
INSTITUTIONS = "(SELECT array_agg(id ORDER BY id) ids FROM directory_institution WHERE name LIKE '全国合成医院%%')"
PEOPLE = "(SELECT array_agg(id ORDER BY id) ids FROM directory_professional WHERE license_no LIKE 'NAT%%')"
PROGRAMMES = "(SELECT array_agg(id ORDER BY id) ids FROM programmes_programme WHERE name LIKE %(prefix)s)"
PROGRAMME_IDS = "(SELECT id FROM programmes_programme WHERE name LIKE %(prefix)s)"

STATEMENTS: list[tuple[str, str]] = [
    (
        # Institutions spread over the counties of every province, eight departments each.
        "institutions",
        """INSERT INTO directory_institution (name, short_name, category_id, region_id, address, created_at, updated_at)
        SELECT '全国合成医院' || g, '', (SELECT min(id) FROM directory_institutioncategory),
               r.ids[1 + g %% array_length(r.ids, 1)], '', now(), now()
        FROM generate_series(1, {institutions}) g,
             (SELECT array_agg(id ORDER BY code) ids FROM directory_region WHERE level = 'county') r""",
    ),
    (
        "departments",
        f"""INSERT INTO directory_department (institution_id, name, created_at, updated_at)
        SELECT i, d.name, now(), now() FROM {INSTITUTIONS} s, unnest(s.ids) i,
        unnest(ARRAY['肝胆外科','消化内科','妇产科','肛肠外科','医学影像科','麻醉科','康复医学科','护理部']) d(name)""",
    ),
    (
        "people",
        f"""INSERT INTO directory_professional (name, sex, profession, license_no, phone, id_number_hash,
               id_number_last4, introduction, institution_id, created_at, updated_at)
        SELECT '合成人员' || g, 'M', 'doctor', 'NAT' || g, '', '', '', '',
               s.ids[1 + g %% array_length(s.ids, 1)], now(), now()
        FROM generate_series(1, {{people}}) g, {INSTITUTIONS} s""",
    ),
    (
        "programmes",
        """INSERT INTO programmes_programme (kind, name, start_date, status, description, created_at, updated_at)
        SELECT 'paired_assistance', '全国合成项目' || g, DATE '2013-01-01', 'active', '', now(), now()
        FROM generate_series(1, {programmes}) g""",
    ),
    (
        # Six institutions per programme, each in one programme: a lead and two
        # supporting hospitals send people, three recipients receive them.
        "parties",
        f"""INSERT INTO programmes_party (programme_id, institution_id, role, note)
        SELECT p, s.ids[1 + ((k - 1) * 6 + side) %% array_length(s.ids, 1)],
               (ARRAY['lead','supporting','supporting','recipient','recipient','recipient'])[1 + side], ''
        FROM {PROGRAMMES} ps, unnest(ps.ids) WITH ORDINALITY u(p, k), {INSTITUTIONS} s, generate_series(0, 5) side""",
    ),
    (
        # From a sending party's department to a recipient's; starts spread over 2013-2025.
        "postings",
        f"""WITH pairs AS MATERIALIZED (
            SELECT row_number() OVER (ORDER BY home.id, host.id) - 1 AS k, home.programme_id,
                   home.institution_id AS home, host.institution_id AS host,
                   (SELECT min(id) FROM directory_department d WHERE d.institution_id = home.institution_id) AS home_dept,
                   (SELECT min(id) FROM directory_department d WHERE d.institution_id = host.institution_id) AS host_dept
            FROM programmes_party home
            JOIN programmes_party host ON host.role = 'recipient' AND host.programme_id = home.programme_id
            WHERE home.role IN ('lead', 'supporting') AND home.programme_id IN {PROGRAMME_IDS})
        INSERT INTO postings_posting (professional_id, programme_id, kind, home_institution_id,
               home_department_id, host_institution_id, host_department_id, planned_start, planned_end, status,
               status_reason, goals, visit_pattern, created_at, updated_at)
        SELECT pe.ids[1 + g %% array_length(pe.ids, 1)], pairs.programme_id,
               (ARRAY['stationed','stationed','attachment','training','visiting'])[1 + g %% 5],
               pairs.home, pairs.home_dept + g %% 8, pairs.host, pairs.host_dept + g %% 8,
               DATE '2013-01-01' + (g %% 4700), DATE '2013-01-01' + (g %% 4700) + 180, 'completed', '', '', '',
               now(), now()
        FROM generate_series(1, {{postings}}) g CROSS JOIN {PEOPLE} pe
        JOIN pairs ON pairs.k = g %% (SELECT count(*) FROM pairs)""",
    ),
    (
        "work_logs",
        f"""INSERT INTO postings_worklog (posting_id, day, patients_seen, surgeries_performed, surgeries_assisted,
               lectures, staff_trained, teaching_rounds, notes, created_at)
        SELECT p.id, p.planned_start + (g / {{postings}}) %% 180, 12, g %% 3, g %% 2, g %% 5 / 4, g %% 7, 0, '', now()
        FROM generate_series(0, {{logs}} - 1) g,
             (SELECT array_agg(p.id ORDER BY p.id) ids FROM postings_posting p
              WHERE p.programme_id IN {PROGRAMME_IDS}) ps
        JOIN postings_posting p ON true
        WHERE p.id = ps.ids[1 + g %% array_length(ps.ids, 1)]""",
    ),
    (
        # Held sessions over 2016-2025 whose counters add up: of ``booked`` places
        # taken, a tenth were no-shows and the rest checked in; walk-ins come on top.
        "clinic_sessions",
        f"""INSERT INTO clinics_clinicsession (expert_id, host_id, programme_id, kind, date, start_time, end_time,
               capacity, status, cancel_reason, note, booked, waitlisted, checked_in, no_shows, walk_ins,
               created_at, updated_at)
        SELECT pe.ids[1 + g %% least(5000, array_length(pe.ids, 1))],
               s.ids[1 + g %% array_length(s.ids, 1)], pr.ids[1 + g %% array_length(pr.ids, 1)], 'clinic',
               DATE '2016-01-01' + (g %% 3650), TIME '08:00', TIME '12:00', b.booked + 2, 'held', '', '',
               b.booked, 0, b.booked - b.booked / 10, b.booked / 10, g %% 4, now(), now()
        FROM generate_series(0, {{sessions}} - 1) g, {PEOPLE} pe, {INSTITUTIONS} s, {PROGRAMMES} pr,
             LATERAL (SELECT {{bookings}} / {{sessions}} + (g < {{bookings}} %% {{sessions}})::int AS booked) b""",
    ),
    (
        # One booking per place taken: the first ``no_shows`` of a session did not come.
        "bookings",
        f"""INSERT INTO clinics_booking (session_id, code, status, patient_name, phone, phone_hash, id_tail,
               consent_at, created_at, updated_at)
        SELECT c.id, 'N' || to_hex(c.id) || '-' || n, CASE WHEN n <= c.no_shows THEN 'no_show' ELSE 'checked_in' END,
               %(patient)s, %(phone)s, %(phone_hash)s, '', c.date - 3, c.date - 3, c.date
        FROM clinics_clinicsession c, generate_series(1, c.booked) n
        WHERE c.programme_id IN {PROGRAMME_IDS}""",
    ),
    (
        "activities",
        f"""INSERT INTO activities_activity (kind, title, venue_id, address, start_date, end_date, attendance_count,
               patients_served, agreements_signed, banners_presented, outcomes, description, created_at, updated_at)
        SELECT (ARRAY['lecture','free_clinic','course','symposium'])[1 + g %% 4], '全国合成活动' || g,
               s.ids[1 + g %% array_length(s.ids, 1)], '', DATE '2013-01-01' + (g %% 4700),
               DATE '2013-01-01' + (g %% 4700), 40 + g %% 60, CASE WHEN g %% 4 = 1 THEN 100 ELSE 0 END, 0, 0, '', '',
               now(), now()
        FROM generate_series(1, {{activities}}) g, {INSTITUTIONS} s""",
    ),
    (
        "activity_programmes",
        f"""INSERT INTO activities_activity_programmes (activity_id, programme_id)
        SELECT a.id, pr.ids[1 + a.id %% array_length(pr.ids, 1)]
        FROM activities_activity a, {PROGRAMMES} pr WHERE a.title LIKE '全国合成活动%%'""",
    ),
]
