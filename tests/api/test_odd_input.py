"""Odd input is the client's mistake and is answered in the one error shape, never
with a server error: a NUL byte in a filter (which PostgreSQL cannot compare), a year
or page out of range, an id beyond the column's range."""

from __future__ import annotations

from typing import Any

import pytest

from medbridge.accounts.models import User


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/parties", {"role": "lead\x00"}),
        ("/api/v1/institutions", {"q": "\x00"}),
        ("/api/v1/referrals", {"year": "-1"}),
        ("/api/v1/consultations", {"year": "9" * 30}),
        ("/api/v1/referrals/figures", {"year": "10000"}),
        ("/api/v1/work-logs", {"page": "9" * 30}),
        ("/api/v1/clinics/series", {"weekday": "7"}),
    ],
)
def test_a_malformed_filter_is_a_422_in_the_error_shape(
    login: Any, sysadmin: User, path: str, params: dict[str, str]
) -> None:
    client = login(sysadmin)
    client.raise_request_exception = False
    response = client.get(path, params)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "invalid"


def test_a_nul_character_in_a_json_body_is_a_422_before_any_query(client: Any, db: None) -> None:
    # PostgreSQL cannot compare text holding NUL; the fuzzer found this as a 500.
    body = '{"code": "AB\\u0000CD", "phone": "13800000000"}'
    response = client.post("/api/v1/clinics/public/bookings/cancel", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["__all__"] == ["含有无法处理的字符或超出范围的数值"]


def test_an_id_beyond_any_record_is_simply_missing(login: Any, sysadmin: User) -> None:
    response = login(sysadmin).get(f"/api/v1/techniques/{'9' * 25}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
