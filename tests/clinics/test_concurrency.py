"""Two hundred patients press "book" at the same moment for a session with twenty
places: exactly twenty are confirmed, the waiting list fills, everyone else gets
a clear refusal, and nobody gets a server error. Over real HTTP against a real
multi-threaded server, on PostgreSQL (the live server) and on SQLite (a server
process on a database file, since the test database lives in memory)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import ClinicSessionFactory

REQUESTS = 200
WAITLIST = 10


def post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    # Only ever http://127.0.0.1 (the test server), hence the S310 waivers.
    data, headers = json.dumps(body).encode(), {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def phone(n: int) -> str:
    return f"1380000{n:04d}"


def storm(base_url: str, session_id: int) -> list[tuple[int, dict[str, Any]]]:
    url = f"{base_url}/api/v1/clinics/public/sessions/{session_id}/bookings"
    bodies = [{"patient_name": f"患者{n}", "phone": phone(n), "consent": True} for n in range(REQUESTS)]
    with ThreadPoolExecutor(max_workers=32) as pool:
        return list(pool.map(lambda body: post(url, body), bodies))


def assert_never_overbooked(results: list[tuple[int, dict[str, Any]]]) -> None:
    statuses = Counter(code for code, _ in results)
    assert not [code for code in statuses if code >= 500], statuses
    outcomes = Counter(body["status"] for code, body in results if code == 201)
    assert outcomes == {"confirmed": 20, "waitlisted": WAITLIST}
    refusals = [body["error"]["fields"]["__all__"][0] for code, body in results if code == 422]
    assert len(refusals) == REQUESTS - 20 - WAITLIST
    assert set(refusals) == {"本场号源已约满，候补名额也已满，请选择其他场次"}


# A threaded WSGI server like the live server's, with a listen backlog that takes
# a burst of connections the way a production server does (Django's keeps 10).
SERVER = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medbridge.settings")
import django
django.setup()
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application

class Server(ThreadedWSGIServer):
    request_queue_size = 512

class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass

server = Server(("127.0.0.1", int(sys.argv[1])), QuietHandler)
server.set_app(get_wsgi_application())
server.serve_forever()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url(tmp_path: Path) -> str:
    """The test database as the server process will reach it: PostgreSQL's test
    database itself (the test commits its rows), or a file copy of SQLite's
    in-memory one."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    database = tmp_path / "clinics.sqlite3"
    with sqlite3.connect(database) as target:
        connection.ensure_connection()
        connection.connection.backup(target)  # type: ignore[union-attr]
    return f"sqlite:///{database}"


@contextmanager
def server_process(url: str) -> Iterator[str]:
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": url,
        "MEDBRIDGE_CLINIC_REQUESTS_PER_HOUR": "10000",  # every request comes from 127.0.0.1 here
        "MEDBRIDGE_CLINIC_WAITLIST": str(WAITLIST),
        "MEDBRIDGE_SQLITE_TIMEOUT": "60",
        "MEDBRIDGE_DB_CONN_MAX_AGE": "0",
        "MEDBRIDGE_PII_KEY": settings.PII_KEY,
    }
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], env=env, stderr=subprocess.PIPE)
    try:
        for _ in range(300):
            if server.poll() is not None:
                raise RuntimeError(server.stderr.read().decode())  # type: ignore[union-attr]
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_two_hundred_parallel_bookings_confirm_exactly_the_places_there_are(tmp_path: Path) -> None:
    session = ClinicSessionFactory(capacity=20)
    url = database_url(tmp_path)

    with server_process(url) as base:
        results = storm(base, session.pk)
        assert_never_overbooked(results)
        # A confirmed patient cancels: the first on the waiting list takes the place.
        n = next(i for i, (code, body) in enumerate(results) if code == 201 and body["status"] == "confirmed")
        code, body = post(
            f"{base}/api/v1/clinics/public/bookings/cancel", {"code": results[n][1]["code"], "phone": phone(n)}
        )
        assert (code, body["status"], body["session"]["remaining"]) == (200, "cancelled", 0)

    assert counts(url, session.pk) == (20, WAITLIST - 1, 30)


def counts(url: str, session_id: int) -> tuple[int, int, int]:
    sql = (
        "SELECT booked, waitlisted, (SELECT count(*) FROM clinics_booking WHERE session_id = %(id)s)"
        " FROM clinics_clinicsession WHERE id = %(id)s"
    )
    if url.startswith("sqlite"):
        row = sqlite3.connect(url.removeprefix("sqlite:///")).execute(
            sql.replace("%(id)s", "?"), (session_id, session_id)
        )
        return tuple(row.fetchone())  # type: ignore[return-value]
    with connection.cursor() as cursor:
        cursor.execute(sql, {"id": session_id})
        return tuple(cursor.fetchone())  # type: ignore[return-value]


@pytest.mark.django_db(transaction=True)
def test_one_phone_booking_many_sessions_at_once_keeps_only_the_allowed_number(tmp_path: Path) -> None:
    sessions = [ClinicSessionFactory(capacity=5) for _ in range(12)]
    url = database_url(tmp_path)
    body = {"patient_name": "同一患者", "phone": "13911112222", "consent": True}

    with server_process(url) as base, ThreadPoolExecutor(max_workers=12) as pool:
        urls = [f"{base}/api/v1/clinics/public/sessions/{s.pk}/bookings" for s in sessions]
        results = list(pool.map(lambda u: post(u, body), urls))

    assert Counter(code for code, _ in results) == {201: 3, 422: 9}
    refusals = {body["error"]["fields"]["phone"][0] for code, body in results if code == 422}
    assert refusals == {"每个手机号最多同时保留 3 个有效预约，请先就诊或取消已有预约"}
    assert sum(counts(url, s.pk)[2] for s in sessions) == 3
