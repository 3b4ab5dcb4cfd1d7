from django.urls import path

from medbridge.clinics import views

app_name = "clinics"

urlpatterns = [
    # Public, no sign-in.
    path("", views.public_list, name="public_list"),
    path("experts/<int:pk>/", views.public_expert, name="public_expert"),
    path("sessions/<int:pk>/book/", views.public_book, name="public_book"),
    path("booked/<str:code>/", views.public_booked, name="public_booked"),
    path("cancel/", views.public_cancel, name="public_cancel"),
    # The host hospital's side.
    path("manage/", views.session_list, name="session_list"),
    path("manage/new/", views.series_create, name="series_create"),
    path("manage/new-session/", views.session_create, name="session_create"),
    path("manage/<int:pk>/", views.session_detail, name="session_detail"),
    path("manage/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("manage/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("manage/<int:pk>/close/", views.session_close, name="session_close"),
    path("manage/<int:pk>/walk-ins/", views.session_walk_ins, name="session_walk_ins"),
    path("manage/<int:pk>/bookings/<int:booking_pk>/<str:action>/", views.booking_mark, name="booking_mark"),
    path("manage/<int:pk>/roster.xlsx", views.roster_export, name="roster_export"),
    path("manage/<int:pk>/print/", views.roster_print, name="roster_print"),
]
