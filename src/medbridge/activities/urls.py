from django.urls import path

from medbridge.activities import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("new/", views.activity_create, name="activity_create"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("<int:pk>/invite/", views.participant_invite, name="participant_invite"),
    path("<int:pk>/participants/<int:participant_pk>/rsvp/", views.participant_respond, name="participant_respond"),
    path(
        "<int:pk>/participants/<int:participant_pk>/attendance/",
        views.participant_attendance,
        name="participant_attendance",
    ),
    path("<int:pk>/participants/<int:participant_pk>/remove/", views.participant_remove, name="participant_remove"),
    path("<int:pk>/attachments/new/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/file/", views.attachment_download, name="attachment_download"),
    path("<int:pk>/itinerary/", views.itinerary_day, name="itinerary_day"),
    path("<int:pk>/sessions/new/", views.session_add, name="session_add"),
    path("<int:pk>/sessions/<int:session_pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("<int:pk>/enrol/", views.enrol, name="enrol"),
    path("<int:pk>/enrolments/<int:enrolment_pk>/certificate.pdf", views.certificate, name="certificate"),
    path("hometown/", views.hometown_list, name="hometown_list"),
    path("hometown/<int:pk>/", views.hometown_detail, name="hometown_detail"),
    path("hometown/<int:pk>/tags/", views.hometown_tags, name="hometown_tags"),
    path("hometown/<int:pk>/contacts/", views.hometown_contact, name="hometown_contact"),
    path("hometown/<int:pk>/pledges/", views.hometown_pledge, name="hometown_pledge"),
    path("hometown/<int:pk>/invite/", views.hometown_invite, name="hometown_invite"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:pk>/", views.follow_up_edit, name="follow_up_edit"),
]
