"""``seed-demo --scale national``: volume generated inside PostgreSQL whose clinic
counters agree with its bookings, refused on the embedded SQLite database."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q, Sum

from medbridge.clinics.models import Booking, BookingStatus, ClinicSession
from medbridge.demo import national
from medbridge.postings.models import Posting
from medbridge.programmes.models import Programme
from medbridge.reports import selectors
from medbridge.reports.selectors import FigureScope

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="set-based SQL for PostgreSQL")

TINY = national.NationalSizes(
    institutions=20, people=50, programmes=3, postings=30, logs=60, sessions=40, bookings=130, activities=8
)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded database only")
@pytest.mark.django_db
def test_the_embedded_database_refuses_national_scale_before_seeding_anything() -> None:
    before = Programme.objects.count()
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("seed_demo", "--scale", "national", stdout=StringIO())
    assert Programme.objects.count() == before


def test_the_scale_option_takes_a_number_or_national_and_nothing_else() -> None:
    with pytest.raises(CommandError, match="national"):
        call_command("seed_demo", "--scale", "huge", stdout=StringIO())


def test_a_size_names_a_kind_of_record_and_a_positive_number() -> None:
    with pytest.raises(CommandError, match="KIND=N"):
        call_command("seed_demo", "--scale", "national", "--size", "patients=5", stdout=StringIO())


def test_sizes_come_from_the_environment_then_from_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDBRIDGE_NATIONAL_POSTINGS", "2000")
    monkeypatch.setenv("MEDBRIDGE_NATIONAL_SESSIONS", "300")
    sizes = national.national_sizes({"sessions": 500})
    assert (sizes.postings, sizes.sessions, sizes.bookings) == (2000, 500, 10_000_000)


def test_a_size_in_the_environment_that_is_not_a_number_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDBRIDGE_NATIONAL_BOOKINGS", "many")
    with pytest.raises(ValueError, match="MEDBRIDGE_NATIONAL_BOOKINGS"):
        national.national_sizes()


@on_postgresql
@pytest.mark.django_db
def test_it_generates_the_asked_volume_once() -> None:
    assert national.seed_national(TINY).created
    programmes = Programme.objects.filter(name__startswith=national.PROGRAMME_PREFIX)
    assert programmes.count() == 3
    assert Posting.objects.filter(programme__in=programmes).count() == 30
    assert ClinicSession.objects.filter(programme__in=programmes).count() == 40
    assert Booking.objects.filter(session__programme__in=programmes).count() == 130
    assert not national.seed_national(TINY).created
    assert Booking.objects.filter(session__programme__in=programmes).count() == 130


@on_postgresql
@pytest.mark.django_db
def test_every_sessions_counters_match_its_bookings() -> None:
    national.seed_national(TINY)
    synthetic = ClinicSession.objects.filter(programme__name__startswith=national.PROGRAMME_PREFIX)
    sessions = synthetic.annotate(
        rows=Count("bookings"),
        seen=Count("bookings", filter=Q(bookings__status=BookingStatus.CHECKED_IN)),
        missed=Count("bookings", filter=Q(bookings__status=BookingStatus.NO_SHOW)),
    )
    assert sessions.count() == 40
    for s in sessions:
        assert (s.booked, s.checked_in, s.no_shows) == (s.rows, s.seen, s.missed)
        assert s.booked <= s.capacity


@on_postgresql
@pytest.mark.django_db
def test_the_clinic_visits_figure_is_the_patients_checked_in_plus_walk_ins(sysadmin: object) -> None:
    national.seed_national(TINY)
    programme = Programme.objects.filter(name__startswith=national.PROGRAMME_PREFIX).order_by("pk").first()
    assert programme is not None
    seen = Booking.objects.filter(session__programme=programme, status=BookingStatus.CHECKED_IN).count()
    walk_ins = ClinicSession.objects.filter(programme=programme).aggregate(n=Sum("walk_ins"))["n"]
    assert selectors.figures(sysadmin, FigureScope(programme=programme)).total("clinic_visits") == seen + walk_ins


@on_postgresql
@pytest.mark.django_db
def test_the_synthetic_patient_phone_decrypts() -> None:
    national.seed_national(TINY)
    booking = Booking.objects.filter(session__programme__name__startswith=national.PROGRAMME_PREFIX).first()
    assert booking is not None
    assert booking.phone == national.SYNTHETIC_PHONE
    assert booking.patient_name == "合成患者"


@on_postgresql
@pytest.mark.django_db
def test_the_bookings_keep_every_index_and_constraint_they_had() -> None:
    def checks() -> set[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'clinics_booking'")
            found = set(cursor.fetchall())
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'clinics_booking'::regclass"
            )
            return found | set(cursor.fetchall())

    before = checks()
    national.seed_national(TINY)
    assert checks() == before
    assert len(before) >= 8
