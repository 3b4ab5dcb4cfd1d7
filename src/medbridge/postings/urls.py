from django.urls import path

from medbridge.postings import views

app_name = "postings"

urlpatterns = [
    path("", views.posting_list, name="posting_list"),
    path("new/", views.posting_create, name="posting_create"),
    path("<int:pk>/", views.posting_detail, name="posting_detail"),
    path("<int:pk>/edit/", views.posting_edit, name="posting_edit"),
    path("<int:pk>/status/", views.posting_transition, name="posting_transition"),
    path("<int:pk>/logs/new/", views.worklog_add, name="worklog_add"),
    path("<int:pk>/evaluations/new/", views.evaluation_add, name="evaluation_add"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/approve/", views.batch_approve, name="batch_approve"),
    path("batches/<int:pk>/handover/<int:posting_pk>/", views.handover, name="handover"),
    path("people/<int:pk>/", views.profile, name="profile"),
    path("people/<int:pk>/goals/new/", views.career_goal_add, name="career_goal_add"),
    path("people/<int:pk>/goals/<int:goal_pk>/status/", views.career_goal_status, name="career_goal_status"),
]
