"""Exporting the part of the directory and the programmes a user can see, in the import format.

The export is written so that importing it back changes nothing: reference values
are written as names only where the importer's lookup finds that same row by the
name (else as codes), parents come before the institutions and programmes that
name them, and a phone the user may not see is left empty — which the importer
reads as "keep". An appointed expert's licence number is written only when the
user may see that person in the directory; otherwise the importer finds them by
name and employer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook

from medbridge.accounts import access
from medbridge.directory import selectors
from medbridge.directory.models import Department, Institution, Professional, Region
from medbridge.interop.services import activity_upserts, clinic_upserts, referral_upserts
from medbridge.interop.services.clinic_upserts import licence_writer
from medbridge.interop.services.workbook import (
    ACTIVITIES,
    CLINIC_SESSIONS,
    CONSULTATIONS,
    DEPARTMENTS,
    ENGAGEMENTS,
    INSTITUTIONS,
    PARTIES,
    POSTINGS,
    PROFESSIONALS,
    PROGRAMMES,
    REFERRALS,
    STATIONS,
    TARGETS,
    WORK_LOGS,
    build_workbook,
    engagement_role_labels,
    party_role_labels,
    posting_kind_labels,
    posting_status_labels,
    profession_labels,
    programme_kind_labels,
    programme_status_labels,
    sex_labels,
    station_kind_labels,
    target_metric_labels,
)
from medbridge.postings.models import Posting, WorkLog
from medbridge.programmes.models import MANAGING_ROLES, Engagement, Party, Programme, Station, Target

Cells = list[Any]


class Labels:
    """How to write a reference row so that the importer finds it again."""

    def __init__(self) -> None:
        self._seen: dict[tuple[type[Any], int], str] = {}
        self.sexes = sex_labels()
        self.professions = profession_labels()

    def of(self, obj: Any) -> str:
        if obj is None:
            return ""
        key = (type(obj), obj.pk)
        if key not in self._seen:
            self._seen[key] = obj.name if self._finds(obj) else obj.code
        return self._seen[key]

    @staticmethod
    def _finds(obj: Any) -> bool:
        if isinstance(obj, Region):
            return selectors.region_lookup(obj.name) == obj
        return bool(selectors.code_or_name_lookup(type(obj), obj.name) == obj)


def export_workbook(user: Any) -> Workbook:
    labels = Labels()
    programmes = _programmes_parents_first(user)
    return build_workbook(
        {
            INSTITUTIONS: (_institution_row(i, labels) for i in _institutions_parents_first(user)),
            DEPARTMENTS: (_department_row(d, labels) for d in _departments(user)),
            PROFESSIONALS: _professional_rows(user, labels),
            PROGRAMMES: (_programme_row(p, labels) for p in programmes),
            PARTIES: (_party_row(p) for p in _parties(programmes)),
            TARGETS: (_target_row(t) for t in _targets(programmes)),
            STATIONS: (_station_row(s) for s in _stations(programmes)),
            ENGAGEMENTS: _engagement_rows(user, programmes),
            POSTINGS: _posting_rows(user),
            WORK_LOGS: _work_log_rows(user),
            ACTIVITIES: activity_upserts.activity_rows(user),
            CLINIC_SESSIONS: clinic_upserts.clinic_session_rows(user),
            REFERRALS: referral_upserts.referral_rows(user),
            CONSULTATIONS: referral_upserts.consultation_rows(user),
        }
    )


def _institutions_parents_first(user: Any) -> list[Institution]:
    # The importer resolves 上级机构 as it goes, so a parent must come first.
    parent_of = dict(Institution.objects.values_list("pk", "parent_id"))

    def depth(pk: int | None) -> int:
        steps = 0
        while pk is not None and steps < 50:
            pk, steps = parent_of.get(pk), steps + 1
        return steps

    return sorted(access.institutions_visible_to(user), key=lambda i: (depth(i.parent_id), i.name))


def _institution_row(institution: Institution, labels: Labels) -> Cells:
    return [
        institution.name,
        institution.short_name,
        labels.of(institution.category),
        labels.of(institution.grade),
        labels.of(institution.region),
        institution.parent.name if institution.parent else "",
        institution.address,
        institution.longitude,
        institution.latitude,
    ]


def _departments(user: Any) -> Iterator[Department]:
    return iter(access.departments_visible_to(user).order_by("institution__name", "name"))


def _department_row(department: Department, labels: Labels) -> Cells:
    return [department.institution.name, department.name, labels.of(department.specialty)]


def _professional_rows(user: Any, labels: Labels) -> Iterator[Cells]:
    may_see_phone = access.personal_data_checker(user)
    # 工作单位 is required by the format; people without an employer are a
    # system administrator's edge case and cannot be written back from a sheet.
    people = access.professionals_visible_to(user).filter(institution__isnull=False)
    for person in people.order_by("institution__name", "name", "id"):
        yield _professional_row(person, labels, phone=person.phone if may_see_phone(person) else "")


def _professional_row(person: Professional, labels: Labels, *, phone: str) -> Cells:
    assert person.institution is not None  # filtered above
    return [
        person.name,
        labels.sexes.get(person.sex, person.sex),
        labels.professions.get(person.profession, person.profession),
        labels.of(person.title),
        labels.of(person.specialty),
        person.institution.name,
        person.department.name if person.department else "",
        labels.of(person.home_region),
        person.license_no,
        phone,
        "",  # ID numbers are never stored, so never exported
        person.introduction,
    ]


# --- Programmes ---------------------------------------------------------------


def _programmes_parents_first(user: Any) -> list[Programme]:
    # The importer resolves 上级项目 as it goes, so a parent must come first.
    parent_of = dict(Programme.objects.values_list("pk", "parent_id"))

    def depth(pk: int | None) -> int:
        steps = 0
        while pk is not None and steps < 50:
            pk, steps = parent_of.get(pk), steps + 1
        return steps

    visible = access.programmes_visible_to(user).select_related("parent").prefetch_related("specialties")
    return sorted(visible, key=lambda p: (depth(p.parent_id), p.start_date, p.name, p.pk))


def _programme_row(programme: Programme, labels: Labels) -> Cells:
    specialties = sorted(programme.specialties.all(), key=lambda s: s.code)
    return [
        programme.name,
        programme_kind_labels().get(programme.kind, programme.kind),
        programme.parent.name if programme.parent else "",
        programme.start_date,
        programme.end_date,
        programme_status_labels().get(programme.status, programme.status),
        "、".join(labels.of(s) for s in specialties),
        programme.description,
    ]


def _order(programmes: list[Programme]) -> dict[int, int]:
    return {p.pk: index for index, p in enumerate(programmes)}


def _parties(programmes: list[Programme]) -> list[Party]:
    order = _order(programmes)
    parties = Party.objects.filter(programme__in=order).select_related("programme", "institution", "department")
    # Managing parties first: a new programme starts with the first one the importer manages.
    return sorted(parties, key=lambda p: (order[p.programme_id], not _managing(p), p.role, p.institution.name, p.pk))


def _managing(party: Party) -> bool:
    return party.role in MANAGING_ROLES


def _party_row(party: Party) -> Cells:
    return [
        party.programme.name,
        party.institution.name,
        party.department.name if party.department else "",
        party_role_labels().get(party.role, party.role),
        party.joined_on,
        party.note,
    ]


def _targets(programmes: list[Programme]) -> list[Target]:
    order = _order(programmes)
    targets = Target.objects.filter(programme__in=order).select_related("programme")
    return sorted(targets, key=lambda t: (order[t.programme_id], t.year, t.metric))


def _target_row(target: Target) -> Cells:
    return [
        target.programme.name,
        target.year,
        target_metric_labels().get(target.metric, target.metric),
        target.value,
    ]


def _stations(programmes: list[Programme]) -> list[Station]:
    order = _order(programmes)
    stations = Station.objects.filter(programme__in=order).select_related("programme", "host", "host_department")
    return sorted(stations, key=lambda s: (order[s.programme_id], s.opened_on, s.name, s.pk))


def _station_row(station: Station) -> Cells:
    return [
        station.name,
        station_kind_labels().get(station.kind, station.kind),
        station.programme.name,
        station.host.name,
        station.host_department.name if station.host_department else "",
        station.opened_on,
        station.closed_on,
        station.plaque_text,
    ]


def _engagement_rows(user: Any, programmes: list[Programme]) -> Iterator[Cells]:
    order = _order(programmes)
    engagements = list(
        Engagement.objects.filter(programme__in=order).select_related(
            "programme", "station", "professional__institution"
        )
    )
    # A licence number is the directory's to show: only for people the user may see there.
    visible = set(
        access.professionals_visible_to(user)
        .filter(pk__in={e.professional_id for e in engagements})
        .values_list("pk", flat=True)
    )

    def key(e: Engagement) -> tuple[Any, ...]:
        return (order[e.programme_id], e.station.name if e.station else "", e.start_date, e.professional.name, e.pk)

    for engagement in sorted(engagements, key=key):
        yield _engagement_row(engagement, license_no=engagement.professional_id in visible)


def _engagement_row(engagement: Engagement, *, license_no: bool) -> Cells:
    person = engagement.professional
    return [
        engagement.programme.name,
        engagement.station.name if engagement.station else "",
        person.name,
        person.license_no if license_no else "",
        person.institution.name if person.institution else "",
        engagement_role_labels().get(engagement.role, engagement.role),
        engagement.letter_no,
        engagement.start_date,
        engagement.end_date,
    ]


# --- Postings ------------------------------------------------------------------------


def _postings(user: Any) -> Any:
    return access.postings_visible_to(user).order_by("planned_start", "id")


def _posting_key(posting: Posting, licence: Any) -> Cells:
    return [
        posting.programme.name,
        posting.professional.name,
        licence(posting.professional),
        posting_kind_labels()[posting.kind],
        posting.home_institution.name,
        posting.planned_start,
    ]


def _posting_rows(user: Any) -> Iterator[Cells]:
    licence = licence_writer(user)
    statuses = posting_status_labels()
    for p in _postings(user):
        yield [
            *_posting_key(p, licence),
            p.planned_end,
            p.batch.number if p.batch else None,
            p.home_department.name if p.home_department else "",
            p.host_institution.name,
            p.host_department.name if p.host_department else "",
            p.actual_start,
            p.actual_end,
            statuses[p.status],
            p.status_reason,
            p.mentor.name if p.mentor else "",
            p.liaison.name if p.liaison else "",
            p.goals,
        ]


def _work_log_rows(user: Any) -> Iterator[Cells]:
    licence = licence_writer(user)
    logs = (
        WorkLog.objects.filter(posting__in=_postings(user))
        .select_related("posting__programme", "posting__professional", "posting__home_institution")
        .prefetch_related("techniques")
        .order_by("posting__planned_start", "posting_id", "day")
    )
    for log in logs:
        yield [
            *_posting_key(log.posting, licence),
            log.day,
            log.patients_seen,
            log.surgeries_performed,
            log.surgeries_assisted,
            log.lectures,
            log.staff_trained,
            log.teaching_rounds,
            "、".join(t.name for t in log.techniques.all()),
            log.notes,
        ]
