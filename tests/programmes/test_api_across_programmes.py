"""Parties, targets and agreements read across programmes through /api/v1/: what an
integrating system asks ("which programmes is this hospital in?"), paged, filtered,
and out of reach for whoever does not see the programme."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client

from medbridge.accounts.models import User
from medbridge.directory.models import Institution
from medbridge.programmes import services
from medbridge.programmes.models import Programme, TargetMetric


def get(client: Client, url: str, **params: Any) -> Any:
    return client.get(url, params)


def test_a_hospitals_programmes_are_found_by_filtering_parties_on_it(
    login: Any, weihai_admin: User, paired_programme: Programme, training_programme: Programme, sysadmin: User
) -> None:
    gangcha = paired_programme.parties.get(role="recipient").institution
    body = get(login(sysadmin), "/api/v1/parties", institution=gangcha.pk).json()
    assert body["count"] == 1
    assert (body["items"][0]["programme_id"], body["items"][0]["role"]) == (paired_programme.pk, "recipient")
    leads = get(login(sysadmin), "/api/v1/parties", role="lead").json()["items"]
    assert {p["programme_id"] for p in leads} == {paired_programme.pk, training_programme.pk}


def test_a_party_of_someone_elses_programme_is_missing_in_the_error_shape(
    login: Any, fuqing_admin: User, paired_programme: Programme
) -> None:
    party = paired_programme.parties.first()
    assert party is not None
    response = login(fuqing_admin).get(f"/api/v1/parties/{party.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert get(login(fuqing_admin), "/api/v1/parties").json() == {"items": [], "count": 0}


def test_targets_are_paged_and_filtered_by_year_and_metric(
    login: Any, weihai_admin: User, paired_programme: Programme
) -> None:
    for year in (2024, 2025, 2026):
        for metric in TargetMetric.values:
            services.target_set(actor=weihai_admin, programme=paired_programme, year=year, metric=metric, value=10)
    client = login(weihai_admin)
    first = get(client, "/api/v1/targets").json()
    assert (first["count"], len(first["items"])) == (30, 25)
    assert len(get(client, "/api/v1/targets", page=2).json()["items"]) == 5
    one = get(client, "/api/v1/targets", year=2025, metric="surgeries").json()
    assert one["count"] == 1 and one["items"][0]["year"] == 2025
    detail = client.get(f"/api/v1/targets/{one['items'][0]['id']}").json()
    assert (detail["metric_name"], detail["programme_id"]) == ("手术例数", paired_programme.pk)


def test_a_malformed_filter_is_refused_with_the_field_named(login: Any, weihai_admin: User) -> None:
    for params in ({"year": "last"}, {"year": "99999"}, {"programme": "x"}):
        response = get(login(weihai_admin), "/api/v1/targets", **params)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "invalid"
        assert set(response.json()["error"]["fields"]) == set(params)


def test_agreements_across_programmes_are_filtered_by_signing_year(
    login: Any, weihai_admin: User, paired_programme: Programme, gangcha_officer: User
) -> None:
    for title, signed in (("对口帮扶协议", date(2013, 3, 1)), ("续签协议", date(2025, 6, 5))):
        data = services.AgreementData(title=title, signed_on=signed, signatories="威海市立医院、刚察县人民医院")
        services.agreement_add(actor=weihai_admin, programme=paired_programme, data=data)
    # The recipient's commission reads them too: it sees the programme through its county.
    body = get(login(gangcha_officer), "/api/v1/agreements", year=2025).json()
    assert [a["title"] for a in body["items"]] == ["续签协议"]


def test_signed_out_clients_are_told_to_authenticate(db: None, weihai_hospital: Institution) -> None:
    response = Client().get("/api/v1/parties")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
