from django.urls import path

from medbridge.fhir import views

app_name = "fhir"

urlpatterns = [
    path("", views.metadata, name="base"),
    path("metadata", views.metadata, name="metadata"),
    path("<str:resource_type>", views.type_search, name="search"),
    path("<str:resource_type>/<str:resource_id>", views.instance_read, name="read"),
]
