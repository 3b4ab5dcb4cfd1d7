"""Deployment hygiene: production settings pass ``check --deploy``, every response
carries the security headers and a Content-Security-Policy the pages live with,
and no form can be posted from another site."""

from __future__ import annotations

import re
import secrets
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

import medbridge
from medbridge.accounts.models import User
from medbridge.clinics.models import Booking
from tests.conftest import signed_in
from tests.factories import ClinicSessionFactory
from tests.operations.conftest import MEDBRIDGE

TEMPLATES = sorted(Path(medbridge.__file__).parent.glob("*/templates/**/*.html"))


def production_environment() -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "MEDBRIDGE_ENV": "production",
        "MEDBRIDGE_SECRET_KEY": secrets.token_urlsafe(50),
        "MEDBRIDGE_PII_KEY": secrets.token_urlsafe(50),
        "MEDBRIDGE_ALLOWED_HOSTS": "medbridge.example.cn",
    }


def test_check_deploy_passes_with_production_settings() -> None:
    done = subprocess.run(
        [MEDBRIDGE, "check", "--deploy", "--fail-level", "WARNING"],
        env=production_environment(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr


def test_check_deploy_warns_when_personal_data_shares_the_secret_key() -> None:
    env = production_environment()
    del env["MEDBRIDGE_PII_KEY"]

    done = subprocess.run([MEDBRIDGE, "check", "--deploy"], env=env, capture_output=True, text=True, check=False)

    assert "medbridge.W001" in done.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = production_environment()
    del env["MEDBRIDGE_SECRET_KEY"]

    done = subprocess.run([MEDBRIDGE, "check"], env=env, capture_output=True, text=True, check=False)

    assert done.returncode != 0
    assert "MEDBRIDGE_SECRET_KEY_FILE" in done.stderr


def test_the_secret_key_can_come_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50) + "\n")
    env = production_environment()
    del env["MEDBRIDGE_SECRET_KEY"]

    done = subprocess.run(
        [MEDBRIDGE, "check", "--deploy", "--fail-level", "WARNING"],
        env=env | {"MEDBRIDGE_SECRET_KEY_FILE": str(key_file)},
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_and_the_other_security_headers(client: Client) -> None:
    response = client.get(reverse("clinics:public_list"))

    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in re.search(r"script-src [^;]*", policy).group()  # type: ignore[union-attr]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_behind_the_proxy_plain_http_is_redirected_and_https_gets_hsts(client: Client, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31_536_000

    plain = client.get(reverse("clinics:public_list"))
    secure = client.get(reverse("clinics:public_list"), HTTP_X_FORWARDED_PROTO="https")

    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://")
    assert secure.status_code == 200
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_the_session_cookie_is_secure_http_only_and_same_site(admin_a: User, password: str, settings: Any) -> None:
    settings.SESSION_COOKIE_SECURE = True  # as MEDBRIDGE_ENV=production sets it

    response = Client().post(reverse("accounts:login"), {"username": admin_a.username, "password": password})

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_an_inline_script_runs_with_the_nonce_of_its_response(city_officer: User) -> None:
    response = signed_in(city_officer).get(reverse("referrals:figures"))

    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert nonce is not None
    assert f'<script nonce="{nonce.group(1)}">' in response.content.decode()


def test_every_inline_script_in_the_templates_carries_the_nonce() -> None:
    offenders = [
        f"{path.name}: {tag}"
        for path in TEMPLATES
        for tag in re.findall(r"<script\b[^>]*>", path.read_text())
        if "src=" not in tag and 'type="application/json"' not in tag and "csp_nonce" not in tag
    ]

    assert offenders == []


def test_no_template_uses_inline_event_handlers_or_javascript_urls() -> None:
    pattern = re.compile(r"""\son[a-z]+\s*=|javascript:""", re.IGNORECASE)
    offenders = [path.name for path in TEMPLATES if pattern.search(path.read_text())]

    assert offenders == []


def test_every_post_form_in_the_templates_has_a_csrf_token() -> None:
    offenders = []
    for path in TEMPLATES:
        for form in re.findall(r"<form\b[^>]*>.*?</form>", path.read_text(), re.DOTALL | re.IGNORECASE):
            opening = form[: form.index(">")]
            if re.search(r"method=\"?post", opening, re.IGNORECASE) and "{% csrf_token %}" not in form:
                offenders.append(f"{path.parent.name}/{path.name}: {opening[:80]}")

    assert offenders == []


@pytest.mark.django_db
def test_a_booking_posted_without_the_csrf_token_is_refused() -> None:
    session = ClinicSessionFactory()
    form = {"patient_name": "李明", "phone": "13812345678", "consent": "on"}

    response = Client(enforce_csrf_checks=True).post(reverse("clinics:public_book", args=[session.pk]), form)

    assert response.status_code == 403
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_a_signed_in_form_posted_without_the_csrf_token_is_refused(admin_a: User, password: str) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_a)

    response = browser.post(reverse("directory:institution_create"), {"name": "伪造的医院"})

    assert response.status_code == 403
