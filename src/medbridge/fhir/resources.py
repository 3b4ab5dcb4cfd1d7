"""The resource types we serve: where their rows come from, how they are searched.

A resource type has one or more sources: Organization is made of institutions
(id ``12``), departments (``dept-12``) and programmes (``programme-12``, the
networks of OrganizationAffiliation); PractitionerRole of postings
(``posting-12``) and engagements (``engagement-12``). Every source starts from
the access module's scoped queryset, so FHIR clients see what the API shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from medbridge.accounts import access
from medbridge.clinics.models import Booking, ClinicSession, SessionSeries, SessionStatus
from medbridge.fhir import mappers, search
from medbridge.postings.models import PostingStatus
from medbridge.programmes.models import Party, PartyRole, ProgrammeStatus

Mapper = Callable[[Any, mappers.Context], mappers.Resource]


@dataclass(frozen=True)
class Source:
    prefix: str
    rows: Callable[[Any], QuerySet[Any]]
    mapper: Mapper
    filters: dict[str, search.Filter] = field(default_factory=dict)
    sorts: dict[str, str] = field(default_factory=dict)
    prepare: Callable[[list[Any], mappers.Context], None] | None = None

    def pk_of(self, resource_id: str) -> int | None:
        """Our key for a FHIR id of this source, or None when it names another."""
        if self.prefix and not resource_id.startswith(self.prefix):
            return None
        rest = resource_id.removeprefix(self.prefix)
        return int(rest) if rest.isdigit() else None


@dataclass(frozen=True)
class ResourceType:
    name: str
    sources: tuple[Source, ...]
    params: dict[str, str]  # search parameter -> FHIR type, for the CapabilityStatement
    public: bool = False

    @property
    def sorts(self) -> set[str]:
        return {key for source in self.sources for key in source.sorts}


# --- scoped rows ------------------------------------------------------------------


def _today() -> Any:
    return timezone.localdate()


def _clinic_hosts(user: Any) -> QuerySet[Any]:
    hosts = access.clinic_sessions_visible_to(user).values("host_id")
    return access.institutions_visible_to(user).filter(pk__in=hosts)


def _parties(user: Any) -> QuerySet[Party]:
    leads = Party.objects.filter(programme=OuterRef("programme"), role=PartyRole.LEAD).order_by("pk")
    return (
        Party.objects.select_related("programme", "institution")
        .prefetch_related("programme__specialties")
        .filter(programme__in=access.programmes_visible_to(user))
        .annotate(
            lead_party_id=Subquery(leads.values("pk")[:1]),
            lead_institution_id=Subquery(leads.values("institution_id")[:1]),
            lead_name=Subquery(leads.values("institution__name")[:1]),
        )
        .exclude(pk=F("lead_party_id"))
    )


def _sessions(user: Any) -> QuerySet[ClinicSession]:
    return access.clinic_sessions_visible_to(user).select_related("department__specialty", "expert__specialty")


def _bookings(user: Any) -> QuerySet[Booking]:
    return access.bookings_visible_to(user).select_related(
        "session__expert__specialty", "session__host", "session__department__specialty"
    )


def _with_series(kind: str) -> Callable[[list[Any], mappers.Context], None]:
    """Weekly clinic plans give a role its availableTime: one query per page."""

    def prepare(rows: list[Any], ctx: mappers.Context) -> None:
        pks = [row.pk for row in rows]
        for series in SessionSeries.objects.filter(**{f"{kind}_id__in": pks}).order_by("weekday", "start_time"):
            ctx.series.setdefault((kind, getattr(series, f"{kind}_id")), []).append(series)

    return prepare


# --- search parameters shared by several sources ------------------------------------

NAME_SORT = {"name": "name", "_id": "pk"}


def _posting_active() -> Q:
    return Q(status=PostingStatus.ACTIVE)


def _engagement_active() -> Q:
    today = _today()
    return Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))


def _programme_active() -> Q:
    return Q(programme__status=ProgrammeStatus.ACTIVE)


def _slot_status(qs: QuerySet[Any], values: list[str]) -> QuerySet[Any]:
    """free / busy / busy-unavailable, as ``mappers.slot_status`` decides them."""
    cancelled = Q(status=SessionStatus.CANCELLED)
    busy = ~cancelled & (Q(status=SessionStatus.HELD) | Q(booked__gte=F("capacity")))
    by_code = {"busy-unavailable": cancelled, "busy": busy, "free": ~cancelled & ~busy}
    for value in values:
        match = Q(pk__in=[])
        for code in value.split(","):
            match |= by_code.get(code.strip(), Q(pk__in=[]))
        qs = qs.filter(match)
    return qs


def _always() -> Q:
    return Q()


# --- the resource types ----------------------------------------------------------------

ORGANIZATION = ResourceType(
    "Organization",
    (
        Source(
            "",
            access.institutions_visible_to,
            mappers.organization,
            {
                "name": search.text("name", "short_name"),
                "identifier": search.token("pk"),
                "partof": search.references("parent_id"),
                "type": search.token("category__code"),
                "active": search.boolean(_always),
            },
            NAME_SORT,
        ),
        Source(
            "dept-",
            lambda user: access.departments_visible_to(user).select_related("specialty"),
            mappers.department_organization,
            {
                "name": search.text("name"),
                "identifier": search.token("pk"),
                "partof": search.references("institution_id"),
                "type": search.token("specialty__code"),
                "active": search.boolean(_always),
            },
            NAME_SORT,
        ),
        Source(
            "programme-",
            access.programmes_visible_to,
            mappers.programme_organization,
            {
                "name": search.text("name"),
                "identifier": search.token("pk"),
                "partof": search.references("parent_id", "programme-"),
                "type": search.token("kind"),
                "active": search.boolean(lambda: Q(status=ProgrammeStatus.ACTIVE)),
            },
            NAME_SORT,
        ),
    ),
    {"name": "string", "identifier": "token", "partof": "reference", "type": "token", "active": "token"},
)

PRACTITIONER = ResourceType(
    "Practitioner",
    (
        Source(
            "",
            access.professionals_visible_to,
            mappers.practitioner,
            {
                "name": search.text("name"),
                "identifier": search.token("license_no"),
                "active": search.boolean(_always),
            },
            NAME_SORT,
        ),
    ),
    {"name": "string", "identifier": "token", "active": "token"},
)

PRACTITIONER_ROLE = ResourceType(
    "PractitionerRole",
    (
        Source(
            "posting-",
            lambda user: access.postings_visible_to(user).select_related(
                "professional__specialty", "host_department__specialty"
            ),
            mappers.posting_role,
            {
                "organization": search.references("host_institution_id"),
                "practitioner": search.references("professional_id"),
                "specialty": search.token("host_department__specialty__code"),
                "date": search.period("planned_start", "planned_end"),
                "active": search.boolean(_posting_active),
                "role": search.token("kind"),
                "identifier": search.token("pk"),
                "name": search.text("professional__name"),
            },
            {"date": "planned_start", "_id": "pk", "name": "professional__name"},
            _with_series("posting"),
        ),
        Source(
            "engagement-",
            lambda user: access.engagements_visible_to(user).select_related("professional__specialty", "station__host"),
            mappers.engagement_role,
            {
                "organization": search.references("station__host_id"),
                "practitioner": search.references("professional_id"),
                "specialty": search.token("professional__specialty__code"),
                "date": search.period("start_date", "end_date"),
                "active": search.boolean(_engagement_active),
                "role": search.token("role"),
                "identifier": search.token("pk"),
                "name": search.text("professional__name"),
            },
            {"date": "start_date", "_id": "pk", "name": "professional__name"},
            _with_series("engagement"),
        ),
    ),
    {
        "organization": "reference",
        "practitioner": "reference",
        "specialty": "token",
        "date": "date",
        "active": "token",
        "role": "token",
        "identifier": "token",
        "name": "string",
    },
)

ORGANIZATION_AFFILIATION = ResourceType(
    "OrganizationAffiliation",
    (
        Source(
            "",
            _parties,
            mappers.affiliation,
            {
                "participating-organization": search.references("institution_id"),
                "primary-organization": search.references("lead_institution_id"),
                "organization": search.references("lead_institution_id"),
                "network": search.references("programme_id", "programme-"),
                "specialty": search.token("programme__specialties__code"),
                "role": search.token("role"),
                "date": search.period("programme__start_date", "programme__end_date"),
                "active": search.boolean(_programme_active),
                "identifier": search.token("pk"),
                "name": search.text("programme__name"),
            },
            {"date": "programme__start_date", "_id": "pk", "name": "programme__name"},
        ),
    ),
    {
        "participating-organization": "reference",
        "primary-organization": "reference",
        "organization": "reference",
        "network": "reference",
        "specialty": "token",
        "role": "token",
        "date": "date",
        "active": "token",
        "identifier": "token",
        "name": "string",
    },
)

_HOST_FILTERS: dict[str, search.Filter] = {
    "name": search.text("name"),
    "organization": search.references("pk"),
    "identifier": search.token("pk"),
    "active": search.boolean(_always),
}

LOCATION = ResourceType(
    "Location",
    (Source("", _clinic_hosts, mappers.location, _HOST_FILTERS, NAME_SORT),),
    {"name": "string", "organization": "reference", "identifier": "token", "active": "token"},
)

HEALTHCARE_SERVICE = ResourceType(
    "HealthcareService",
    (
        Source(
            "",
            _clinic_hosts,
            mappers.healthcare_service,
            _HOST_FILTERS | {"specialty": search.token("clinic_sessions__department__specialty__code")},
            NAME_SORT,
        ),
    ),
    {"name": "string", "organization": "reference", "specialty": "token", "identifier": "token", "active": "token"},
)

_SESSION_FILTERS: dict[str, search.Filter] = {
    "organization": search.references("host_id"),
    "actor": search.references("expert_id"),
    "specialty": search.token("department__specialty__code"),
    "date": search.point("date"),
    "service-type": search.token("kind"),
}
_SESSION_SORTS = {"date": "date", "_id": "pk"}

SCHEDULE = ResourceType(
    "Schedule",
    (
        Source(
            "",
            _sessions,
            mappers.schedule,
            _SESSION_FILTERS | {"active": search.boolean(lambda: ~Q(status=SessionStatus.CANCELLED))},
            _SESSION_SORTS,
        ),
    ),
    {"organization": "reference", "actor": "reference", "specialty": "token", "date": "date", "active": "token"},
)

SLOT = ResourceType(
    "Slot",
    (
        Source(
            "",
            _sessions,
            mappers.slot,
            _SESSION_FILTERS
            | {
                "schedule": search.references("pk"),
                "start": search.point("date"),
                "status": _slot_status,
            },
            _SESSION_SORTS | {"start": "date"},
        ),
    ),
    {
        "organization": "reference",
        "schedule": "reference",
        "specialty": "token",
        "date": "date",
        "start": "date",
        "status": "token",
    },
)

APPOINTMENT = ResourceType(
    "Appointment",
    (
        Source(
            "",
            _bookings,
            mappers.appointment,
            {
                "organization": search.references("session__host_id"),
                "practitioner": search.references("session__expert_id"),
                "slot": search.references("session_id"),
                "date": search.point("session__date"),
                "specialty": search.token("session__department__specialty__code"),
            },
            {"date": "session__date", "_id": "pk"},
        ),
    ),
    {
        "organization": "reference",
        "practitioner": "reference",
        "slot": "reference",
        "date": "date",
        "specialty": "token",
    },
)

SERVICE_REQUEST = ResourceType(
    "ServiceRequest",
    (
        Source(
            "",
            access.referrals_visible_to,
            mappers.service_request,
            {
                "requester": search.references("from_institution_id"),
                "performer": search.references("to_institution_id"),
                "organization": search.references("to_institution_id"),
                "authored": search.point("requested_at__date"),
                "date": search.point("requested_at__date"),
                "identifier": search.token("pk"),
                "specialty": search.token("to_department__specialty__code"),
            },
            {"date": "requested_at", "authored": "requested_at", "_id": "pk"},
        ),
    ),
    {
        "requester": "reference",
        "performer": "reference",
        "organization": "reference",
        "authored": "date",
        "date": "date",
        "identifier": "token",
        "specialty": "token",
    },
)

RESOURCE_TYPES: dict[str, ResourceType] = {
    rt.name: rt
    for rt in (
        ORGANIZATION,
        PRACTITIONER,
        PRACTITIONER_ROLE,
        ORGANIZATION_AFFILIATION,
        LOCATION,
        HEALTHCARE_SERVICE,
        SCHEDULE,
        SLOT,
        APPOINTMENT,
        SERVICE_REQUEST,
    )
}


def context_for(user: Any) -> mappers.Context:
    return mappers.Context(
        sees_referral_patient=access.patient_checker(user),
        # Appointments reach only the staff who run the host's desk (bookings_visible_to).
        sees_booking_patient=lambda booking: True,
    )
