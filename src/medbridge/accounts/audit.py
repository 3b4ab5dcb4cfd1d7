"""Audit registration for accounts, and the helper services use to name the actor."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from auditlog.registry import auditlog


def register() -> None:
    from medbridge.accounts.models import ApiToken, User

    # Only the fields that say who someone is and what they may do; reverse
    # relations (tokens, import jobs) would otherwise appear as noise.
    auditlog.register(
        User,
        include_fields=[
            "username",
            "first_name",
            "email",
            "role",
            "region",
            "institution",
            "professional",
            "is_active",
            "is_staff",
            "is_superuser",
        ],
    )
    auditlog.register(ApiToken, exclude_fields=["key_hash", "last_used_at"])


@contextmanager
def acting_as(actor: Any) -> Iterator[None]:
    """Attribute every audit entry written inside the block to ``actor``.

    Services wrap their writes in this so the CLI, importers and token-authenticated
    API calls, which the audit middleware cannot see, are attributed too. The
    previous context is restored afterwards because auditlog's own ``set_actor``
    leaves its context variable pointing at the inner block.
    """
    from auditlog.context import auditlog_value, set_actor

    previous = auditlog_value.get(None)
    try:
        with set_actor(actor):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)
