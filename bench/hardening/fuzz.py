"""The schemathesis run of tests/demo/test_fuzz_api.py on every database: ``make test`` fuzzes
on SQLite only, to stay within CI's time; here PostgreSQL gets the same requests.
Reports, per database, the requests served, the seconds taken and the verdict."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from run_suites import postgres_answers  # noqa: E402  (the suite's own probe for a PostgreSQL server)

PG_URL = os.environ.get("MEDBRIDGE_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/medbridge")


def fuzz(database_url: str | None) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"MEDBRIDGE_FUZZ_EVERY_DATABASE": "1"}
    if database_url:
        env["DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "pytest", "tests/demo/test_fuzz_api.py", "-q", "-s", "-p", "no:logging"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    seconds = round(time.perf_counter() - started, 1)
    counted = re.search(
        r"schemathesis: (\d+) requests over (\d+) operations, (\d+) with the state machine", done.stdout
    )
    return {
        "passed": done.returncode == 0,
        "seconds_with_setup": seconds,
        "operations": int(counted.group(2)) if counted else None,
        "requests": int(counted.group(3)) if counted else None,
        "stateless_requests": int(counted.group(1)) if counted else None,
    }


def run() -> dict[str, Any]:
    results = {"sqlite": fuzz(None)}
    if postgres_answers(PG_URL):
        results["postgresql"] = fuzz(PG_URL)
    return results
