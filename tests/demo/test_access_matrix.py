"""The access matrix: every URL of the site and every API operation, for every
role that has no business with the record in its path, refuses.

The URLs come from Django's resolver and the methods of the API from its OpenAPI
schema, so a new page or endpoint joins the matrix by itself. Path parameters are
filled with records of the demo world (the five programmes), which the roles
below are strangers to: they live in 三亚市, Hainan, where the demo has nothing.
A new kind of path parameter with no entry in FILLERS fails the test, and so does
a URL that anonymous visitors reach without an entry in PUBLIC.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from medbridge.accounts.models import Role, User
from medbridge.activities.models import (
    Activity,
    Attachment,
    CourseSession,
    Enrolment,
    FollowUp,
    ItineraryDay,
    Participant,
)
from medbridge.api import api
from medbridge.clinics.models import Booking, ClinicSession
from medbridge.directory.models import Department, Institution, Professional
from medbridge.interop.models import ImportJob
from medbridge.planning.models import (
    Application,
    DepartmentRanking,
    HostDemand,
    MatchingRound,
    PlannedSession,
    RoundDepartment,
    SchedulePlan,
)
from medbridge.postings.models import (
    CareerGoal,
    Evaluation,
    EvaluationCriterion,
    Posting,
    PostingBatch,
    Technique,
    WorkLog,
)
from medbridge.programmes.models import Agreement, Engagement, Party, Programme, Station, Target
from medbridge.referrals.models import Consultation, ConsultationAttachment, Referral
from medbridge.reports.models import ReportJob
from tests.factories import InstitutionFactory, ProfessionalFactory, UserFactory, region

STRANGERS_REGION = "460200"  # 三亚市: no demo record lives there

# URLs anonymous visitors may reach, by URL name, each with the reason it is public.
PUBLIC = {
    "web:home": "the landing page; signed-out visitors see only the sign-in prompt",
    "set_language": "switching the interface language",
    "accounts:login": "signing in",
    "accounts:logout": "signing out",
    "clinics:public_list": "the public calendar of visiting experts' clinics",
    "clinics:public_expert": "a visiting expert's public page, linked from the calendar",
    "clinics:public_book": "patients book a clinic without an account",
    "clinics:public_booked": "a patient's own booking, reached by its unguessable code",
    "clinics:public_cancel": "patients cancel with their booking code and phone number",
    "fhir:base": "the FHIR CapabilityStatement, public by the FHIR specification",
    "fhir:metadata": "the FHIR CapabilityStatement, public by the FHIR specification",
    "admin:login": "the admin site's sign-in form",
    "operations:health": "the load balancer's health check: says only ok or unavailable",
    "admin:logout": "signing out of the admin site; for a non-staff visitor it only redirects to the admin sign-in",
    "api:openapi-json": "the API's own schema",
    "api:openapi-view": "the API's documentation page",
}
# API operations anonymous callers may reach, by path, because the schema marks them unauthenticated.
# Records that belong to nobody: shared configuration every signed-in user reads.
# Strangers may read them; anonymous visitors are still refused.
SHARED_RECORDS = {
    "api:get_criterion": "the weighted evaluation criteria are one configuration for every programme",
}

PUBLIC_API_PREFIXES = {
    "/api/v1/clinics/public/": "the public calendar and booking, as JSON",
    "/api/v1/reference/": "national reference catalogues (regions, specialties, titles): public data",
}


def first(model: type[models.Model]) -> Callable[[], Any]:
    def pick() -> Any:
        record = model._default_manager.order_by("pk").first()
        assert record is not None, f"the demo has no {model.__name__}: seed one so its URLs can be checked"
        return record.pk

    pick.model = model  # type: ignore[attr-defined]
    return pick


def constant(value: Any) -> Callable[[], Any]:
    return lambda: value


def booking_code() -> Any:
    return Booking.objects.order_by("pk").values_list("code", flat=True).first()


# (namespace, first path segment, parameter) -> somebody else's record. Reviewed by hand:
# a URL with a parameter not listed here fails the matrix until it is added.
FILLERS: dict[tuple[str, str, str], Callable[[], Any]] = {
    ("activities", "<int:pk>", "pk"): first(Activity),
    ("activities", "<int:pk>", "participant_pk"): first(Participant),
    ("activities", "<int:pk>", "attachment_pk"): first(Attachment),
    ("activities", "<int:pk>", "session_pk"): first(CourseSession),
    ("activities", "<int:pk>", "enrolment_pk"): first(Enrolment),
    ("activities", "follow-ups", "pk"): first(FollowUp),
    ("activities", "hometown", "pk"): first(Professional),
    ("clinics", "experts", "pk"): first(Professional),
    ("clinics", "sessions", "pk"): first(ClinicSession),
    ("clinics", "booked", "code"): booking_code,
    ("clinics", "manage", "pk"): first(ClinicSession),
    ("clinics", "manage", "booking_pk"): first(Booking),
    ("clinics", "manage", "action"): constant("check-in"),
    ("directory", "institutions", "pk"): first(Institution),
    ("directory", "departments", "pk"): first(Department),
    ("directory", "professionals", "pk"): first(Professional),
    ("fhir", "R4", "resource_type"): constant("Practitioner"),
    ("fhir", "R4", "resource_id"): lambda: str(first(Professional)()),
    ("interop", "import", "pk"): first(ImportJob),
    ("planning", "rounds", "pk"): first(MatchingRound),
    ("planning", "rounds", "department_pk"): first(RoundDepartment),
    ("planning", "rounds", "application_pk"): first(Application),
    ("planning", "plans", "pk"): first(SchedulePlan),
    ("planning", "plans", "session_pk"): first(PlannedSession),
    ("planning", "demand", "programme_pk"): first(Programme),
    ("planning", "demand", "demand_pk"): first(HostDemand),
    ("postings", "<int:pk>", "pk"): first(Posting),
    ("postings", "batches", "pk"): first(PostingBatch),
    ("postings", "batches", "posting_pk"): first(Posting),
    ("postings", "people", "pk"): first(Professional),
    ("postings", "people", "goal_pk"): first(CareerGoal),
    ("programmes", "<int:pk>", "pk"): first(Programme),
    ("programmes", "<int:pk>", "party_pk"): first(Party),
    ("programmes", "<int:pk>", "agreement_pk"): first(Agreement),
    ("programmes", "<int:pk>", "target_pk"): first(Target),
    ("programmes", "<int:pk>", "engagement_pk"): first(Engagement),
    ("programmes", "stations", "pk"): first(Station),
    ("referrals", "<int:pk>", "pk"): first(Referral),
    ("referrals", "<int:pk>", "action"): constant("accept"),
    ("referrals", "consultations", "pk"): first(Consultation),
    ("referrals", "consultations", "attachment_pk"): first(ConsultationAttachment),
    ("reports", "programme", "pk"): first(Programme),
    ("reports", "jobs", "pk"): first(ReportJob),
    ("api", "institutions", "pk"): first(Institution),
    ("api", "departments", "pk"): first(Department),
    ("api", "professionals", "pk"): first(Professional),
    ("api", "programmes", "pk"): first(Programme),
    ("api", "programmes", "party_id"): first(Party),
    ("api", "programmes", "target_id"): first(Target),
    ("api", "programmes", "agreement_id"): first(Agreement),
    ("api", "stations", "pk"): first(Station),
    ("api", "engagements", "pk"): first(Engagement),
    ("api", "postings", "pk"): first(Posting),
    ("api", "posting-batches", "pk"): first(PostingBatch),
    ("api", "referrals", "pk"): first(Referral),
    ("api", "consultations", "pk"): first(Consultation),
    ("api", "consultations", "attachment_id"): first(ConsultationAttachment),
    ("api", "activities", "pk"): first(Activity),
    ("api", "activities", "participant_id"): first(Participant),
    ("api", "hometown", "pk"): first(Professional),
    ("api", "follow-ups", "pk"): first(FollowUp),
    ("api", "clinics", "pk"): first(ClinicSession),
    ("api", "clinics", "booking_pk"): first(Booking),
    ("api", "matching-rounds", "pk"): first(MatchingRound),
    ("api", "schedule-plans", "pk"): first(SchedulePlan),
    ("api", "parties", "pk"): first(Party),
    ("api", "targets", "pk"): first(Target),
    ("api", "agreements", "pk"): first(Agreement),
    ("api", "techniques", "pk"): first(Technique),
    ("api", "work-logs", "pk"): first(WorkLog),
    ("api", "evaluations", "pk"): first(Evaluation),
    ("api", "evaluation-criteria", "pk"): first(EvaluationCriterion),
    ("api", "career-goals", "pk"): first(CareerGoal),
    ("api", "participants", "pk"): first(Participant),
    ("api", "activity-attachments", "pk"): first(Attachment),
    ("api", "itinerary-days", "pk"): first(ItineraryDay),
    ("api", "course-sessions", "pk"): first(CourseSession),
    ("api", "enrolments", "pk"): first(Enrolment),
    ("api", "round-departments", "pk"): first(RoundDepartment),
    ("api", "applications", "pk"): first(Application),
    ("api", "department-rankings", "pk"): first(DepartmentRanking),
    ("api", "host-demands", "pk"): first(HostDemand),
    ("api", "planned-sessions", "pk"): first(PlannedSession),
    ("api", "report-jobs", "pk"): first(ReportJob),
    ("api", "reference", "code"): constant("140000"),
    # The admin site refuses everyone who is not staff before it looks at a parameter.
    ("admin", "*", "object_id"): constant("1"),
    ("admin", "*", "app_label"): constant("directory"),
    ("admin", "*", "content_type_id"): constant(1),
    ("admin", "*", "url"): constant("elsewhere/"),
    ("admin", "*", "id"): constant(1),
}

# Names of private records: none of them may appear on a page a stranger is shown.
MARKER_MODELS: list[tuple[type[models.Model], str]] = [
    (Programme, "name"),
    (Professional, "name"),
    (Activity, "title"),
    (MatchingRound, "title"),
    (Booking, "patient_name"),
]


@dataclass(frozen=True)
class Endpoint:
    name: str  # "namespace:url_name"
    url: str
    method: str
    public: bool
    has_record: bool  # a record of somebody else's is in the path

    def __str__(self) -> str:
        return f"{self.method} {self.url} ({self.name})"


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            yield namespace, prefix + str(pattern.pattern), pattern


def filler_key(namespace: str, route: str, param: str) -> tuple[str, str, str]:
    top = namespace.split(":")[0]
    if top == "admin":
        return ("admin", "*", param)
    segments = [s for s in route.split("/") if s]
    # The app's own part of the route: drop the include prefix ("activities/", "api/v1/").
    depth = 2 if top == "api" else 1
    if top == "fhir":
        depth = 1
    segment = segments[depth] if len(segments) > depth else ""
    return (top, segment, param)


def fill(namespace: str, route: str, pattern: URLPattern) -> dict[str, Any]:
    kwargs = {}
    for param in pattern.pattern.regex.groupindex:
        key = filler_key(namespace, route, param)
        assert key in FILLERS, f"{route}: no filler for {key}; add somebody else's record for it to FILLERS"
        kwargs[param] = FILLERS[key]()
    return kwargs


def build_url(route: str, kwargs: dict[str, Any]) -> str:
    """The URL of a route (path() or re_path() style, some unnamed) with its parameters filled."""
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), url)
    return "/" + url.replace("^", "").replace("$", "")


def api_methods() -> dict[str, list[str]]:
    paths = api.get_openapi_schema()["paths"]
    return {path: [m.upper() for m in item] for path, item in paths.items()}


def endpoints() -> list[Endpoint]:
    methods = api_methods()
    found: dict[str, Endpoint] = {}
    for namespace, route, pattern in walk(get_resolver().url_patterns):
        name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
        kwargs = fill(namespace, route, pattern)
        url = build_url(route, kwargs)
        if namespace == "api":
            template = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
            verbs = methods.get(template, ["GET"])
            public = template.startswith(tuple(PUBLIC_API_PREFIXES)) or name in PUBLIC
        elif namespace == "admin":
            verbs, public = ["GET"], name in PUBLIC  # the admin turns away non-staff before reading anything
        else:
            verbs, public = ["GET", "POST"], name in PUBLIC
        for verb in verbs:
            found[f"{verb} {url}"] = Endpoint(name, url, verb, public, bool(kwargs) and name not in SHARED_RECORDS)
    return list(found.values())


@pytest.fixture
def strangers(seeded: Any) -> dict[str, Client | None]:
    """Everyone who must be refused, signed in through the session as a browser would be."""
    assert not Institution.objects.filter(region__code__startswith=STRANGERS_REGION[:4]).exists()
    hospital = InstitutionFactory(name="三亚市人民医院", region=region(STRANGERS_REGION))
    trainee = ProfessionalFactory(name="陈进修", institution=hospital)
    owner = User.objects.get(username="czrmyy")
    # Records the demo does not make: files are named, never read, since every request is refused.
    ImportJob.objects.create(user=owner, file_name="名录.xlsx")
    Attachment.objects.create(activity=Activity.objects.order_by("pk").first(), title="签到表", file="activities/a.pdf")
    ConsultationAttachment.objects.create(
        consultation=Consultation.objects.order_by("pk").first(), title="影像", file="consultations/a.pdf"
    )
    demand = HostDemand.objects.select_related("programme", "department").order_by("pk").first()
    assert demand is not None
    plan = SchedulePlan.objects.create(
        programme=demand.programme, start_date=date(2025, 3, 3), weeks=4, created_by=owner
    )
    expert = Professional.objects.order_by("pk").first()
    PlannedSession.objects.create(
        plan=plan, expert=expert, department=demand.department, specialty=demand.specialty, day=date(2025, 3, 4)
    )
    ReportJob.objects.create(user=owner, programme=Programme.objects.order_by("pk").first(), year=2025, format="pdf")
    application = Application.objects.select_related("round").order_by("pk").first()
    assert application is not None
    DepartmentRanking.objects.create(
        department=application.round.departments.order_by("pk").first(), application=application, rank=1
    )
    missing = {
        key: f for key, f in FILLERS.items() if getattr(f, "model", None) and not f.model._default_manager.exists()
    }
    assert not missing, f"the demo has none of these; make one so their URLs can be checked: {missing}"
    users = {
        "outsider": UserFactory(username="stranger", role=Role.PROFESSIONAL),
        "officer of another city": UserFactory(
            username="sanya_officer", role=Role.COMMISSION_OFFICER, region=region(STRANGERS_REGION)
        ),
        "admin of another hospital": UserFactory(
            username="sanya_admin", role=Role.INSTITUTION_ADMIN, institution=hospital
        ),
        "trainee": UserFactory(username="sanya_trainee", role=Role.PROFESSIONAL, professional=trainee),
    }
    clients: dict[str, Client | None] = {"anonymous": None}
    for label, user in users.items():
        clients[label] = Client()
        clients[label].force_login(user)
    return clients


def markers() -> set[str]:
    found: set[str] = set()
    for model, field in MARKER_MODELS:
        found |= {str(v) for v in model._default_manager.values_list(field, flat=True) if v and len(str(v)) >= 2}
    return found


def send(client: Client, endpoint: Endpoint) -> Any:
    if endpoint.method == "GET":
        return client.get(endpoint.url)
    return client.generic(endpoint.method, endpoint.url, "{}", content_type="application/json")


REFUSED = {401, 403, 404, 405}


def verdict(response: Any, endpoint: Endpoint, anonymous: bool) -> str | None:
    """Why this answer lets a stranger in, or None when it refuses."""
    status = response.status_code
    if status in (301, 302):
        location = response.headers.get("Location", "")
        return None if "/login/" in location else f"redirected to {location}"
    if status in REFUSED:
        return None
    if endpoint.url.startswith("/api/") and endpoint.method != "GET" and status == 422:
        return None  # the body is refused before the record is looked at; no record is touched
    if anonymous:
        return f"answered {status} to an anonymous visitor"
    if not endpoint.has_record:
        return None  # a list or a form of one's own: the markers decide
    return f"answered {status} for somebody else's record"


def test_every_endpoint_refuses_every_stranger_and_never_shows_their_records(
    strangers: dict[str, Client | None],
) -> None:
    secrets = markers()
    assert len(secrets) > 100
    matrix = endpoints()
    problems: list[str] = []
    for label, client in strangers.items():
        for endpoint in matrix:
            if endpoint.public and client is None:
                continue
            response = send(client or Client(), endpoint)
            problem = None if endpoint.public else verdict(response, endpoint, client is None)
            body = response.content.decode("utf-8", "replace") if not endpoint.public else ""
            leaked = sorted(m for m in secrets if m in body)
            if leaked:
                problem = f"shows {leaked[:3]}"
            if problem:
                problems.append(f"{label}: {endpoint}: {problem}")
    print(f"\naccess matrix: {len(matrix)} endpoints x {len(strangers)} roles")
    assert not problems, "\n".join(problems)


def test_every_public_entry_names_a_url_that_exists() -> None:
    names = {f"{ns}:{p.name}" if ns else str(p.name) for ns, _, p in walk(get_resolver().url_patterns)}
    assert set(PUBLIC) - names == set()
    assert set(SHARED_RECORDS) - names == set()
