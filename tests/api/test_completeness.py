"""Every record MedBridge keeps is reachable through /api/v1/, and the OpenAPI
document says how each operation can fail.

The models come from the app registry, so a model added without an API — or
without a line here saying why it has none — fails the first test. Each model is
one of three kinds:

- EXPOSED: a paginated list (``{"items", "count"}``) and a detail path;
- EMBEDDED: a part of another record with no identity of its own for a client,
  read inside its owner's detail (the owner's detail schema must carry it);
- INTERNAL: machinery, credentials or messages, never served by the API.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from ninja.responses import NinjaJSONEncoder

from medbridge.api import api

EXPOSED: dict[str, tuple[str, str]] = {
    # Directory and reference data
    "directory.Region": ("/api/v1/reference/regions", "/api/v1/reference/regions/{code}"),
    "directory.Specialty": ("/api/v1/reference/specialties", "/api/v1/reference/specialties/{code}"),
    "directory.InstitutionCategory": (
        "/api/v1/reference/institution-categories",
        "/api/v1/reference/institution-categories/{code}",
    ),
    "directory.HospitalGrade": ("/api/v1/reference/hospital-grades", "/api/v1/reference/hospital-grades/{code}"),
    "directory.ProfessionalTitle": ("/api/v1/reference/titles", "/api/v1/reference/titles/{code}"),
    "directory.Institution": ("/api/v1/institutions", "/api/v1/institutions/{pk}"),
    "directory.Department": ("/api/v1/departments", "/api/v1/departments/{pk}"),
    "directory.Professional": ("/api/v1/professionals", "/api/v1/professionals/{pk}"),
    # Programmes
    "programmes.Programme": ("/api/v1/programmes", "/api/v1/programmes/{pk}"),
    "programmes.Party": ("/api/v1/parties", "/api/v1/parties/{pk}"),
    "programmes.Agreement": ("/api/v1/agreements", "/api/v1/agreements/{pk}"),
    "programmes.Target": ("/api/v1/targets", "/api/v1/targets/{pk}"),
    "programmes.Station": ("/api/v1/stations", "/api/v1/stations/{pk}"),
    "programmes.Engagement": ("/api/v1/engagements", "/api/v1/engagements/{pk}"),
    # Postings
    "postings.PostingBatch": ("/api/v1/posting-batches", "/api/v1/posting-batches/{pk}"),
    "postings.Posting": ("/api/v1/postings", "/api/v1/postings/{pk}"),
    "postings.Technique": ("/api/v1/techniques", "/api/v1/techniques/{pk}"),
    "postings.WorkLog": ("/api/v1/work-logs", "/api/v1/work-logs/{pk}"),
    "postings.EvaluationCriterion": ("/api/v1/evaluation-criteria", "/api/v1/evaluation-criteria/{pk}"),
    "postings.Evaluation": ("/api/v1/evaluations", "/api/v1/evaluations/{pk}"),
    "postings.CareerGoal": ("/api/v1/career-goals", "/api/v1/career-goals/{pk}"),
    # Clinics
    "clinics.SessionSeries": ("/api/v1/clinics/series", "/api/v1/clinics/series/{pk}"),
    "clinics.ClinicSession": ("/api/v1/clinics/sessions", "/api/v1/clinics/sessions/{pk}"),
    "clinics.Booking": ("/api/v1/clinics/bookings", "/api/v1/clinics/bookings/{pk}"),
    # Activities and the hometown-talent network
    "activities.Activity": ("/api/v1/activities", "/api/v1/activities/{pk}"),
    "activities.Participant": ("/api/v1/participants", "/api/v1/participants/{pk}"),
    "activities.Attachment": ("/api/v1/activity-attachments", "/api/v1/activity-attachments/{pk}"),
    "activities.ItineraryDay": ("/api/v1/itinerary-days", "/api/v1/itinerary-days/{pk}"),
    "activities.CourseSession": ("/api/v1/course-sessions", "/api/v1/course-sessions/{pk}"),
    "activities.Enrolment": ("/api/v1/enrolments", "/api/v1/enrolments/{pk}"),
    "activities.Willingness": ("/api/v1/hometown/willingness", "/api/v1/hometown/willingness/{pk}"),
    "activities.ContactRecord": ("/api/v1/hometown/contacts", "/api/v1/hometown/contacts/{pk}"),
    "activities.Pledge": ("/api/v1/hometown/pledges", "/api/v1/hometown/pledges/{pk}"),
    "activities.FollowUp": ("/api/v1/follow-ups", "/api/v1/follow-ups/{pk}"),
    # Referrals and consultations
    "referrals.Referral": ("/api/v1/referrals", "/api/v1/referrals/{pk}"),
    "referrals.Consultation": ("/api/v1/consultations", "/api/v1/consultations/{pk}"),
    # Reports
    "reports.ReportJob": ("/api/v1/report-jobs", "/api/v1/report-jobs/{pk}"),
    # Planning
    "planning.MatchingRound": ("/api/v1/matching-rounds", "/api/v1/matching-rounds/{pk}"),
    "planning.RoundDepartment": ("/api/v1/round-departments", "/api/v1/round-departments/{pk}"),
    "planning.Application": ("/api/v1/applications", "/api/v1/applications/{pk}"),
    "planning.DepartmentRanking": ("/api/v1/department-rankings", "/api/v1/department-rankings/{pk}"),
    "planning.HostDemand": ("/api/v1/host-demands", "/api/v1/host-demands/{pk}"),
    "planning.SchedulePlan": ("/api/v1/schedule-plans", "/api/v1/schedule-plans/{pk}"),
    "planning.PlannedSession": ("/api/v1/planned-sessions", "/api/v1/planned-sessions/{pk}"),
}

# Part of another record: (the owner's detail path, the property that carries it).
EMBEDDED: dict[str, tuple[str, str]] = {
    "activities.ActivityHost": ("/api/v1/activities/{pk}", "hosts"),
    "activities.SessionAttendance": ("/api/v1/enrolments/{pk}", "attended_session_ids"),
    "postings.EvaluationScore": ("/api/v1/evaluations/{pk}", "scores"),
    "planning.ApplicationChoice": ("/api/v1/applications/{pk}", "choices"),
    "referrals.ReferralEvent": ("/api/v1/referrals/{pk}", "events"),
    "referrals.ConsultationEvent": ("/api/v1/consultations/{pk}", "events"),
    "referrals.ConsultationAttachment": ("/api/v1/consultations/{pk}", "attachments"),
}

INTERNAL: dict[str, str] = {
    "accounts.User": "sign-in accounts, kept in the admin; the people themselves are Professionals",
    "accounts.ApiToken": "credentials: a token is shown once, when it is made",
    "clinics.OutboxMessage": "the outbox of text messages to patients (phone numbers), drained by a command",
    "interop.ImportJob": "the progress of an Excel import, read by the import page that started it",
}

# The project's own models only (not Django's, auditlog's or axes').
OURS = sorted(
    model._meta.label
    for model in apps.get_models()
    if model.__module__.startswith("medbridge.") and not model._meta.proxy and model._meta.managed
)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    # What /api/v1/openapi.json serves (test_the_document_is_served checks that),
    # built once for the module; through JSON so that keys are strings as a client sees them.
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    return dict(json.loads(json.dumps(document, cls=NinjaJSONEncoder)))


def test_the_document_is_served_without_signing_in(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/parties" in response.json()["paths"]


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _ok_body(schema: dict[str, Any], path: str) -> dict[str, Any]:
    operation = schema["paths"][path]["get"]
    return _resolve(schema, operation["responses"]["200"]["content"]["application/json"]["schema"])


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]


def test_every_model_is_exposed_embedded_or_declared_internal() -> None:
    declared = EXPOSED.keys() | EMBEDDED.keys() | INTERNAL.keys()
    assert not set(OURS) - declared, "a model without an API: add endpoints, or say here why it has none"
    assert not declared - set(OURS), "a model listed here no longer exists"
    assert len(declared) == len(EXPOSED) + len(EMBEDDED) + len(INTERNAL), "a model is listed twice"


@pytest.mark.parametrize("label", sorted(EXPOSED))
def test_every_exposed_model_has_a_paginated_list_and_a_detail(schema: dict[str, Any], label: str) -> None:
    list_path, detail_path = EXPOSED[label]
    page = _ok_body(schema, list_path)
    assert {"items", "count"} <= set(page["properties"]), f"{list_path} is not paginated"
    item = _resolve(schema, page["properties"]["items"]["items"])
    detail = _ok_body(schema, detail_path)
    # The detail tells at least what the list tells about the record.
    assert set(item["properties"]) <= set(detail["properties"])


@pytest.mark.parametrize("label", sorted(EMBEDDED))
def test_every_embedded_model_is_carried_by_its_owners_detail(schema: dict[str, Any], label: str) -> None:
    owner, prop = EMBEDDED[label]
    assert prop in _ok_body(schema, owner)["properties"]


def test_every_operation_documents_its_errors_in_the_one_error_shape(schema: dict[str, Any]) -> None:
    error = _resolve(schema, {"$ref": "#/components/schemas/Error"})
    body = _resolve(schema, error["properties"]["error"])
    assert {"code", "message", "fields"} <= set(body["properties"])
    for path, method, operation in _operations(schema):
        expected = {"404", "422"} | ({"401", "403"} if operation.get("security") else set())
        responses = operation["responses"]
        assert expected <= set(responses), f"{method.upper()} {path} does not document {expected - set(responses)}"
        for status in expected:
            content = responses[status]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/Error"}, f"{method.upper()} {path} {status}"


def test_every_operation_has_a_summary_and_typed_ids(schema: dict[str, Any]) -> None:
    for path, method, operation in _operations(schema):
        assert operation.get("summary"), f"{method.upper()} {path} has no summary"
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"] != "code":
                assert parameter["schema"]["type"] == "integer", f"{path}: {parameter['name']}"


def test_no_two_schemas_share_a_name_so_the_document_describes_each_response() -> None:
    # The OpenAPI document keys schemas by class name: two classes with one name
    # make one of them describe the other's responses (activity figures did).
    import importlib
    import inspect

    from ninja import Schema

    seen: dict[str, str] = {}
    clashes = []
    for app in apps.get_app_configs():
        if not app.name.startswith("medbridge."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.api")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == module.__name__:
                if name in seen and seen[name] != module.__name__:
                    clashes.append(f"{name}: {seen[name]} and {module.__name__}")
                seen[name] = module.__name__
    assert not clashes
