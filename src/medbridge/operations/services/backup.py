"""Backups and restores of the whole database, with the engine's own tools.

SQLite is copied with its online backup API, which gives a consistent snapshot
while the site keeps writing (a plain file copy of a WAL database can catch a
half-applied checkpoint). PostgreSQL is dumped with ``pg_dump`` in its custom
format and read back with ``pg_restore`` in a single transaction, so a restore
that fails half-way leaves the database as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from medbridge.operations.selectors import tables_with_rows


class OperationsError(Exception):
    """A backup or restore that cannot go ahead; the message is for the operator."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    engine: str
    size_bytes: int


def backup_create(*, path: Path) -> BackupReport:
    """Write a backup of the database to ``path``. It is written next to ``path``
    first and renamed at the end, so an interrupted backup never leaves a
    truncated file under the name the operator will later restore from."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    _engine().backup(partial)
    partial.replace(path)
    return BackupReport(path=path, engine=connection.vendor, size_bytes=path.stat().st_size)


def backup_restore(*, path: Path, force: bool) -> None:
    """Replace the database's contents with the backup at ``path``. Refuses a
    database that already holds data unless ``force``: a restore onto the wrong
    server would otherwise erase it silently."""
    if not path.is_file():
        raise OperationsError(_("备份文件不存在：%(path)s") % {"path": path})
    occupied = tables_with_rows()
    if occupied and not force:
        raise OperationsError(
            _("目标数据库不是空的（%(tables)s 等 %(count)s 个表已有数据），恢复将覆盖这些数据。确认覆盖请加 --force。")
            % {"tables": "、".join(occupied[:3]), "count": len(occupied)}
        )
    _engine().restore(path)


@dataclass(frozen=True)
class _Engine:
    backup: Callable[[Path], None]
    restore: Callable[[Path], None]


def _engine() -> _Engine:
    engines = {
        "sqlite": _Engine(backup=_sqlite_backup, restore=_sqlite_restore),
        "postgresql": _Engine(backup=_pg_dump, restore=_pg_restore),
    }
    if connection.vendor not in engines:
        raise OperationsError(_("不支持的数据库：%(vendor)s") % {"vendor": connection.vendor})
    return engines[connection.vendor]


# --- SQLite -------------------------------------------------------------------------------


def _sqlite_backup(target: Path) -> None:
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)


def _sqlite_restore(source: Path) -> None:
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup:
        try:
            ok = backup.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        except sqlite3.DatabaseError:
            ok = False
        if not ok:
            raise OperationsError(_("备份文件不是完好的 SQLite 数据库：%(path)s") % {"path": source})
        # Django's own connection is closed first: the backup API takes the
        # target's write lock for the whole copy and pages change under it.
        connection.close()
        with closing(sqlite3.connect(connection.settings_dict["NAME"])) as target:
            backup.backup(target)


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_dump(target: Path) -> None:
    _require_client_for_server("pg_dump")
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}"])


def _pg_restore(source: Path) -> None:
    _require_client_for_server("pg_restore")
    if subprocess.run([_tool("pg_restore"), "--list", str(source)], capture_output=True).returncode:  # noqa: S603
        raise OperationsError(_("备份文件不是 pg_dump 的自定义格式：%(path)s") % {"path": source})
    connection.close()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(source),
        ]
    )


def _require_client_for_server(tool: str) -> None:
    """pg_dump refuses servers newer than itself; say so before it half-starts."""
    version = subprocess.run([_tool(tool), "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"(\d+)\.", version)
    client = int(match.group(1)) if match else 0
    connection.ensure_connection()
    server = connection.pg_version // 10000  # type: ignore[attr-defined]
    if client < server:
        raise OperationsError(
            _("%(tool)s 版本 %(client)s 低于数据库服务器版本 %(server)s，请安装匹配的客户端")
            % {"tool": tool, "client": client, "server": server}
        )


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise OperationsError(_("找不到 %(tool)s，请安装 PostgreSQL 客户端（postgresql-client）") % {"tool": name})
    return found


def _run(command: list[str]) -> None:
    done = subprocess.run([_tool(command[0]), *command[1:]], env=_pg_environment(), capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        raise OperationsError(
            _("%(tool)s 失败：%(detail)s") % {"tool": command[0], "detail": done.stderr.strip()[-2000:]}
        )


def _pg_environment() -> dict[str, str]:
    # libpq's variables rather than a URL on the command line, where the
    # password would show in the process list.
    settings: dict[str, Any] = connection.settings_dict
    names = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "NAME": "PGDATABASE"}
    env = {k: v for k, v in os.environ.items() if k not in names.values()}
    env.update({variable: str(settings[key]) for key, variable in names.items() if settings.get(key)})
    return env
