"""A patient books a place on the public site on a phone-sized screen, without
signing in; the page fixture fails the test on any JavaScript error."""

from __future__ import annotations

from typing import Any

from medbridge.clinics.models import Booking
from tests.browser import BROWSER_MARKS
from tests.factories import ClinicSessionFactory

pytestmark = BROWSER_MARKS


def test_a_patient_books_a_place_on_the_public_site(page: Any, live_server: Any) -> None:
    session = ClinicSessionFactory(capacity=3)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/clinics/")
    assert page.locator(".session").count() == 1
    page.click(".session a.button")
    page.click("main button[type=submit]")
    assert page.locator("ul.errorlist li").count() == 3  # name, phone and consent, all at once
    page.fill("#id_patient_name", "王小明")
    page.fill("#id_phone", "13800138000")
    page.check("#id_consent")
    page.click("main button[type=submit]")

    code = page.locator("#booking-code").inner_text()
    booking = Booking.objects.get(code=code)
    assert booking.session_id == session.pk and booking.status == "confirmed"
    page.goto(f"{live_server.url}/clinics/")
    assert page.locator("text=余 2 个号").count() == 1
