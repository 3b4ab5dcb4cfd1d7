"""Every resource we emit parses as FHIR (R4B models from fhir.resources) and
carries codes from our published code sets; search, paging, errors and scope
behave as a FHIR client expects."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from medbridge.accounts.models import User
from medbridge.accounts.services import api_token_create
from medbridge.directory.models import Institution
from medbridge.fhir.codesystems import CANONICAL, CODE_SETS
from tests.fhir.conftest import World, bearer, fhir_get

RESOURCE_TYPES = [
    "Organization",
    "Practitioner",
    "PractitionerRole",
    "OrganizationAffiliation",
    "Location",
    "HealthcareService",
    "Schedule",
    "Slot",
    "Appointment",
    "ServiceRequest",
]


def parse(resource: dict[str, Any]) -> Any:
    return get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def codings(node: Any) -> list[dict[str, Any]]:
    """Every Coding anywhere inside a resource."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if "system" in node and "code" in node and "value" not in node:
            found.append(node)
        for value in node.values():
            found += codings(value)
    elif isinstance(node, list):
        for item in node:
            found += codings(item)
    return found


def check_codes(resource: dict[str, Any]) -> None:
    """Our codes must exist in the CodeSystem we publish, with its display."""
    for item in codings(resource):
        if not item["system"].startswith(CANONICAL):
            continue
        code_set = CODE_SETS[item["system"].rsplit("/", 1)[-1]]
        concepts = dict(code_set.concepts())
        assert item["code"] in concepts, item
        assert item["display"] == concepts[item["code"]], item


