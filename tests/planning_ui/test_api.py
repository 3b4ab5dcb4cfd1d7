"""The planning API: a round driven end to end by JSON, and scope."""

from __future__ import annotations

import pytest
from django.test import Client

from medbridge.accounts.models import User
from medbridge.directory.models import Department, Institution
from medbridge.planning.models import MatchingRound
from medbridge.postings.models import Posting
from medbridge.programmes.models import Programme
from tests.factories import ProfessionalFactory, title
from tests.planning_ui.conftest import Round

pytestmark = pytest.mark.django_db


def test_a_round_is_opened_filled_run_and_published_through_the_api(
    login: object,
    weihai_admin: User,
    paired_programme: Programme,
    gangcha_hospital: Institution,
    weihai_departments: tuple[Department, Department],
) -> None:
    client: Client = login(weihai_admin)  # type: ignore[operator]
    body = {
        "programme_id": paired_programme.pk,
        "kind": "attachment",
        "title": "2026挂职",
        "placement_start": "2026-09-01",
        "placement_end": "2026-12-31",
    }
    created = client.post("/api/v1/matching-rounds", body, content_type="application/json")
    assert created.status_code == 201
    rid = created.json()["id"]
    dept = client.post(
        f"/api/v1/matching-rounds/{rid}/departments",
        {"department_id": weihai_departments[0].pk, "quota": 1},
        content_type="application/json",
    )
    assert dept.status_code == 201 and dept.json()["name"] == "威海市立医院·心内科"
    person = ProfessionalFactory(name="索南", institution=gangcha_hospital, title=title("233"))
    app = client.post(
        f"/api/v1/matching-rounds/{rid}/applications",
        {"professional_id": person.pk, "choices": [dept.json()["id"]], "years_of_service": 8},
        content_type="application/json",
    )
    assert app.status_code == 201, app.json()
    assert client.post(f"/api/v1/matching-rounds/{rid}/run").json()["status"] == "run"
    applications = client.get(f"/api/v1/matching-rounds/{rid}/applications").json()["items"]
    assert applications[0]["placement_id"] == dept.json()["id"]
    assert client.post(f"/api/v1/matching-rounds/{rid}/publish").json() == {"postings_created": 1}
    assert Posting.objects.get().kind == "attachment"


def test_bad_round_dates_come_back_keyed_by_field(
    login: object, weihai_admin: User, paired_programme: Programme
) -> None:
    client: Client = login(weihai_admin)  # type: ignore[operator]
    body = {
        "programme_id": paired_programme.pk,
        "kind": "training",
        "title": "x",
        "placement_start": "2026-09-01",
        "placement_end": "2026-01-01",
    }
    response = client.post("/api/v1/matching-rounds", body, content_type="application/json")
    assert response.status_code == 422
    assert "placement_end" in response.json()["error"]["fields"]


def test_an_outsider_neither_sees_nor_runs_a_round(login: object, outsider: User, training_round: Round) -> None:
    client: Client = login(outsider)  # type: ignore[operator]
    assert client.get("/api/v1/matching-rounds").json()["count"] == 0
    assert client.post(f"/api/v1/matching-rounds/{training_round.round.pk}/run").status_code == 404


def test_a_recipient_sees_the_round_but_cannot_run_it(
    login: object, gangcha_admin: User, training_round: Round
) -> None:
    client: Client = login(gangcha_admin)  # type: ignore[operator]
    assert client.get(f"/api/v1/matching-rounds/{training_round.round.pk}").status_code == 200
    assert client.post(f"/api/v1/matching-rounds/{training_round.round.pk}/run").status_code == 403
    assert MatchingRound.objects.get().status == "open"
