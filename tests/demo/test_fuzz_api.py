"""Schemathesis fuzzes the whole JSON API in-process.

Every operation of the OpenAPI schema at /api/v1/ gets generated requests from
three callers: a hospital administrator and a commission officer of the demo
(Bearer tokens with real scope over real records) and an anonymous caller. Then
a state machine follows the links schemathesis infers between operations (a
created record's id fed to its detail and action endpoints). A request may be
refused, but never with a server error, never with a status code or content
type the schema does not document, and never with a body that does not match it.

The count of requests is taken where they reach the Django application, so the
number asserted is the number actually served.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, Phase, given
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from medbridge.accounts.models import User
from medbridge.accounts.services import api_token_create

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MIN_REQUESTS = 5000
EXAMPLES_PER_OPERATION = 11  # x 3 callers x ~170 operations; small input spaces end sooner
STATEFUL_SCENARIOS = 40

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite" and not os.environ.get("MEDBRIDGE_FUZZ_EVERY_DATABASE"),
    reason="make test fuzzes on SQLite; make bench (bench/hardening/fuzz.py) runs it on PostgreSQL too",
)


class CountingApp:
    """The Django WSGI application, counting the requests that reach it."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()
        self.requests = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        self.requests += 1
        return self.handler(environ, start_response)


@pytest.fixture
def app(seeded: Any) -> Iterator[CountingApp]:
    # Django closes "obsolete" connections when a request starts and ends; inside
    # the test's transaction that would poison it, so, like Django's own test
    # client, the connection is left alone while the fuzzer runs.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield CountingApp()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def bearer(username: str) -> dict[str, str]:
    user = User.objects.get(username=username)
    _, secret = api_token_create(actor=user, user=user, name="fuzz")
    return {"Authorization": f"Bearer {secret}"}


FUZZ_SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,  # the same requests on every run: CI must not flake on a new seed
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def fuzz_operation(operation: Any, headers: dict[str, str]) -> str | None:
    @given(case=operation.as_strategy())
    @FUZZ_SETTINGS
    def fuzz(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        fuzz()
    except (Exception, BaseExceptionGroup) as exc:  # every failing operation is reported, not just the first
        return f"{operation.label}: {exc}"
    return None


def test_every_operation_answers_within_its_schema_for_every_caller(app: CountingApp) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    callers = {"hospital admin": bearer("czrmyy"), "commission officer": bearer("changzhi"), "anonymous": {}}
    operations = [result.ok() for result in schema.get_all_operations()]
    failures = [
        f"{name} {failure}"
        for name, headers in callers.items()
        for operation in operations
        if (failure := fuzz_operation(operation, headers))
    ]
    assert not failures, "\n\n".join(failures)
    stateless = app.requests

    failures += run_state_machine(schema, bearer("czrmyy"))
    assert not failures, "\n\n".join(failures)
    print(
        f"\nschemathesis: {stateless} requests over {len(operations)} operations, {app.requests} with the state machine"
    )
    assert app.requests >= MIN_REQUESTS


def run_state_machine(schema: Any, headers: dict[str, str]) -> list[str]:
    class Scenario(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, headers=headers)

    settings = hypothesis.settings(
        FUZZ_SETTINGS, max_examples=STATEFUL_SCENARIOS, stateful_step_count=6, phases=[Phase.generate]
    )
    try:
        Scenario.run(settings=settings)
    except (Exception, BaseExceptionGroup) as exc:
        return [f"state machine: {exc}"]
    return []
