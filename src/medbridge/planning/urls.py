from django.urls import path

from medbridge.planning.views import plans, rounds

app_name = "planning"

urlpatterns = [
    path("", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/departments/new/", rounds.department_add, name="department_add"),
    path("rounds/<int:pk>/departments/<int:department_pk>/remove/", rounds.department_remove, name="department_remove"),
    path(
        "rounds/<int:pk>/departments/<int:department_pk>/ranking/", rounds.department_ranking, name="department_ranking"
    ),
    path("rounds/<int:pk>/applications/new/", rounds.application_add, name="application_add"),
    path("rounds/<int:pk>/applications/import/", rounds.application_import, name="application_import"),
    path("rounds/<int:pk>/applications/template.xlsx", rounds.application_template, name="application_template"),
    path(
        "rounds/<int:pk>/applications/<int:application_pk>/remove/",
        rounds.application_remove,
        name="application_remove",
    ),
    path("rounds/<int:pk>/run/", rounds.round_run, name="round_run"),
    path("rounds/<int:pk>/publish/", rounds.round_publish, name="round_publish"),
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/progress/", plans.plan_progress, name="plan_progress"),
    path("plans/<int:pk>/sessions/<int:session_pk>/remove/", plans.session_remove, name="session_remove"),
    path("plans/<int:pk>/sessions/<int:session_pk>/move/", plans.session_move, name="session_move"),
    path("plans/<int:pk>/accept/", plans.plan_accept, name="plan_accept"),
    path("demand/<int:programme_pk>/", plans.demand, name="demand"),
    path("demand/<int:programme_pk>/<int:demand_pk>/remove/", plans.demand_remove, name="demand_remove"),
]
