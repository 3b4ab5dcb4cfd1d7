"""Programme pages: thin handlers that look records up through the access module,
read through selectors and write through services."""

from __future__ import annotations

from itertools import groupby
from pathlib import PurePath
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medbridge.accounts import access
from medbridge.accounts.decorators import directory_user_required
from medbridge.directory.selectors import region_lookup
from medbridge.programmes import selectors, services
from medbridge.programmes.forms import (
    AgreementForm,
    EngagementForm,
    PartyForm,
    ProgrammeCreateForm,
    ProgrammeForm,
    StationForm,
    TargetForm,
)
from medbridge.programmes.models import Party, PartyRole, Programme, ProgrammeKind, ProgrammeStatus, StationKind
from medbridge.web.forms import int_or_none, run_form, saved
from medbridge.web.pagination import paginate


def _editable_programmes(user: Any) -> QuerySet[Programme]:
    # Candidates for a parent programme.
    return access.programmes_editable_by(user)


def _form_page(request: HttpRequest, form: forms.Form, title: str, back: str, **extra: Any) -> HttpResponse:
    return render(request, "programmes/form.html", {"form": form, "title": title, "back": back, **extra})


# --- Programmes ----------------------------------------------------------------


def _filter_from(request: HttpRequest) -> selectors.ProgrammeFilter:
    region_text = request.GET.get("region", "").strip()
    region = region_lookup(region_text)
    return selectors.ProgrammeFilter(
        q=request.GET.get("q", "").strip(),
        kind=request.GET.get("kind", ""),
        status=request.GET.get("status", ""),
        # An unknown region filters to nothing rather than being silently ignored.
        region=region.code if region else region_text,
        year=int_or_none(request.GET.get("year")),
    )


@directory_user_required
def programme_list(request: HttpRequest) -> HttpResponse:
    f = _filter_from(request)
    context = {
        "page": paginate(request, selectors.programme_list(request.user, f)),
        "filter": f,
        "region_text": request.GET.get("region", "").strip(),
        "kinds": ProgrammeKind.choices,
        "statuses": ProgrammeStatus.choices,
    }
    return render(request, "programmes/programme_list.html", context)


# Who runs it first, then who supports and who receives: the order a commission
# reads a programme in. A role added later sorts after these.
ROLE_ORDER = ["guiding", "organising", "hosting", "lead", "supporting", "trustee", "trusteed", "recipient"]


def _role_rank(party: Party) -> int:
    return ROLE_ORDER.index(party.role) if party.role in ROLE_ORDER else len(ROLE_ORDER)


def _parties_by_role(programme: Programme) -> list[tuple[str, list[Party]]]:
    parties = selectors.programme_parties(programme).select_related("institution__region__parent__parent")
    ordered = sorted(parties, key=_role_rank)
    return [(str(PartyRole(role).label), list(group)) for role, group in groupby(ordered, key=lambda p: p.role)]


def _target_table(programme: Programme) -> dict[str, Any]:
    """The selector's metric × year table, each cell with its target's id so that
    an editor can delete it from the table."""
    years, rows = selectors.programme_targets(programme)
    ids = {(t.metric, t.year): t.pk for t in programme.targets.only("pk", "metric", "year")}
    cells = [(row, [(row.by_year.get(year), ids.get((row.metric, year))) for year in years]) for row in rows]
    return {"target_years": years, "target_rows": cells}


@directory_user_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk)
    current, past = selectors.engagements_split(programme.engagements.select_related("station"))
    context = {
        "programme": programme,
        "can_edit": access.can_edit_programme(request.user, programme),
        "parties_by_role": _parties_by_role(programme),
        "children": selectors.programme_children(request.user, programme),
        "stations": selectors.station_list(request.user, programme=programme),
        "current_experts": current,
        "past_experts": past,
        "agreements": programme.agreements.all(),
        "timeline": selectors.programme_timeline(programme, request.user),
        **_target_table(programme),
    }
    return render(request, "programmes/programme_detail.html", context)


@directory_user_required
def programme_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"institution": getattr(user, "institution_id", None), "parent": int_or_none(request.GET.get("parent"))}
    form = ProgrammeCreateForm(request.POST or None, user=user, parents=_editable_programmes(user), initial=initial)
    programme = run_form(
        request,
        form,
        lambda: services.programme_create(actor=user, data=form.to_data(), first_party=form.first_party()),
    )
    if programme:
        return saved(request, _("已创建项目“%(name)s”") % {"name": programme.name}, programme)
    return _form_page(request, form, _("新建项目"), "")


