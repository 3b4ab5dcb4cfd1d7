"""Signing in: lockout, password policy, API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from medbridge.accounts.models import User


def _login(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR="10.0.0.9")


def test_a_correct_password_signs_in(client: Client, admin_a: User, password: str) -> None:
    response = _login(client, "admin_a", password)
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "admin_a"


def test_a_wrong_password_is_refused_in_chinese(client: Client, admin_a: User) -> None:
    response = _login(client, "admin_a", "wrong password!!")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_six_failed_logins_lock_the_account_even_with_the_right_password(
    client: Client, admin_a: User, password: str
) -> None:
    for _ in range(5):
        _login(client, "admin_a", "wrong password!!")
    locked = _login(client, "admin_a", password)
    assert locked.status_code == 429
    assert "账号已锁定" in locked.content.decode()
    # The lock is on the account, not the browser: another client is refused too.
    assert _login(Client(), "admin_a", password).status_code == 429


@pytest.mark.parametrize(("weak", "message"), [("Short1A!x", "密码长度太短"), ("password1234", "太常见")])
def test_asvs_policy_refuses_short_or_common_passwords(login: Any, admin_a: User, weak: str, message: str) -> None:
    response = login(admin_a).post(
        "/accounts/password/",
        {"old_password": "correct horse battery staple", "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_dengbao_policy_forces_rotation_of_an_old_password(login: Any, admin_a: User, settings: Any) -> None:
    settings.PASSWORD_POLICY = "dengbao"
    User.objects.filter(pk=admin_a.pk).update(password_changed_at="2020-01-01T00:00:00Z")
    response = login(admin_a).get("/directory/institutions/")
    assert response.status_code == 302 and response["Location"].endswith("/accounts/password/")


def test_an_api_token_authenticates_and_can_be_revoked(admin_a: User, doctor_a: Any, capsys: Any) -> None:
    call_command("create_token", "admin_a", name="etl")
    secret = capsys.readouterr().out.strip()
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/v1/professionals", **headers).json()["count"] == 1
    admin_a.api_tokens.update(revoked_at="2026-01-01T00:00:00Z")
    assert client.get("/api/v1/professionals", **headers).status_code == 401


def test_a_session_idle_for_thirty_minutes_must_sign_in_again(login: Any, admin_a: User) -> None:
    client = login(admin_a)
    assert client.get("/directory/institutions/").status_code == 200
    session = Session.objects.get()
    # Every request pushes the expiry 30 minutes ahead of now.
    remaining = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/directory/institutions/").status_code == 302


def test_pruning_keeps_audit_entries_younger_than_the_retention_period(settings: Any, doctor_a: Any) -> None:
    from auditlog.models import LogEntry

    from medbridge.accounts.services import audit_prune

    settings.AUDIT_RETENTION_DAYS = 180
    entry = LogEntry.objects.get_for_object(doctor_a).get()
    LogEntry.objects.filter(pk=entry.pk).update(timestamp=timezone.now() - timedelta(days=179))
    assert audit_prune() == 0
    LogEntry.objects.filter(pk=entry.pk).update(timestamp=timezone.now() - timedelta(days=181))
    assert audit_prune() == 1


def test_a_user_creates_and_revokes_their_own_token_on_the_tokens_page(login: Any, admin_a: User) -> None:
    client = login(admin_a)
    page = client.post("/accounts/tokens/", {"name": "HIS 对接"}).content.decode()
    secret = page.split('<pre id="new-token">')[1].split("</pre>")[0]
    assert Client().get("/api/v1/institutions", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    token = admin_a.api_tokens.get()
    assert secret not in client.get("/accounts/tokens/").content.decode()
    client.post("/accounts/tokens/", {"revoke": token.pk})
    assert Client().get("/api/v1/institutions", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
