"""Two offices entering overlapping postings for one person at the same moment:
exactly one is kept, the other is refused with the overlap message."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from medbridge.accounts.models import User
from medbridge.directory.models import Institution, Professional
from medbridge.postings import services
from medbridge.postings.models import Posting
from medbridge.programmes.models import Programme
from tests.postings.conftest import stationed_data

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_overlapping_postings_keep_exactly_one(
    weihai_admin: User, paired: Programme, surgeon: Professional, gangcha_hospital: Institution
) -> None:
    attempts = 6
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []

    def enter(offset: int) -> None:
        data = stationed_data(paired, surgeon, gangcha_hospital, date(2024, 3, 1 + offset), date(2024, 8, 31))
        barrier.wait()
        try:
            services.posting_create(actor=weihai_admin, data=data)
            outcomes.append("kept")
        except ValidationError as error:
            outcomes.append("refused" if "此期间已有派驻" in str(error) else f"other: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=enter, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["kept"] + ["refused"] * (attempts - 1)
    assert Posting.objects.filter(professional=surgeon).count() == 1
