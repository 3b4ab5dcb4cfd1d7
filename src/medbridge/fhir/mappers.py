"""One function per FHIR resource type: a model row in, a plain R4 dict out.

Mappers never query scope: they receive rows the access module already let
through, and a ``Context`` that says which personal fields this client may see.
Phones and ID numbers are never emitted; patients appear only as a name or
initials, and only where ``accounts.access`` allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from medbridge.clinics.models import Booking, ClinicSession, SessionSeries, SessionStatus
from medbridge.directory.models import Department, Institution, Professional, Specialty
from medbridge.fhir.codesystems import coding, identifier_system
from medbridge.postings.models import Posting, PostingStatus
from medbridge.programmes.models import Engagement, Party, Programme, ProgrammeStatus
from medbridge.referrals.models import Referral, ReferralStatus, Urgency

Resource = dict[str, Any]

HL7_ORG_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class Context:
    """What the client may see beyond scope: patients of referrals and bookings."""

    sees_referral_patient: Callable[[Any], bool] = lambda record: False
    sees_booking_patient: Callable[[Booking], bool] = lambda booking: False
    series: dict[tuple[str, int], list[SessionSeries]] = field(default_factory=dict)


# --- small pieces ------------------------------------------------------------------


def ref(kind: str, pk: Any, label: str = "") -> dict[str, str]:
    out = {"reference": f"{kind}/{pk}"}
    if label:
        out["display"] = label
    return out


def period(start: date | None, end: date | None) -> dict[str, str]:
    out = {}
    if start:
        out["start"] = start.isoformat()
    if end:
        out["end"] = end.isoformat()
    return out


def instant(day: date, clock: time) -> str:
    return timezone.make_aware(datetime.combine(day, clock)).isoformat()


def specialty_concept(specialty: Specialty | None) -> list[dict[str, Any]]:
    if specialty is None:
        return []
    return [{"coding": [coding("specialty", specialty.code, specialty.name)], "text": specialty.name}]


def masked() -> dict[str, Any]:
    return {"extension": [{"url": DATA_ABSENT, "valueCode": "masked"}]}


def _drop_empty(resource: Resource) -> Resource:
    # FHIR forbids empty strings, lists and objects: leave such elements out.
    return {key: value for key, value in resource.items() if value not in (None, "", [], {})}


# --- Organization: institutions, departments and programmes (the networks) ---------


def organization(inst: Institution, ctx: Context) -> Resource:
    types = [
        {
            "coding": [
                {"system": HL7_ORG_TYPE, "code": "prov", "display": "Healthcare Provider"},
                coding("institution-category", inst.category.code, inst.category.name),
            ],
            "text": inst.category.name,
        }
    ]
    if inst.grade:
        types.append({"coding": [coding("hospital-grade", inst.grade.code, inst.grade.name)], "text": inst.grade.name})
    address = _drop_empty(
        {
            "text": f"{inst.region.name}{inst.address}" if inst.address else inst.region.name,
            "district": inst.region.code,
        }
    )
    return _drop_empty(
        {
            "resourceType": "Organization",
            "id": str(inst.pk),
            "identifier": [{"system": identifier_system("institution"), "value": str(inst.pk)}],
            "active": True,
            "type": types,
            "name": inst.name,
            "alias": [inst.short_name] if inst.short_name else [],
            "address": [address],
            "partOf": ref("Organization", inst.parent_id, inst.parent.name) if inst.parent else None,
        }
    )


def department_organization(dept: Department, ctx: Context) -> Resource:
    types = [{"coding": [{"system": HL7_ORG_TYPE, "code": "dept", "display": "Hospital Department"}]}]
    types += specialty_concept(dept.specialty)
    return {
        "resourceType": "Organization",
        "id": f"dept-{dept.pk}",
        "identifier": [{"system": identifier_system("department"), "value": str(dept.pk)}],
        "active": True,
        "type": types,
        "name": dept.name,
        "partOf": ref("Organization", dept.institution_id, dept.institution.name),
    }


def programme_organization(programme: Programme, ctx: Context) -> Resource:
    kind = coding("programme-kind", programme.kind, programme.get_kind_display())
    return _drop_empty(
        {
            "resourceType": "Organization",
            "id": f"programme-{programme.pk}",
            "identifier": [{"system": identifier_system("programme"), "value": str(programme.pk)}],
            "active": programme.status == ProgrammeStatus.ACTIVE,
            "type": [{"coding": [kind], "text": kind["display"]}],
            "name": programme.name,
            "partOf": ref("Organization", f"programme-{programme.parent_id}") if programme.parent_id else None,
        }
    )


# --- Practitioner and PractitionerRole ---------------------------------------------

GENDER = {"1": "male", "2": "female", "0": "unknown", "9": "unknown"}


def practitioner(person: Professional, ctx: Context) -> Resource:
    qualification = (
        [{"code": {"coding": [coding("professional-title", person.title.code, person.title.name)]}}]
        if person.title
        else []
    )
    identifiers = [{"system": identifier_system("professional"), "value": str(person.pk)}]
    if person.license_no:
        identifiers.append({"system": identifier_system("practising-licence"), "value": person.license_no})
    return _drop_empty(
        {
            "resourceType": "Practitioner",
            "id": str(person.pk),
            "identifier": identifiers,
            "active": True,
            "name": [{"text": person.name}],
            "gender": GENDER.get(person.sex, "unknown"),
            "qualification": qualification,
        }
    )


def available_time(series: list[SessionSeries]) -> list[dict[str, Any]]:
    return [
        {
            "daysOfWeek": [WEEKDAYS[s.weekday]],
            "availableStartTime": s.start_time.isoformat(),
            "availableEndTime": s.end_time.isoformat(),
        }
        for s in series
    ]


def posting_role(posting: Posting, ctx: Context) -> Resource:
    person = posting.professional
    specialty = posting.host_department.specialty if posting.host_department else None
    return _drop_empty(
        {
            "resourceType": "PractitionerRole",
            "id": f"posting-{posting.pk}",
            "identifier": [{"system": identifier_system("posting"), "value": str(posting.pk)}],
            "active": posting.status == PostingStatus.ACTIVE,
            "period": period(posting.actual_start or posting.planned_start, posting.actual_end or posting.planned_end),
            "practitioner": ref("Practitioner", person.pk, person.name),
            "organization": ref("Organization", posting.host_institution_id, posting.host_institution.name),
            "code": [{"coding": [coding("posting-kind", posting.kind, posting.get_kind_display())]}],
            "specialty": specialty_concept(specialty or person.specialty),
            "availableTime": available_time(ctx.series.get(("posting", posting.pk), [])),
        }
    )


def engagement_role(engagement: Engagement, ctx: Context) -> Resource:
    person = engagement.professional
    station = engagement.station
    today = timezone.localdate()
    return _drop_empty(
        {
            "resourceType": "PractitionerRole",
            "id": f"engagement-{engagement.pk}",
            "identifier": [{"system": identifier_system("engagement"), "value": str(engagement.pk)}],
            "active": engagement.start_date <= today and (engagement.end_date is None or engagement.end_date >= today),
            "period": period(engagement.start_date, engagement.end_date),
            "practitioner": ref("Practitioner", person.pk, person.name),
            "organization": ref("Organization", station.host_id, station.host.name) if station else None,
            "code": [{"coding": [coding("engagement-role", engagement.role, engagement.get_role_display())]}],
            "specialty": specialty_concept(person.specialty),
            "availableTime": available_time(ctx.series.get(("engagement", engagement.pk), [])),
        }
    )


# --- OrganizationAffiliation: programme parties --------------------------------------


def affiliation(party: Party, ctx: Context) -> Resource:
    programme = party.programme
    lead_id = getattr(party, "lead_institution_id", None)
    return _drop_empty(
        {
            "resourceType": "OrganizationAffiliation",
            "id": str(party.pk),
            "identifier": [{"system": identifier_system("party"), "value": str(party.pk)}],
            "active": programme.status == ProgrammeStatus.ACTIVE,
            "period": period(party.joined_on or programme.start_date, programme.end_date),
            "organization": ref("Organization", lead_id, getattr(party, "lead_name", "")) if lead_id else None,
            "participatingOrganization": ref("Organization", party.institution_id, party.institution.name),
            "network": [ref("Organization", f"programme-{programme.pk}", programme.name)],
            "code": [{"coding": [coding("party-role", party.role, party.get_role_display())]}],
            "specialty": [c for s in programme.specialties.all() for c in specialty_concept(s)],
        }
    )


# --- Clinics: HealthcareService, Location, Schedule, Slot, Appointment ------------------


def location(inst: Institution, ctx: Context) -> Resource:
    position = (
        {"longitude": inst.longitude, "latitude": inst.latitude}
        if inst.longitude is not None and inst.latitude is not None
        else None
    )
    return _drop_empty(
        {
            "resourceType": "Location",
            "id": str(inst.pk),
            "status": "active",
            "mode": "instance",
            "name": inst.name,
            "address": {"text": f"{inst.region.name}{inst.address}", "district": inst.region.code},
            "position": position,
            "managingOrganization": ref("Organization", inst.pk, inst.name),
        }
    )


def healthcare_service(inst: Institution, ctx: Context) -> Resource:
    specialties = Specialty.objects.filter(department__clinic_sessions__host=inst).distinct().order_by("code")
    return _drop_empty(
        {
            "resourceType": "HealthcareService",
            "id": str(inst.pk),
            "active": True,
            "providedBy": ref("Organization", inst.pk, inst.name),
            "location": [ref("Location", inst.pk, inst.name)],
            "name": f"{inst.name} 专家坐诊",
            "type": [{"coding": [coding("clinic-kind", "clinic", "门诊")]}],
            "specialty": [c for s in specialties for c in specialty_concept(s)],
        }
    )


def _session_specialty(session: ClinicSession) -> list[dict[str, Any]]:
    dept = session.department
    return specialty_concept(dept.specialty if dept else session.expert.specialty)


def schedule(session: ClinicSession, ctx: Context) -> Resource:
    return _drop_empty(
        {
            "resourceType": "Schedule",
            "id": str(session.pk),
            "active": session.status != SessionStatus.CANCELLED,
            "serviceType": [{"coding": [coding("clinic-kind", session.kind, session.get_kind_display())]}],
            "specialty": _session_specialty(session),
            "actor": [
                ref("Practitioner", session.expert_id, session.expert.name),
                ref("Location", session.host_id, session.host.name),
            ],
            "planningHorizon": {
                "start": instant(session.date, session.start_time),
                "end": instant(session.date, session.end_time),
            },
        }
    )


def slot_status(session: ClinicSession) -> str:
    if session.status == SessionStatus.CANCELLED:
        return "busy-unavailable"
    if session.status == SessionStatus.HELD or session.booked >= session.capacity:
        return "busy"
    return "free"


def slot(session: ClinicSession, ctx: Context) -> Resource:
    return _drop_empty(
        {
            "resourceType": "Slot",
            "id": str(session.pk),
            "serviceType": [{"coding": [coding("clinic-kind", session.kind, session.get_kind_display())]}],
            "specialty": _session_specialty(session),
            "schedule": ref("Schedule", session.pk),
            "status": slot_status(session),
            "start": instant(session.date, session.start_time),
            "end": instant(session.date, session.end_time),
            "comment": f"{session.booked}/{session.capacity}",
        }
    )


APPOINTMENT_STATUS = {
    "confirmed": "booked",
    "waitlisted": "waitlist",
    "cancelled": "cancelled",
    "checked_in": "fulfilled",
    "no_show": "noshow",
}


def appointment(booking: Booking, ctx: Context) -> Resource:
    session = booking.session
    participants: list[dict[str, Any]] = [
        {"actor": ref("Practitioner", session.expert_id, session.expert.name), "status": "accepted"},
        {"actor": ref("Location", session.host_id, session.host.name), "status": "accepted"},
    ]
    if booking.patient_name and ctx.sees_booking_patient(booking):
        participants.append({"actor": {"display": booking.patient_name}, "status": "accepted"})
    return _drop_empty(
        {
            "resourceType": "Appointment",
            "id": str(booking.pk),
            "status": APPOINTMENT_STATUS.get(booking.status, "booked"),
            "serviceType": [{"coding": [coding("clinic-kind", session.kind, session.get_kind_display())]}],
            "specialty": _session_specialty(session),
            "start": instant(session.date, session.start_time),
            "end": instant(session.date, session.end_time),
            "slot": [ref("Slot", session.pk)],
            "created": booking.created_at.isoformat(),
            "participant": participants,
        }
    )


# --- ServiceRequest: referrals -----------------------------------------------------------

REQUEST_STATUS = {
    ReferralStatus.REQUESTED: "active",
    ReferralStatus.ACCEPTED: "active",
    ReferralStatus.ARRIVED: "active",
    ReferralStatus.DECLINED: "revoked",
    ReferralStatus.CANCELLED: "revoked",
    ReferralStatus.COMPLETED: "completed",
    ReferralStatus.RETURNED: "completed",
}
PRIORITY = {Urgency.ROUTINE: "routine", Urgency.URGENT: "urgent", Urgency.CRITICAL: "stat"}


def service_request(referral: Referral, ctx: Context) -> Resource:
    sees_patient = ctx.sees_referral_patient(referral)
    reason = (
        [{"coding": [{"system": ICD10, "code": referral.diagnosis_code}]}]
        if sees_patient and referral.diagnosis_code
        else []
    )
    return _drop_empty(
        {
            "resourceType": "ServiceRequest",
            "id": str(referral.pk),
            "identifier": [{"system": identifier_system("referral"), "value": str(referral.pk)}],
            "status": REQUEST_STATUS.get(ReferralStatus(referral.status), "unknown"),
            "intent": "order",
            "priority": PRIORITY.get(Urgency(referral.urgency), "routine"),
            "category": [
                {"coding": [coding("referral-direction", referral.direction, referral.get_direction_display())]}
            ],
            "code": {"coding": [{"system": SNOMED, "code": "3457005", "display": "Patient referral"}]},
            "subject": {"display": referral.patient_initials} if sees_patient else masked(),
            "authoredOn": referral.requested_at.isoformat(),
            "requester": ref("Organization", referral.from_institution_id, referral.from_institution.name),
            "performer": [ref("Organization", referral.to_institution_id, referral.to_institution.name)],
            "reasonCode": reason,
            "note": [{"text": referral.reason}] if sees_patient else [],
        }
    )