@directory_user_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk, for_write=True)
    parents = _editable_programmes(request.user).exclude(pk=programme.pk)
    form = ProgrammeForm(request.POST or None, parents=parents, initial=ProgrammeForm.initial_from(programme))
    if run_form(
        request, form, lambda: services.programme_update(actor=request.user, programme=programme, data=form.to_data())
    ):
        return saved(request, _("已保存"), programme)
    title = _("编辑项目：%(name)s") % {"name": programme.name}
    return _form_page(request, form, title, programme.get_absolute_url())


# --- Parties -------------------------------------------------------------------------


@directory_user_required
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk, for_write=True)
    form = PartyForm(request.POST or None, user=request.user)
    party = run_form(
        request, form, lambda: services.party_add(actor=request.user, programme=programme, data=form.to_data())
    )
    if party:
        return saved(request, _("已添加参与方“%(party)s”") % {"party": party}, programme)
    # Names only: the receiving side may lie in another province, beyond the user's directory.
    names = access.partner_candidates(request.user).values_list("name", flat=True)
    title = _("添加参与方：%(name)s") % {"name": programme.name}
    return _form_page(request, form, title, programme.get_absolute_url(), institution_names=names)


@directory_user_required
def party_edit(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk, for_write=True)
    party = get_object_or_404(programme.parties.select_related("institution", "department"), pk=party_pk)
    initial = {
        "institution": party.institution.name,
        "department": party.department.name if party.department else "",
        "role": party.role,
        "joined_on": party.joined_on,
        "note": party.note,
    }
    form = PartyForm(request.POST or None, user=request.user, initial=initial)
    updated = run_form(
        request, form, lambda: services.party_update(actor=request.user, party=party, data=form.to_data())
    )
    if updated:
        return saved(request, _("已保存参与方“%(party)s”") % {"party": updated}, programme)
    names = access.partner_candidates(request.user).values_list("name", flat=True)
    title = _("修改参与方：%(name)s") % {"name": party.institution.name}
    return _form_page(request, form, title, programme.get_absolute_url(), institution_names=names)


@require_POST
@directory_user_required
def party_remove(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk, for_write=True)
    party = get_object_or_404(programme.parties.select_related("institution"), pk=party_pk)
    try:
        services.party_remove(actor=request.user, party=party)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已移除参与方“%(name)s”") % {"name": party.institution.name})
    return redirect(programme)


# --- Agreements ----------------------------------------------------------------------


@directory_user_required
def agreement_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk, for_write=True)
    form = AgreementForm(request.POST or None, request.FILES or None)
    if run_form(
        request, form, lambda: services.agreement_add(actor=request.user, programme=programme, data=form.to_data())
    ):
        return saved(request, _("已上传协议文件"), programme)
    title = _("上传协议文件：%(name)s") % {"name": programme.name}
    return _form_page(request, form, title, programme.get_absolute_url())


@directory_user_required
def agreement_download(request: HttpRequest, pk: int, agreement_pk: int) -> HttpResponse:
    # Agreements are served through here, never from a public media URL, so that
    # only those who may see the programme may read what it signed.
    programme = access.access_programme(request.user, pk)
    agreement = get_object_or_404(programme.agreements, pk=agreement_pk)
    if not agreement.file:
        raise Http404(_("该协议没有上传文件"))
    name = PurePath(agreement.file.name or "").name
    response = FileResponse(agreement.file.open("rb"), as_attachment=True, filename=name)
    # The access decorators are typed for HttpResponse; a streamed file is a sibling class.
    return cast(HttpResponse, response)


@require_POST
@directory_user_required
def agreement_delete(request: HttpRequest, pk: int, agreement_pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk, for_write=True)
    agreement = get_object_or_404(programme.agreements, pk=agreement_pk)
    services.agreement_delete(actor=request.user, agreement=agreement)
    messages.success(request, _("已删除协议文件“%(title)s”") % {"title": agreement.title})
    return redirect(programme)


# --- Targets -------------------------------------------------------------------------


