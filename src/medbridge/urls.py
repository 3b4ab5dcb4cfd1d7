from django.contrib import admin
from django.urls import include, path

from medbridge.api import api

handler403 = "medbridge.web.views.permission_denied"
handler404 = "medbridge.web.views.page_not_found"

urlpatterns = [
    path("", include("medbridge.web.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("medbridge.accounts.urls")),
    path("directory/", include("medbridge.directory.urls")),
    path("interop/", include("medbridge.interop.urls")),
    path("programmes/", include("medbridge.programmes.urls")),
    path("postings/", include("medbridge.postings.urls")),
    path("referrals/", include("medbridge.referrals.urls")),
    path("activities/", include("medbridge.activities.urls")),
    path("clinics/", include("medbridge.clinics.urls")),
    path("reports/", include("medbridge.reports.urls")),
    path("planning/", include("medbridge.planning.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("fhir/R4/", include("medbridge.fhir.urls")),
    path("", include("medbridge.operations.urls")),
]
