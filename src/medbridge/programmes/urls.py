from django.urls import path

from medbridge.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("new/", views.programme_create, name="programme_create"),
    path("<int:pk>/", views.programme_detail, name="programme_detail"),
    path("<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("<int:pk>/parties/new/", views.party_add, name="party_add"),
    path("<int:pk>/parties/<int:party_pk>/edit/", views.party_edit, name="party_edit"),
    path("<int:pk>/parties/<int:party_pk>/remove/", views.party_remove, name="party_remove"),
    path("<int:pk>/agreements/new/", views.agreement_add, name="agreement_add"),
    path("<int:pk>/agreements/<int:agreement_pk>/file/", views.agreement_download, name="agreement_download"),
    path("<int:pk>/agreements/<int:agreement_pk>/delete/", views.agreement_delete, name="agreement_delete"),
    path("<int:pk>/targets/new/", views.target_set, name="target_set"),
    path("<int:pk>/targets/<int:target_pk>/delete/", views.target_delete, name="target_delete"),
    path("<int:pk>/stations/new/", views.station_create, name="station_create"),
    path("<int:pk>/engagements/new/", views.engagement_create, name="engagement_create"),
    path("<int:pk>/engagements/<int:engagement_pk>/edit/", views.engagement_edit, name="engagement_edit"),
    path("stations/", views.station_list, name="station_list"),
    path("stations/<int:pk>/", views.station_detail, name="station_detail"),
    path("stations/<int:pk>/edit/", views.station_edit, name="station_edit"),
]
