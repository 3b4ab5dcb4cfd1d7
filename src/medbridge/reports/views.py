"""The figures dashboard and the annual reports: thin views over
``reports.selectors`` and ``reports.services``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medbridge.accounts import access
from medbridge.accounts.decorators import directory_user_required
from medbridge.directory.models import Region
from medbridge.reports import jobs, selectors, services
from medbridge.reports.selectors import FigureScope
from medbridge.web.forms import int_or_none


def _scope(request: HttpRequest) -> FigureScope:
    g = request.GET
    programme_pk = int_or_none(g.get("programme"))
    institution_pk = int_or_none(g.get("institution"))
    region = g.get("region", "").strip()
    return FigureScope(
        programme=access.access_programme(request.user, programme_pk) if programme_pk else None,
        region=region.rstrip("0") if region.isdigit() else "",
        institution=access.access_institution(request.user, institution_pk) if institution_pk else None,
        year=int_or_none(g.get("year")),
    )


def _chart_data(result: selectors.Figures, scope: FigureScope, user: Any) -> dict[str, Any]:
    years = result.years
    # The figures were counted without the year; with none chosen, their breakdown is this one.
    specialties = result.breakdown if scope.year is None else selectors.specialty_breakdown(user, scope)
    flows = selectors.people_flows(user, scope)
    experts = selectors.top_experts(user, scope)
    attainment = selectors.target_attainment(scope.programme, result) if scope.programme else []
    return {
        "years": years,
        "trend": {
            m: [result.value(m, y) for y in years] for m in ("stationed", "attachment", "training", "clinic_visits")
        },
        "specialties": [
            {
                "name": s.name,
                "stationed": s.stationed,
                "attachment": s.attachment,
                "training": s.training,
                "visiting": s.visiting,
            }
            for s in specialties
        ],
        "gauges": [
            {"label": f"{a.year} {a.label}", "percent": a.percent, "target": a.target, "actual": a.actual}
            for a in attainment
        ],
        "flows": [
            {"source": f.source, "target": f.target, "people": f.people, "from": f.source_coord, "to": f.target_coord}
            for f in flows
        ],
        "experts": [{"name": e.name, "visits": e.visits} for e in experts],
        "labels": {m: str(label) for m, label in selectors.METRICS.items()}
        | {"visiting": str(_("柔性坐诊")), "percent": str(_("完成率"))},
    }


@directory_user_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    overall = selectors.figures(request.user, FigureScope(scope.programme, scope.region, scope.institution))
    data = _chart_data(overall, scope, request.user)
    context = {
        "scope": scope,
        "figures": overall,
        "cards": [(m, label, overall.value(m, scope.year)) for m, label, _v, _t in overall.rows()],
        "rows": overall.rows(),
        "summary": selectors.summary_paragraph(overall),
        "chart_data": data,
        "programmes": access.programmes_visible_to(request.user).order_by("name"),
        "regions": Region.objects.filter(level__in=("province", "prefecture")).order_by("code"),
        "region_code": request.GET.get("region", ""),
        "report_year": scope.year or timezone.localdate().year,
    }
    return render(request, "reports/dashboard.html", context)


@directory_user_required
@require_POST
def report_start(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk)
    year = int_or_none(request.POST.get("year")) or timezone.localdate().year
    fmt = request.POST.get("format", "xlsx")
    job = jobs.report_job_start(
        user=request.user,  # type: ignore[arg-type]
        programme=programme,
        year=year,
        fmt=fmt if fmt in services.FORMATS else "xlsx",
    )
    return redirect("reports:job", job.pk)


@directory_user_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "reports/job.html", {"job": access.access_report_job(request.user, pk)})


@directory_user_required
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.access_report_job(request.user, pk)
    if job.status != job.Status.SUCCEEDED:
        return redirect("reports:job", job.pk)
    response = HttpResponse(bytes(job.content), content_type=services.CONTENT_TYPES[job.format])
    disposition = "inline" if job.format in ("pdf", "html") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{job.file_name}"'
    return response
