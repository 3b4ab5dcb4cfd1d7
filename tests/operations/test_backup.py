"""``medbridge backup`` and ``medbridge restore``: a restore gives back exactly the
database that was backed up, table by table, on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from medbridge.accounts.models import User
from medbridge.clinics.models import ClinicSession
from medbridge.directory.models import Institution, Professional
from medbridge.operations.selectors import database_fingerprint
from tests.factories import ClinicSessionFactory, InstitutionFactory, ProfessionalFactory
from tests.operations.conftest import MEDBRIDGE, child_environment

pytestmark = pytest.mark.django_db(transaction=True)


def records(sysadmin: User) -> None:
    hospital = InstitutionFactory(name="长治市人民医院")
    ProfessionalFactory(name="王芳", institution=hospital, phone="13812345678")
    ClinicSessionFactory(host=hospital)


def test_a_restored_backup_has_every_table_exactly_as_it_was(sysadmin: User, tmp_path: Path) -> None:
    records(sysadmin)
    before = database_fingerprint()
    call_command("backup", str(tmp_path / "medbridge.backup"), stdout=StringIO())
    ClinicSession.objects.all().delete()
    Professional.objects.filter(name="王芳").update(name="王芳芳")
    InstitutionFactory(name="备份之后新建的医院")

    call_command("restore", str(tmp_path / "medbridge.backup"), force=True, stdout=StringIO())

    assert database_fingerprint() == before
    assert Professional.objects.get(name="王芳").phone == "13812345678"
    assert ClinicSession.objects.count() == 1
    assert not Institution.objects.filter(name="备份之后新建的医院").exists()


def test_restore_refuses_a_database_that_holds_data_without_force(sysadmin: User, tmp_path: Path) -> None:
    call_command("backup", str(tmp_path / "medbridge.backup"), stdout=StringIO())
    InstitutionFactory(name="备份之后新建的医院")

    with pytest.raises(CommandError, match=r"目标数据库不是空的.*--force"):
        call_command("restore", str(tmp_path / "medbridge.backup"), stdout=StringIO())

    assert Institution.objects.filter(name="备份之后新建的医院").exists()


def test_restore_refuses_a_file_that_is_not_a_backup(sysadmin: User, tmp_path: Path) -> None:
    (tmp_path / "notes.backup").write_text("不是备份")
    InstitutionFactory(name="长治市人民医院")

    with pytest.raises(CommandError, match="备份文件不是"):
        call_command("restore", str(tmp_path / "notes.backup"), force=True, stdout=StringIO())

    assert Institution.objects.filter(name="长治市人民医院").exists()


def test_the_console_script_backs_up_to_the_named_file(sysadmin: User, tmp_path: Path) -> None:
    target = tmp_path / "nightly.backup"

    done = subprocess.run(
        [MEDBRIDGE, "backup", str(target)], env=child_environment(), capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stderr
    assert "已备份" in done.stdout
    assert target.stat().st_size > 0
    assert not target.with_name("nightly.backup.partial").exists()
