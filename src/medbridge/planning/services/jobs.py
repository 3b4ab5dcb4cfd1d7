"""Schedule plans solved in the background with visible progress.

A solve takes from under a second to a minute. It runs in a thread (as imports do,
see ``interop/services/jobs.py``); each improving plan the solver finds is kept in
this process's memory, where the plan page reads it while the plan's row still says
计算中. When ``IMPORTS_INLINE`` is set (tests, the demo seed) it runs at once.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils.translation import gettext as _

from medbridge.planning.adapters import scheduling as adapter
from medbridge.planning.models import PlannedSession, PlanStatus, SchedulePlan
from medbridge.planning.scheduling import InvalidScheduleInput, Progress, plan

logger = logging.getLogger(__name__)

# Seconds the solver may take, and the gap to the proven bound at which it stops.
SOLVE_SECONDS = 30.0
SOLVE_GAP = 0.02

_progress: dict[int, list[dict[str, float]]] = {}
_progress_lock = threading.Lock()


def solve_start(plan_id: int) -> None:
    """Solves the plan at once when ``IMPORTS_INLINE``, else in a thread after commit."""
    if settings.IMPORTS_INLINE:
        solve_run(plan_id)
        return
    thread = threading.Thread(target=_run_in_thread, args=(plan_id,), name=f"schedule-plan-{plan_id}", daemon=True)
    # The thread reads the plan through its own connection: it must be committed first.
    transaction.on_commit(thread.start)


def _run_in_thread(plan_id: int) -> None:
    try:
        solve_run(plan_id)
    except Exception:
        logger.exception("schedule plan %s crashed", plan_id)
        SchedulePlan.objects.filter(pk=plan_id).update(
            status=PlanStatus.FAILED, error=_("计算时发生内部错误，请联系系统管理员")
        )
    finally:
        # Threads get their own database connections; close this one, not leak it.
        connections.close_all()


def solve_run(plan_id: int) -> None:
    record = SchedulePlan.objects.select_related("programme").get(pk=plan_id)
    data = adapter.plan_input(record)
    try:
        result = plan(
            data.problem, seconds=SOLVE_SECONDS, workers=2, gap=SOLVE_GAP, on_progress=lambda p: _report(plan_id, p)
        )
    except InvalidScheduleInput as error:
        logger.warning("schedule plan %s: invalid input %s", plan_id, error)
        SchedulePlan.objects.filter(pk=plan_id).update(status=PlanStatus.FAILED, error=_("输入数据有误，无法排班"))
        return
    with transaction.atomic():
        PlannedSession.objects.bulk_create(
            PlannedSession(
                plan=record,
                expert=data.experts[s.expert],
                department=data.hosts[s.host],
                specialty=data.specialties[s.specialty],
                day=adapter.session_day(record, s),
            )
            for s in result.sessions
        )
        SchedulePlan.objects.filter(pk=plan_id).update(
            status=PlanStatus.READY,
            objective=result.objective,
            outcomes=[adapter.outcome_row(o, data) for o in result.outcomes],
            progress=progress_of(plan_id),
        )
    with _progress_lock:
        _progress.pop(plan_id, None)


def _report(plan_id: int, progress: Progress) -> None:
    bound = progress.bound if progress.bound != float("inf") else None
    point: dict[str, Any] = {"seconds": round(progress.seconds, 2), "objective": progress.objective, "bound": bound}
    with _progress_lock:
        _progress.setdefault(plan_id, []).append(point)


def progress_of(plan_id: int) -> list[dict[str, float]]:
    """The improving plans found so far by a solve still running in this process."""
    with _progress_lock:
        return list(_progress.get(plan_id, []))
