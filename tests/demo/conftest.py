"""The demo, seeded once for every test in this folder: the brief's figures, and
the security tests (the API fuzzer and the access matrix), which need every kind
of record to exist so that requests reach real rows and every path parameter can
be filled with somebody else's record."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from medbridge.demo.seed import DemoResult, seed_demo


@pytest.fixture(scope="package")
def _seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoResult]:
    """Seed once for the folder (the seed takes seconds) inside a transaction that
    is rolled back afterwards; each test's own ``db`` transaction nests inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_demo()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_once: DemoResult, db: None) -> DemoResult:
    return _seeded_once
