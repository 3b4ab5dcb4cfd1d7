"""Locust scenario of the load drill (``load.py`` runs it; the leading underscore
keeps it out of the drills ``bench_hardening`` gathers).

Patients browse the public clinic calendar page by page, open experts' pages and
book from the public form the way a browser does: GET the form (CSRF cookie and
token), POST it. Every booking comes from a phone number no one has used and a
client address of its own (X-Forwarded-For, trusted by the bench server), as many
patients on many phones would, so the per-phone and per-address limits let real
bookings through while they still run on every request.

Outcomes of the booking POST are counted in ``LOAD_OUTCOMES_FILE``: booked (a
place), waitlisted, refused (full, closed, or a limit — a normal answer, shown
on the form), and failed (anything else, which Locust counts as an error).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from collections import Counter
from typing import Any

from locust import HttpUser, between, events, task

SESSION_LINK = re.compile(r'href="/clinics/sessions/(\d+)/book/"')
EXPERT_LINK = re.compile(r'href="/clinics/experts/(\d+)/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BOOKED_PAGE = re.compile(r"/clinics/booked/\w+/$")
# The form's refusals: session full (waiting list too), closed, a phone or address limit.
REFUSALS = ("已约满", "不开放预约", "最多同时保留", "请勿重复预约", "过于频繁")

PAGES = int(os.environ.get("LOAD_CALENDAR_PAGES", "20"))
_phones = itertools.count(random.randrange(10**6))  # noqa: S311 - load, not secrets
outcomes: Counter[str] = Counter()


def next_phone() -> str:
    return f"139{next(_phones) % 10**8:08d}"


def random_address() -> str:
    return "10.{}.{}.{}".format(*(random.randrange(1, 255) for _ in range(3)))  # noqa: S311


class Patient(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.sessions: list[str] = []
        self.experts: list[str] = []
        self.calendar()

    @task(6)
    def calendar(self) -> None:
        page = random.randint(1, PAGES)  # noqa: S311
        response = self.client.get(f"/clinics/?page={page}", name="/clinics/?page=N")
        if response.ok:
            self.sessions = SESSION_LINK.findall(response.text) or self.sessions
            self.experts = EXPERT_LINK.findall(response.text) or self.experts

    @task(2)
    def expert(self) -> None:
        if self.experts:
            self.client.get(f"/clinics/experts/{random.choice(self.experts)}/", name="/clinics/experts/[id]/")  # noqa: S311

    @task(1)
    def api_calendar(self) -> None:
        page = random.randint(1, PAGES)  # noqa: S311
        self.client.get(f"/api/v1/clinics/public/sessions?page={page}", name="/api/v1/clinics/public/sessions")

    @task(3)
    def book(self) -> None:
        if not self.sessions:
            return
        url = f"/clinics/sessions/{random.choice(self.sessions)}/book/"  # noqa: S311
        headers = {"X-Forwarded-For": random_address()}
        form = self.client.get(url, name="/clinics/sessions/[id]/book/ (form)", headers=headers)
        token = CSRF.search(form.text) if form.ok else None
        if token is None:
            return
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "patient_name": "压测患者",
            "phone": next_phone(),
            "consent": "on",
        }
        with self.client.post(
            url,
            data=data,
            headers=headers | {"Referer": self.host + url},
            name="/clinics/sessions/[id]/book/ (post)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            outcome = _outcome(response)
            outcomes[outcome] += 1
            if outcome == "failed":
                response.failure(f"unexpected answer {response.status_code}")
            else:
                response.success()


def _outcome(response: Any) -> str:
    if response.status_code == 302 and BOOKED_PAGE.search(response.headers.get("Location", "")):
        return "booked_or_waitlisted"
    if response.status_code in (200, 429) and any(r in response.text for r in REFUSALS):
        return "refused"
    return "failed"


@events.test_stop.add_listener
def _write_outcomes(**_: Any) -> None:
    if path := os.environ.get("LOAD_OUTCOMES_FILE"):
        with open(path, "w") as out:
            json.dump(dict(outcomes), out)
