"""Two people at the receiving hospital press "accept" and "decline" at the same
moment: the row lock lets exactly one step through and refuses the other."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from medbridge.accounts.models import User
from medbridge.referrals import services
from medbridge.referrals.models import Referral, ReferralEvent


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections: PostgreSQL")
def test_simultaneous_accept_and_decline_let_exactly_one_through(referral: Referral, lead_admin: User) -> None:
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def press(action: str, note: str) -> None:
        stale = Referral.objects.get(pk=referral.pk)
        start.wait()
        try:
            services.referral_transition(actor=lead_admin, referral=stale, action=action, note=note)
            outcomes.append(action)
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=args) for args in (("accept", ""), ("decline", "床位已满"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes).count("refused") == 1
    winner = next(o for o in outcomes if o != "refused")
    steps: Any = ReferralEvent.objects.filter(referral=referral).exclude(action="request")
    assert list(steps.values_list("action", flat=True)) == [winner]
