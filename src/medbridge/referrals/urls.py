from django.urls import path

from medbridge.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.board, name="board"),
    path("list/", views.referral_list, name="referral_list"),
    path("new/", views.referral_create, name="referral_create"),
    path("figures/", views.figures, name="figures"),
    path("export.xlsx", views.export_download, name="export"),
    path("<int:pk>/", views.referral_detail, name="referral_detail"),
    path("<int:pk>/<slug:action>/", views.referral_transition, name="referral_transition"),
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/new/", views.consultation_create, name="consultation_create"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("consultations/<int:pk>/schedule/", views.consultation_schedule, name="consultation_schedule"),
    path("consultations/<int:pk>/opinion/", views.consultation_opinion, name="consultation_opinion"),
    path("consultations/<int:pk>/cancel/", views.consultation_cancel, name="consultation_cancel"),
    path("consultations/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "consultations/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
