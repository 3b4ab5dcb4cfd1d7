"""The demo world, seeded once for the security tests.

Both the fuzzer and the access matrix need every kind of record to exist: the
fuzzer so that its requests reach real rows through the scoped lookups, the
matrix so that every path parameter can be filled with somebody else's record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from auditlog.context import disable_auditlog
from django.db import transaction
from django.test import override_settings

from medbridge.demo.seed import DemoResult, seed_demo


@pytest.fixture(scope="package")
def _seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoResult]:
    # Rolled back at the end of the folder; each test's own transaction nests
    # inside. The audit trail and Argon2 are what make the seed slow, and
    # neither is what these tests are about.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic():
        with fast, disable_auditlog():
            result = seed_demo()
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_once: DemoResult, db: None) -> DemoResult:
    return _seeded_once
