"""Writes for planning: matching rounds (``rounds``) and visiting-schedule plans
(``plans``, solved in the background by ``jobs``). Pages, the API, the importer
and the demo call these."""

from medbridge.planning.services.plans import (
    DemandData,
    PlanData,
    host_demand_add,
    host_demand_remove,
    plan_accept,
    plan_session_move,
    plan_session_remove,
    plan_start,
)
from medbridge.planning.services.rounds import (
    ApplicationData,
    RoundData,
    application_add,
    application_remove,
    department_ranking_set,
    round_department_add,
    round_department_remove,
    round_open,
    round_publish,
    round_run,
    round_validate,
)

__all__ = [
    "ApplicationData",
    "DemandData",
    "PlanData",
    "RoundData",
    "application_add",
    "application_remove",
    "department_ranking_set",
    "host_demand_add",
    "host_demand_remove",
    "plan_accept",
    "plan_session_move",
    "plan_session_remove",
    "plan_start",
    "round_department_add",
    "round_department_remove",
    "round_open",
    "round_publish",
    "round_run",
    "round_validate",
]