def search(client: Any, query: str, **extra: Any) -> dict[str, Any]:
    response = fhir_get(client, query, **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    body: dict[str, Any] = response.json()
    return body


def ids(bundle: dict[str, Any]) -> list[str]:
    return [entry["resource"]["id"] for entry in bundle["entry"]]


def test_metadata_is_an_r4_capability_statement(client: Any, db: None) -> None:
    body = search(client, "metadata")
    statement = parse(body)
    assert statement.fhirVersion == "4.0.1"
    assert {r["type"] for r in body["rest"][0]["resource"]} >= {*RESOURCE_TYPES, "CodeSystem"}


def test_every_resource_parses_and_uses_published_codes(world: World, sysadmin: User, login: Any) -> None:
    client = login(sysadmin)
    for resource_type in RESOURCE_TYPES:
        bundle = search(client, f"{resource_type}?_count=200")
        parse(bundle)
        assert bundle["total"] == len(bundle["entry"]) > 0, resource_type
        for entry in bundle["entry"]:
            parse(entry["resource"])
            check_codes(entry["resource"])
            assert entry["fullUrl"] == f"http://testserver/fhir/R4/{resource_type}/{entry['resource']['id']}"
            # A read gives the same resource as the search entry.
            assert search(client, f"{resource_type}/{entry['resource']['id']}") == entry["resource"]


def test_code_systems_are_published_and_complete(client: Any, db: None) -> None:
    bundle = search(client, "CodeSystem")
    assert {entry["resource"]["id"] for entry in bundle["entry"]} == set(CODE_SETS)
    grades = search(client, "CodeSystem/hospital-grade")
    parse(grades)
    assert grades["url"] == f"{CANONICAL}/CodeSystem/hospital-grade"
    assert "三级甲等" in {c["display"] for c in grades["concept"]}
    roles = search(client, f"CodeSystem?url={CANONICAL}/CodeSystem/party-role")["entry"][0]["resource"]
    assert {c["code"] for c in roles["concept"]} >= {"lead", "recipient", "supporting"}


def test_visiting_experts_of_a_hospital(
    world: World, sysadmin: User, login: Any, gangcha_hospital: Institution
) -> None:
    bundle = search(login(sysadmin), f"PractitionerRole?organization=Organization/{gangcha_hospital.pk}")
    names = sorted(e["resource"]["practitioner"]["display"] for e in bundle["entry"])
    # Three postings and the engagement at the Gangcha workstation.
    assert names == ["周明", "周明", "孙立", "陈静"]
    visiting = search(login(sysadmin), f"PractitionerRole?organization={gangcha_hospital.pk}&role=visiting")
    assert sorted(e["resource"]["practitioner"]["display"] for e in visiting["entry"]) == ["周明", "陈静"]


def test_a_hospitals_programmes_and_their_lead(
    world: World, sysadmin: User, login: Any, gangcha_hospital: Institution, weihai_hospital: Institution
) -> None:
    bundle = search(login(sysadmin), f"OrganizationAffiliation?participating-organization={gangcha_hospital.pk}")
    (entry,) = bundle["entry"]
    resource = entry["resource"]
    assert resource["organization"]["reference"] == f"Organization/{weihai_hospital.pk}"
    assert resource["network"][0]["display"] == "威海—刚察对口帮扶"
    assert resource["code"][0]["coding"][0]["code"] == "recipient"
    network = search(login(sysadmin), resource["network"][0]["reference"])
    assert network["name"] == "威海—刚察对口帮扶"
    # The lead is the primary organisation, never an affiliation of its own.
    assert (
        search(login(sysadmin), f"OrganizationAffiliation?participating-organization={weihai_hospital.pk}")["total"]
        == 0
    )


def test_paging_walks_every_result_once(world: World, sysadmin: User, login: Any) -> None:
    client = login(sysadmin)
    bundle = search(client, "Organization?_count=2&_sort=name")
    total, seen = bundle["total"], ids(bundle)
    while next_link := [link["url"] for link in bundle["link"] if link["relation"] == "next"]:
        assert next_link[0].startswith("http://testserver/fhir/R4/Organization?")
        bundle = search(client, next_link[0].removeprefix("http://testserver/fhir/R4/"))
        seen += ids(bundle)
    assert len(seen) == len(set(seen)) == total
    # Institutions, departments and programmes all appear.
    assert any(i.startswith("dept-") for i in seen) and any(i.startswith("programme-") for i in seen)


def test_search_parameters(world: World, sysadmin: User, login: Any, gangcha_hospital: Institution) -> None:
    client = login(sysadmin)
    assert ids(search(client, "Practitioner?name=孙")) == [str(world.surgeon.pk)]
    assert ids(search(client, f"PractitionerRole?_id=posting-{world.postings[0].pk}")) == [
        f"posting-{world.postings[0].pk}"
    ]
    assert (
        search(client, "PractitionerRole?date=ge2025-01-01&_totalMethod=accurate")["total"] == 1
    )  # the open engagement
    assert search(client, "PractitionerRole?date=2024-05")["total"] == 4
    assert search(client, "PractitionerRole?specialty=04.01&organization=" + str(gangcha_hospital.pk))["total"] == 0
    assert search(client, "OrganizationAffiliation?active=true")["total"] == 2
    assert search(client, "Slot?status=busy")["total"] == 1  # two of two places booked
    assert search(client, f"Organization?identifier={gangcha_hospital.pk}")["entry"][0]["resource"]["name"] == (
        "刚察县人民医院"
    )
    dates = [e["resource"]["period"]["start"] for e in search(client, "PractitionerRole?_sort=-date")["entry"]]
    assert dates == sorted(dates, reverse=True)


def test_errors_are_operation_outcomes(world: World, sysadmin: User, login: Any) -> None:
    client = login(sysadmin)
    for path, status in [
        ("Organization/999999", 404),
        ("Organization/dept-abc", 404),
        ("Basic", 404),
        ("PractitionerRole?date=yesterday", 400),
        ("Organization?_count=many", 400),
        ("Organization?_sort=colour", 400),
        ("OrganizationAffiliation?active=maybe", 400),
    ]:
        response = fhir_get(client, path)
        assert response.status_code == status, path
        assert response.json()["resourceType"] == "OperationOutcome"
        parse(response.json())


def test_anonymous_clients_get_nothing_but_metadata(world: World, client: Any) -> None:
    for resource_type in RESOURCE_TYPES:
        response = fhir_get(client, resource_type)
        assert response.status_code == 401
        assert response.json()["resourceType"] == "OperationOutcome"


def test_scope_follows_the_access_module(
    world: World, fuqing_admin: User, outsider: User, gangcha_admin: User, login: Any
) -> None:
    # 福清 supports the programme: it sees the programme's postings but not Gangcha's desk.
    fuqing = login(fuqing_admin)
    assert search(fuqing, "PractitionerRole")["total"] == 4
    assert search(fuqing, "Appointment")["total"] == 0
    assert search(fuqing, "ServiceRequest")["total"] == 0
    assert fhir_get(fuqing, f"ServiceRequest/{world.referral.pk}").status_code == 404
    # Hospital B's administrator takes part in nothing here.
    stranger = login(outsider)
    assert search(stranger, "OrganizationAffiliation")["total"] == 0
    assert search(stranger, "Practitioner")["total"] == 0
    # Gangcha runs the desk and sent the referral.
    gangcha = login(gangcha_admin)
    assert search(gangcha, "Appointment")["total"] == 2


def test_personal_data_is_never_emitted(world: World, gangcha_admin: User, weihai_officer: User, login: Any) -> None:
    desk = login(gangcha_admin)
    for resource_type in ("Appointment", "ServiceRequest", "Practitioner"):
        text = fhir_get(desk, resource_type).content.decode()
        assert "1390000" not in text and "123X" not in text and "MZ2024001" not in text
    appointment = search(desk, "Appointment")["entry"][0]["resource"]
    assert {"display": "患者1"} in [p["actor"] for p in appointment["participant"]]
    request = search(desk, f"ServiceRequest/{world.referral.pk}")
    assert request["subject"] == {"display": "ZS"}
    # A commission officer sees the referral but not the patient.
    officer = search(login(weihai_officer), f"ServiceRequest/{world.referral.pk}")
    assert "display" not in officer["subject"]
    assert "reasonCode" not in officer and "note" not in officer


def test_bearer_tokens_authenticate(world: World, sysadmin: User, client: Any) -> None:
    _token, secret = api_token_create(actor=sysadmin, user=sysadmin, name="fhir")
    assert search(client, "Organization", **bearer(secret))["total"] > 0
    assert fhir_get(client, "Organization", **bearer("mb_wrong")).status_code == 401
