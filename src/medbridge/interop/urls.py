from django.urls import path

from medbridge.interop import views

app_name = "interop"

urlpatterns = [
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_status, name="import_status"),
    path("import/<int:pk>/progress.json", views.import_progress, name="import_progress"),
    path("template.xlsx", views.template_download, name="template"),
    path("export.xlsx", views.export_download, name="export"),
]
