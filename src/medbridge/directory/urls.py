from django.urls import path

from medbridge.directory import views

app_name = "directory"

urlpatterns = [
    path("institutions/", views.institution_list, name="institution_list"),
    path("institutions/new/", views.institution_create, name="institution_create"),
    path("institutions/<int:pk>/", views.institution_detail, name="institution_detail"),
    path("institutions/<int:pk>/edit/", views.institution_edit, name="institution_edit"),
    path("institutions/<int:pk>/departments/new/", views.department_create, name="department_create"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("professionals/", views.professional_list, name="professional_list"),
    path("professionals/new/", views.professional_create, name="professional_create"),
    path("professionals/<int:pk>/", views.professional_detail, name="professional_detail"),
    path("professionals/<int:pk>/edit/", views.professional_edit, name="professional_edit"),
]
