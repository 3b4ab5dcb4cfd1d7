"""Reads over the whole database, table by table, through Django's connection:
what a backup must reproduce and what a restore must not overwrite."""

from __future__ import annotations

import hashlib

from django.db import connection

# Tables `migrate` fills by itself: a database holding only these is still empty.
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})


def database_tables() -> list[str]:
    return sorted(connection.introspection.table_names())


def table_fingerprint(table: str) -> tuple[int, str]:
    """Row count and a SHA-256 over the rows in a stable order, to compare two
    copies of a database without caring how each engine orders a bare SELECT."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a name from introspection
        rows = sorted(repr(row) for row in cursor.fetchall())
    digest = hashlib.sha256()
    for row in rows:
        digest.update(row.encode())
    return len(rows), digest.hexdigest()


def database_fingerprint() -> dict[str, tuple[int, str]]:
    return {table: table_fingerprint(table) for table in database_tables()}


def tables_with_rows() -> list[str]:
    """Tables other than migrate's bookkeeping that hold at least one row."""
    found = []
    with connection.cursor() as cursor:
        for table in database_tables():
            if table in BOOKKEEPING_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                found.append(table)
    return found
