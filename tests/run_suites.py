"""Run the test suite on SQLite and, when a server answers, on PostgreSQL too.

Usage: python tests/run_suites.py POSTGRES_URL

Prints which databases ran and a combined closing line, and exits non-zero if
any suite failed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse


def postgres_answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 5432), timeout=2):
            return True
    except OSError:
        return False


def run(label: str, env: dict[str, str], extra: list[str]) -> tuple[int, int, int]:
    print(f"\n== {label}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        # The slowest tests are listed so that CI's time budget (15 minutes) stays visible.
        command = [sys.executable, "-m", "pytest", f"--junitxml={report}", "--durations=12", *extra]
        code = subprocess.call(command, env=env)
        if not report.exists():
            return code, 0, 1
        suite = ET.parse(report).getroot()
        suite = suite if suite.tag == "testsuite" else suite[0]
        total, failed = int(suite.get("tests", 0)), int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        return code, total - failed - skipped, failed


def main() -> int:
    pg_url = sys.argv[1] if len(sys.argv) > 1 else "postgres://postgres@127.0.0.1:5432/medbridge"
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base["MEDBRIDGE_IMPORTS_INLINE"] = "1"
    # Persistent connections from the live-server thread would keep the test
    # database busy when pytest-django drops it at the end.
    base["MEDBRIDGE_DB_CONN_MAX_AGE"] = "0"
    results = {"SQLite": run("SQLite (embedded)", base, [])}
    if postgres_answers(pg_url):
        results["PostgreSQL"] = run(f"PostgreSQL ({urlparse(pg_url).hostname})", base | {"DATABASE_URL": pg_url}, [])
    else:
        print(f"\n== PostgreSQL: no server answers at {pg_url}; suite ran on SQLite only")
    print("\n== databases:", ", ".join(f"{name} {'ok' if r[0] == 0 else 'FAILED'}" for name, r in results.items()))
    passed = sum(r[1] for r in results.values())
    failed = sum(r[2] for r in results.values())
    print(f"tests: {passed} passed, {failed} failed")
    return 0 if all(r[0] == 0 for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
