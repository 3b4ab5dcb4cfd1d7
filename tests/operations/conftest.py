"""Helpers for tests that run ``medbridge`` in a child process on the test database."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection

MEDBRIDGE = str(Path(sys.executable).with_name("medbridge"))


def test_database_url() -> str:
    """DATABASE_URL of the database this test runs on, for a child process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    login = quote(settings["USER"] or "") + (f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else "")
    return f"postgres://{login}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


def child_environment(**extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": test_database_url(), "MEDBRIDGE_DB_CONN_MAX_AGE": "0", **extra}