@directory_user_required
def target_set(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk, for_write=True)
    form = TargetForm(request.POST or None, initial={"year": int_or_none(request.GET.get("year"))})
    target = run_form(
        request, form, lambda: services.target_set(actor=request.user, programme=programme, **form.cleaned_data)
    )
    if target:
        return saved(request, _("已保存年度目标：%(target)s") % {"target": target}, programme)
    title = _("设定年度目标：%(name)s") % {"name": programme.name}
    return _form_page(request, form, title, programme.get_absolute_url())


@require_POST
@directory_user_required
def target_delete(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk, for_write=True)
    target = get_object_or_404(programme.targets, pk=target_pk)
    services.target_delete(actor=request.user, target=target)
    messages.success(request, _("已删除年度目标“%(target)s”") % {"target": target})
    return redirect(programme)


# --- Stations ------------------------------------------------------------------------


@directory_user_required
def station_list(request: HttpRequest) -> HttpResponse:
    q, kind = request.GET.get("q", "").strip(), request.GET.get("kind", "")
    context = {
        "page": paginate(request, selectors.station_list(request.user, q=q, kind=kind)),
        "q": q,
        "kind": kind,
        "kinds": StationKind.choices,
    }
    return render(request, "programmes/station_list.html", context)


@directory_user_required
def station_detail(request: HttpRequest, pk: int) -> HttpResponse:
    station = access.access_station(request.user, pk)
    current, past = selectors.engagements_split(station.engagements.all())
    context = {
        "station": station,
        "can_edit": access.can_edit_programme(request.user, station.programme),
        "current_experts": current,
        "past_experts": past,
    }
    return render(request, "programmes/station_detail.html", context)


@directory_user_required
def station_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk, for_write=True)
    form = StationForm(request.POST or None, user=request.user, programme=programme)
    station = run_form(request, form, lambda: services.station_create(actor=request.user, data=form.to_data()))
    if station:
        return saved(request, _("已设立“%(name)s”") % {"name": station.name}, station)
    title = _("设立工作站/基地：%(name)s") % {"name": programme.name}
    return _form_page(request, form, title, programme.get_absolute_url())


@directory_user_required
def station_edit(request: HttpRequest, pk: int) -> HttpResponse:
    station = access.access_station(request.user, pk, for_write=True)
    initial = StationForm.initial_from(station)
    form = StationForm(request.POST or None, user=request.user, programme=station.programme, initial=initial)
    if run_form(
        request, form, lambda: services.station_update(actor=request.user, station=station, data=form.to_data())
    ):
        return saved(request, _("已保存"), station)
    title = _("编辑工作站/基地：%(name)s") % {"name": station.name}
    return _form_page(request, form, title, station.get_absolute_url())


# --- Engagements ----------------------------------------------------------------------


def _engagement_form(request: HttpRequest, programme: Programme, initial: dict[str, Any]) -> EngagementForm:
    search = request.GET.get("q", "").strip()
    return EngagementForm(request.POST or None, user=request.user, programme=programme, search=search, initial=initial)


def _engagement_page(request: HttpRequest, form: EngagementForm, title: str, programme: Programme) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    return _form_page(request, form, title, programme.get_absolute_url(), expert_search=True, q=q)


@directory_user_required
def engagement_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk, for_write=True)
    form = _engagement_form(request, programme, {"station": int_or_none(request.GET.get("station"))})
    engagement = run_form(request, form, lambda: services.engagement_create(actor=request.user, data=form.to_data()))
    if engagement:
        message = _("已聘任“%(name)s”") % {"name": engagement.professional.name}
        return saved(request, message, engagement.station or programme)
    return _engagement_page(request, form, _("聘任专家：%(name)s") % {"name": programme.name}, programme)


@directory_user_required
def engagement_edit(request: HttpRequest, pk: int, engagement_pk: int) -> HttpResponse:
    programme = access.access_programme(request.user, pk, for_write=True)
    engagement = get_object_or_404(programme.engagements.select_related("professional", "station"), pk=engagement_pk)
    form = _engagement_form(request, programme, EngagementForm.initial_from(engagement))
    if run_form(
        request,
        form,
        lambda: services.engagement_update(actor=request.user, engagement=engagement, data=form.to_data()),
    ):
        return saved(request, _("已保存"), engagement.station or programme)
    title = _("编辑聘任：%(name)s") % {"name": engagement.professional.name}
    return _engagement_page(request, form, title, programme)
