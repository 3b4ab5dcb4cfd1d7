"""The embedded database under several writer processes at once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

# Each writer reads, then writes, in one transaction: the pattern that fails at
# once with "database is locked" under SQLite's default deferred transactions,
# because a reader cannot upgrade to a writer after another writer committed.
WRITER = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medbridge.settings")
import django
django.setup()
from django.db import transaction
from medbridge.directory.models import Region
worker = sys.argv[1]
for n in range(40):
    with transaction.atomic():
        Region.objects.filter(code__startswith="9").count()
        Region.objects.create(code=f"9{worker}{n:04d}", name=f"w{worker}-{n}", level="county")
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded database's locking only")
def test_concurrent_writers_on_the_embedded_database_wait_instead_of_failing(tmp_path: Path) -> None:
    database = tmp_path / "concurrent.sqlite3"
    env = os.environ | {"DATABASE_URL": f"sqlite:///{database}", "MEDBRIDGE_SQLITE_TIMEOUT": "60"}
    subprocess.run([sys.executable, "-m", "medbridge.cli", "migrate", "-v0"], env=env, check=True)

    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(i)], env=env, stderr=subprocess.PIPE, text=True)
        for i in range(4)
    ]
    failures = [w.stderr.read() for w in writers if w.wait(timeout=180) != 0]  # type: ignore[union-attr]

    assert failures == []
    rows = sqlite3.connect(database).execute("SELECT count(*) FROM directory_region").fetchone()[0]
    assert rows == 4 * 40
