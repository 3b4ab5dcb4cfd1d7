"""Fault drills on PostgreSQL behind gunicorn: what a crash or a database restart
leaves behind.

1. ``import_killed``: the whole server (gunicorn master and workers) is killed
   with SIGKILL while the upload page imports a large workbook in the background;
   the directory tables must hold exactly the rows they held before.
2. ``booking_burst_killed``: the server is killed in the middle of a burst of
   public bookings; no session may be overbooked, each session's counters must
   equal its bookings, and every booking the server acknowledged (HTTP 201) must
   be in the database.
3. ``postgres_restart``: PostgreSQL is restarted under a steady read load; the
   app must recover by itself (same gunicorn processes), and we measure how long
   requests failed.

The drills run on a PostgreSQL cluster of their own (``initdb`` in a temporary
directory, on a free port), never on the shared server: restarting that one would
break everybody else's tests. Django work (migrations, data, the workbook) runs
in a child process that executes this file, like bench_clinics.py does.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
IMPORT_ROWS = int(os.environ.get("FAULTS_IMPORT_ROWS", "3000"))
SESSIONS, CAPACITY, BOOKING_REQUESTS = 20, 10, 800
USERNAME, PASSWORD = "drill", "drill-passphrase-2026"


def run() -> dict[str, Any]:
    if _postgres_bin() is None:
        return {"skipped": "no PostgreSQL server binaries (initdb, pg_ctl) on this machine"}
    with tempfile.TemporaryDirectory(prefix="medbridge-faults-") as tmp, _cluster(Path(tmp)) as cluster:
        started = time.perf_counter()
        _child("setup", cluster.url, Path(tmp) / "workbook.xlsx")
        result: dict[str, Any] = {"postgres": cluster.version, "setup_s": round(time.perf_counter() - started, 1)}
        result["import_killed"] = _drill_import(cluster, Path(tmp) / "workbook.xlsx")
        result["booking_burst_killed"] = _drill_booking_burst(cluster)
        result["postgres_restart"] = _drill_postgres_restart(cluster)
    return result


# --- A PostgreSQL cluster of our own -----------------------------------------------------


class Cluster:
    # A plain class, not a dataclass: bench_hardening loads this file without
    # registering it in sys.modules, which dataclasses need.
    def __init__(self, data: Path, port: int, version: str) -> None:
        self.data, self.port, self.version = data, port, version

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/medbridge_faults"

    def ctl(self, *args: str) -> None:
        log = str(self.data.parent / "postgres.log")
        _as_postgres([str(_postgres_bin() / "pg_ctl"), "-D", str(self.data), "-l", log, "-w", *args])  # type: ignore[operator]


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


def _as_postgres(command: list[str]) -> None:
    # PostgreSQL refuses to run as root; as root, run it as the postgres user. No
    # pipes: a server that pg_ctl starts would hold them open, and we would wait forever.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


@contextmanager
def _cluster(tmp: Path) -> Iterator[Cluster]:
    tmp.chmod(0o777)  # the postgres user writes its data and socket here
    data, port = tmp / "pgdata", _free_port()
    bindir = _postgres_bin()
    assert bindir is not None
    _as_postgres([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
    cluster = Cluster(data, port, bindir.parent.name)
    options = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c max_connections=100"
    cluster.ctl("-o", options, "start")
    try:
        _sql(cluster.url.rsplit("/", 1)[0] + "/postgres", "CREATE DATABASE medbridge_faults")
        yield cluster
    finally:
        cluster.ctl("-m", "immediate", "stop")


def _sql(url: str, statement: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute(statement)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- gunicorn ----------------------------------------------------------------------------


class Server:
    def __init__(self, process: subprocess.Popen[bytes], base: str) -> None:
        self.process, self.base = process, base

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once, as a power cut would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def pids(self) -> set[int]:
        out = subprocess.run(["ps", "-o", "pid=", "-g", str(self.process.pid)], capture_output=True, text=True)  # noqa: S603, S607
        return {int(pid) for pid in out.stdout.split()}


@contextmanager
def _gunicorn(cluster: Cluster, *, workers: int) -> Iterator[Server]:
    port = _free_port()
    command = [str(BIN / "gunicorn"), "medbridge.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", "8", "--worker-class", "gthread", "--timeout", "120"]
    env = _environment(cluster.url) | {"MEDBRIDGE_DB_CONN_MAX_AGE": "60"}
    process = subprocess.Popen(command, env=env, start_new_session=True, stderr=subprocess.DEVNULL)  # noqa: S603
    server = Server(process, f"http://127.0.0.1:{port}")
    try:
        _wait_until_healthy(server.base)
        yield server
    finally:
        if process.poll() is None:
            server.kill()


def _environment(url: str) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "medbridge.settings",
        "MEDBRIDGE_DEBUG": "0",
        "MEDBRIDGE_SECRET_KEY": "fault-drill-secret-key-not-for-production-" + "x" * 20,
        "MEDBRIDGE_ALLOWED_HOSTS": "127.0.0.1",
        "MEDBRIDGE_SECURE_COOKIES": "0",  # plain HTTP on the loopback: no TLS in front of the drill
        "MEDBRIDGE_CLINIC_REQUESTS_PER_HOUR": "100000000",
        "MEDBRIDGE_LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT / "src"),
    }


def _wait_until_healthy(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer at {base}")


# --- Drill 1: the server killed during an import ---------------------------------------------

DIRECTORY_TABLES = ("directory_institution", "directory_department", "directory_professional", "auditlog_logentry")


def _drill_import(cluster: Cluster, workbook: Path) -> dict[str, Any]:
    before = _counts(cluster.url)
    with _gunicorn(cluster, workers=1) as server:  # one worker: it keeps the job's progress in memory
        browser = _signed_in(server.base)
        page = browser.get(f"{server.base}/interop/import/")
        upload = browser.post(
            f"{server.base}/interop/import/",
            data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
            files={"file": (workbook.name, workbook.read_bytes())},
            headers={"Referer": page.url},
            allow_redirects=False,
        )
        progress_url = f"{server.base}{upload.headers['Location']}progress.json"
        done = total = 0
        while total == 0 or done < total // 3:
            status = browser.get(progress_url).json()
            done, total = status["rows_done"], status["rows_total"]
            if status["finished"]:
                raise RuntimeError("the import finished before the drill could kill the server")
            time.sleep(0.05)
        server.kill()
    after = _counts(cluster.url)
    job = _sql(cluster.url, "SELECT status FROM interop_importjob ORDER BY id DESC LIMIT 1")[0][0]
    return {
        "rows_in_workbook": IMPORT_ROWS,
        "rows_done_when_killed": done,
        "directory_rows_before": before,
        "directory_rows_after": after,
        "consistent": before == after,
        # The job row was committed before the import began; nobody is left to finish it.
        "job_status_left": job,
    }


def _counts(url: str) -> dict[str, int]:
    return {table: _sql(url, f"SELECT count(*) FROM {table}")[0][0] for table in DIRECTORY_TABLES}  # noqa: S608


def _signed_in(base: str) -> requests.Session:
    browser = requests.Session()
    login = browser.get(f"{base}/accounts/login/")
    form = {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"]}
    answer = browser.post(login.url, data=form, headers={"Referer": login.url}, allow_redirects=False)
    if answer.status_code != 302:
        raise RuntimeError(f"the drill user could not sign in ({answer.status_code})")
    return browser


# --- Drill 2: the server killed during a booking burst -------------------------------------


def _drill_booking_burst(cluster: Cluster) -> dict[str, Any]:
    sessions = [row[0] for row in _sql(cluster.url, "SELECT id FROM clinics_clinicsession ORDER BY id")]
    acknowledged: list[str] = []
    failures = [0]
    with _gunicorn(cluster, workers=2) as server:

        def book(n: int) -> None:
            url = f"{server.base}/api/v1/clinics/public/sessions/{sessions[n % len(sessions)]}/bookings"
            body = {"patient_name": f"演练{n}", "phone": f"139{n:08d}", "consent": True}
            try:
                answer = requests.post(url, json=body, timeout=30)
            except requests.RequestException:
                failures[0] += 1
                return
            if answer.status_code == 201:
                acknowledged.append(answer.json()["code"])

        with ThreadPoolExecutor(max_workers=16) as pool:
            pool.map(book, range(BOOKING_REQUESTS))
            deadline = time.monotonic() + 120
            while len(acknowledged) < BOOKING_REQUESTS // 4 and time.monotonic() < deadline:
                time.sleep(0.01)
            server.kill()
            killed_after = len(acknowledged)
    return {
        "requests": BOOKING_REQUESTS,
        "acknowledged_before_kill": killed_after,
        "acknowledged_total": len(acknowledged),
        "requests_failed_by_the_kill": failures[0],
        **_booking_consistency(cluster.url, acknowledged),
    }


# Sessions whose stored counters differ from their bookings.
COUNTERS_DISAGREE = """
SELECT count(*) FROM clinics_clinicsession s
LEFT JOIN (
    SELECT session_id, count(*) FILTER (WHERE status = 'confirmed') AS confirmed,
           count(*) FILTER (WHERE status = 'waitlisted') AS waiting
    FROM clinics_booking GROUP BY session_id
) b ON b.session_id = s.id
WHERE s.booked <> coalesce(b.confirmed, 0) OR s.waitlisted <> coalesce(b.waiting, 0)
"""


def _booking_consistency(url: str, acknowledged: list[str]) -> dict[str, int]:
    overbooked = _sql(url, "SELECT count(*) FROM clinics_clinicsession WHERE booked > capacity")[0][0]
    mismatched = _sql(url, COUNTERS_DISAGREE)[0][0]
    stored = {row[0] for row in _sql(url, "SELECT code FROM clinics_booking")}
    return {
        "bookings_in_database": len(stored),
        "sessions_overbooked": overbooked,
        "sessions_with_wrong_counters": mismatched,
        "acknowledged_but_missing": len(set(acknowledged) - stored),
    }


# --- Drill 3: PostgreSQL restarted under load ----------------------------------------------


def _drill_postgres_restart(cluster: Cluster) -> dict[str, Any]:
    samples: list[tuple[float, bool]] = []
    stop = threading.Event()
    with _gunicorn(cluster, workers=2) as server:
        pids_before = server.pids()

        def load() -> None:
            with requests.Session() as client:
                while not stop.is_set():
                    try:
                        ok = client.get(f"{server.base}/api/v1/clinics/public/sessions", timeout=10).status_code == 200
                    except requests.RequestException:
                        ok = False
                    samples.append((time.monotonic(), ok))

        threads = [threading.Thread(target=load, daemon=True) for _ in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        restart_began = time.monotonic()
        cluster.ctl("-m", "fast", "restart")
        restart_done = time.monotonic()
        time.sleep(5)
        stop.set()
        for thread in threads:
            thread.join()
        pids_after = server.pids()
    failed = [at for at, ok in samples if not ok]
    after_restart = [ok for at, ok in samples if at > restart_began]
    last_failure = max(failed, default=restart_began)
    return {
        "requests": len(samples),
        "requests_failed": len(failed),
        "pg_ctl_restart_s": round(restart_done - restart_began, 2),
        "seconds_to_recovery": round(last_failure - restart_began, 2),
        "ok_after_recovery": all(ok for at, ok in samples if at > last_failure),
        "requests_after_recovery": sum(1 for at, _ in samples if at > last_failure),
        "failure_rate_after_restart": round(after_restart.count(False) / max(len(after_restart), 1), 3),
        "same_gunicorn_processes": pids_before == pids_after,
    }


# --- In the child process ------------------------------------------------------------------


def _child(task: str, url: str, workbook: Path) -> None:
    command = [sys.executable, __file__, task, str(workbook)]  # this very file, no outside input
    done = subprocess.run(command, env=_environment(url), capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        raise RuntimeError(f"fault drill {task} failed:\n{done.stderr[-3000:]}")


def setup(workbook: Path) -> None:
    """Migrate, load the reference data, create the drill user, the sessions to
    book and the workbook to import."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    from medbridge.accounts.models import Role, User
    from medbridge.clinics.models import ClinicSession
    from medbridge.directory.models import Institution, InstitutionCategory, Professional, Region
    from medbridge.interop.services.workbook import build_workbook, data_sheets, workbook_bytes

    User.objects.create_user(USERNAME, password=PASSWORD, role=Role.SYSTEM_ADMIN, is_superuser=True, is_staff=True)
    county = Region.objects.get(code="140425")
    host = Institution.objects.create(
        name="平顺县人民医院", category=InstitutionCategory.objects.get(code="A1"), region=county
    )
    expert = Professional.objects.create(name="演练专家", institution=host)
    for n in range(SESSIONS):
        ClinicSession.objects.create(
            expert=expert,
            host=host,
            date=date.today() + timedelta(days=1 + n % 10),
            start_time=clock(8 + n // 10 * 6),
            end_time=clock(11 + n // 10 * 6),
            capacity=CAPACITY,
        )
    columns = next(spec.columns for spec in data_sheets() if spec.title == "机构")
    values = {"机构类别": "A1", "所在地区": "140425"}
    rows = [
        [values.get(c.header, f"演练导入第{n}卫生院" if c.header == "机构名称" else None) for c in columns]
        for n in range(IMPORT_ROWS)
    ]
    workbook.write_bytes(workbook_bytes(build_workbook({"机构": rows})))


if __name__ == "__main__":
    if sys.argv[1:2] == ["setup"]:
        setup(Path(sys.argv[2]))
    else:
        print(json.dumps(run(), ensure_ascii=False, indent=2))
