"""A crash in the middle of an import writes nothing: ``medbridge import`` killed
with SIGKILL half-way through a large workbook leaves every table as it was, on
SQLite (the WAL's uncommitted frames are ignored) and on PostgreSQL (the server
rolls back the dead connection's transaction). The longer drills — the server
killed during a booking burst, PostgreSQL restarted under load — are in
bench/hardening/faults.py."""

from __future__ import annotations

import re
import signal
import subprocess
import threading
from pathlib import Path
from typing import IO

import pytest
from django.db import connection

from medbridge.accounts.models import User
from medbridge.directory.models import Institution
from medbridge.operations.selectors import database_fingerprint
from tests.interop.conftest import save, workbook
from tests.operations.conftest import MEDBRIDGE, child_environment

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 600


def large_workbook(tmp_path: Path) -> Path:
    rows = [{"机构名称": f"平顺县第{n}卫生院", "机构类别": "A1", "所在地区": "140425"} for n in range(ROWS)]
    return save(tmp_path, workbook({"机构": rows}))


def wait_for_rows(stream: IO[str], at_least: int, timeout: float) -> int:
    """Read tqdm's progress ("123/1500") until the import has done ``at_least`` rows."""
    seen = [0]

    def read() -> None:
        buffer = ""
        while seen[0] < at_least and (chunk := stream.read(1)):
            buffer = buffer[-64:] + chunk
            if found := re.findall(r"(\d+)/(\d+)", buffer):
                seen[0] = int(found[-1][0])

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    return seen[0]


def test_an_import_killed_half_way_leaves_the_database_unchanged(sysadmin: User, tmp_path: Path) -> None:
    path = large_workbook(tmp_path)
    before = database_fingerprint()
    child = subprocess.Popen(
        [MEDBRIDGE, "import", str(path), "--user", sysadmin.username],
        env=child_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    done = wait_for_rows(child.stderr, ROWS // 3, timeout=120)

    child.send_signal(signal.SIGKILL)
    child.wait()

    assert ROWS // 3 <= done < ROWS, "the import was not caught half-way"
    assert child.returncode == -signal.SIGKILL
    connection.close()
    assert not Institution.objects.filter(name__startswith="平顺县第").exists()
    assert database_fingerprint() == before
