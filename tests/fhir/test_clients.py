"""Real FHIR clients against a live server: fhirpy (sync) and the SMART
fhirclient read, search and page through the facade with a bearer API token."""

from __future__ import annotations

from typing import Any

import pytest
from fhirclient import client as smart_client
from fhirclient.models.bundle import Bundle
from fhirclient.models.organizationaffiliation import OrganizationAffiliation
from fhirclient.models.practitionerrole import PractitionerRole
from fhirpy import SyncFHIRClient

from medbridge.accounts.models import User
from medbridge.accounts.services import api_token_create
from medbridge.directory.models import Institution
from tests.fhir.conftest import World

# Transactional (the live server reads committed rows), so pytest-django runs these after the others.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def secret(sysadmin: User) -> str:
    return api_token_create(actor=sysadmin, user=sysadmin, name="fhir-client")[1]


@pytest.fixture
def fhirpy_client(live_server: Any, secret: str) -> SyncFHIRClient:
    return SyncFHIRClient(f"{live_server.url}/fhir/R4", authorization=f"Bearer {secret}")


def test_fhirpy_finds_visiting_experts_and_programmes(
    world: World, fhirpy_client: SyncFHIRClient, gangcha_hospital: Institution, weihai_hospital: Institution
) -> None:
    roles = fhirpy_client.resources("PractitionerRole").search(organization=f"Organization/{gangcha_hospital.pk}")
    experts = {role["practitioner"]["display"] for role in roles.fetch_all()}
    assert experts == {"孙立", "周明", "陈静"}
    affiliations = fhirpy_client.resources("OrganizationAffiliation").search(
        **{"participating-organization": f"Organization/{gangcha_hospital.pk}"}
    )
    (affiliation,) = affiliations.fetch_all()
    assert affiliation["network"][0]["display"] == "威海—刚察对口帮扶"
    lead = fhirpy_client.reference(reference=affiliation["organization"]["reference"]).to_resource()
    assert lead["name"] == weihai_hospital.name
    assert lead["id"] == str(weihai_hospital.pk)


def test_fhirpy_pages_through_everything(world: World, fhirpy_client: SyncFHIRClient) -> None:
    search = fhirpy_client.resources("Organization").sort("name").limit(2)
    everything = search.fetch_all()
    assert len(everything) == search.count() == len({r["id"] for r in everything}) > 4
    assert fhirpy_client.resources("Practitioner").search(_id=str(world.surgeon.pk)).get()["name"][0]["text"] == "孙立"


def test_fhirclient_reads_searches_and_pages(
    world: World, live_server: Any, secret: str, gangcha_hospital: Institution
) -> None:
    smart = smart_client.FHIRClient(settings={"app_id": "medbridge-tests", "api_base": f"{live_server.url}/fhir/R4/"})
    smart.server.session.headers["Authorization"] = f"Bearer {secret}"
    role = PractitionerRole.read(f"posting-{world.postings[0].pk}", smart.server)
    assert role.practitioner.display == "孙立"
    assert role.organization.reference == f"Organization/{gangcha_hospital.pk}"
    search = PractitionerRole.where(struct={"organization": str(gangcha_hospital.pk), "_count": "1"})
    pages = list(search.perform_iter(smart.server))
    assert all(isinstance(page, Bundle) for page in pages)
    assert len(pages) == pages[0].total == 4
    affiliations = OrganizationAffiliation.where(
        struct={"participating-organization": str(gangcha_hospital.pk)}
    ).perform_resources_iter(smart.server)
    assert [a.code[0].coding[0].code for a in affiliations] == ["recipient"]
