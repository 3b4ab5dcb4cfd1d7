"""The whole-database Excel round trip (tests/interop/test_round_trip.py) on every
database: ``make test`` runs it on SQLite only, to stay within CI's time; here
PostgreSQL runs it too. Reports, per database, whether every figure came back and
the seconds taken (seeding the demo, export, import into an empty database)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from run_suites import postgres_answers  # noqa: E402  (the suite's own probe for a PostgreSQL server)

PG_URL = os.environ.get("MEDBRIDGE_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/medbridge")
TEST = "tests/interop/test_round_trip.py"


def round_trip(database_url: str | None) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"MEDBRIDGE_ROUNDTRIP_EVERY_DATABASE": "1", "MEDBRIDGE_DB_CONN_MAX_AGE": "0"}
    if database_url:
        env["DATABASE_URL"] = database_url
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603  (this interpreter, a fixed test path)
        [sys.executable, "-m", "pytest", TEST, "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return {"passed": done.returncode == 0, "seconds_with_setup": round(time.perf_counter() - started, 1)}


def run() -> dict[str, Any]:
    results = {"sqlite": round_trip(None)}
    if postgres_answers(PG_URL):
        results["postgresql"] = round_trip(PG_URL)
    return results
