"""Directory pages: thin handlers that read through selectors and write through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from medbridge.accounts import access
from medbridge.accounts.decorators import directory_user_required
from medbridge.directory import selectors, services
from medbridge.directory.forms import DepartmentForm, InstitutionForm, ProfessionalForm, apply_service_errors
from medbridge.directory.models import HospitalGrade, InstitutionCategory, ProfessionalTitle, Specialty
from medbridge.web.forms import int_or_none
from medbridge.web.pagination import paginate


@directory_user_required
def institution_list(request: HttpRequest) -> HttpResponse:
    f = selectors.InstitutionFilter(
        q=request.GET.get("q", "").strip(),
        region=request.GET.get("region", ""),
        category=request.GET.get("category", ""),
        grade=request.GET.get("grade", ""),
    )
    context = {
        "page": paginate(request, selectors.institution_list(request.user, f)),
        "filter": f,
        "regions": selectors.regions_for_filter(request.user),
        "categories": InstitutionCategory.objects.filter(parent__isnull=True),
        "grades": HospitalGrade.objects.all(),
    }
    return render(request, "directory/institution_list.html", context)


@directory_user_required
def institution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    institution = access.access_institution(request.user, pk)
    context = {
        "institution": institution,
        "departments": selectors.department_list(request.user, institution=institution),
        "staff": paginate(request, access.professionals_visible_to(request.user).filter(institution=institution)),
        "can_edit": access.can_manage_institution(request.user, institution),
        "department_form": DepartmentForm(),
    }
    return render(request, "directory/institution_detail.html", context)


@directory_user_required
def institution_create(request: HttpRequest) -> HttpResponse:
    form = InstitutionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            institution = services.institution_create(actor=request.user, data=form.to_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已登记机构“%(name)s”") % {"name": institution.name})
            return redirect("directory:institution_detail", pk=institution.pk)
    return render(request, "directory/form.html", {"form": form, "title": _("登记机构")})


@directory_user_required
def institution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    institution = access.access_institution(request.user, pk, for_write=True)
    form = InstitutionForm(request.POST or None, user=request.user, initial=InstitutionForm.initial_from(institution))
    if request.method == "POST" and form.is_valid():
        try:
            services.institution_update(actor=request.user, institution=institution, data=form.to_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已保存"))
            return redirect("directory:institution_detail", pk=institution.pk)
    title = _("编辑机构：%(name)s") % {"name": institution.name}
    return render(request, "directory/form.html", {"form": form, "title": title, "back": institution})


@directory_user_required
def department_create(request: HttpRequest, pk: int) -> HttpResponse:
    institution = access.access_institution(request.user, pk, for_write=True)
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = services.DepartmentData(institution=institution, **form.cleaned_data)
        try:
            services.department_create(actor=request.user, data=data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已添加科室“%(name)s”") % {"name": data.name})
            return redirect("directory:institution_detail", pk=institution.pk)
    title = _("添加科室：%(name)s") % {"name": institution.name}
    return render(request, "directory/form.html", {"form": form, "title": title, "back": institution})


@directory_user_required
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    department = access.access_department(request.user, pk, for_write=True)
    initial = {"name": department.name, "specialty": department.specialty.code if department.specialty else None}
    form = DepartmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = services.DepartmentData(institution=department.institution, **form.cleaned_data)
        try:
            services.department_update(actor=request.user, department=department, data=data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已保存"))
            return redirect("directory:institution_detail", pk=department.institution_id)
    title = _("编辑科室：%(name)s") % {"name": department}
    return render(request, "directory/form.html", {"form": form, "title": title, "back": department.institution})


@directory_user_required
def professional_list(request: HttpRequest) -> HttpResponse:
    f = selectors.ProfessionalFilter(
        q=request.GET.get("q", "").strip(),
        institution=int_or_none(request.GET.get("institution")),
        title=request.GET.get("title", ""),
        specialty=request.GET.get("specialty", ""),
        home_region=request.GET.get("home_region", "").strip(),
    )
    context: dict[str, Any] = {
        "page": paginate(request, selectors.professional_list(request.user, f)),
        "filter": f,
        "institutions": access.institutions_visible_to(request.user).select_related(None).only("id", "name"),
        "titles": ProfessionalTitle.objects.all(),
        "specialties": Specialty.objects.filter(parent__isnull=True),
    }
    return render(request, "directory/professional_list.html", context)


@directory_user_required
def professional_detail(request: HttpRequest, pk: int) -> HttpResponse:
    professional = access.access_professional(request.user, pk)
    context = {
        "p": professional,
        "show_personal": access.can_see_personal_data(request.user, professional),
        "can_edit": access.can_edit_professional(request.user, professional),
    }
    return render(request, "directory/professional_detail.html", context)


@directory_user_required
def professional_create(request: HttpRequest) -> HttpResponse:
    # An institution administrator almost always registers their own staff.
    own = getattr(request.user, "institution_id", None)
    initial = {"institution": int_or_none(request.GET.get("institution")) or own}
    form = ProfessionalForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            professional = services.professional_create(actor=request.user, data=form.to_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已登记人员“%(name)s”") % {"name": professional.name})
            return redirect("directory:professional_detail", pk=professional.pk)
    return render(request, "directory/form.html", {"form": form, "title": _("登记人员")})


@directory_user_required
def professional_edit(request: HttpRequest, pk: int) -> HttpResponse:
    professional = access.access_professional(request.user, pk, for_write=True)
    form = ProfessionalForm(
        request.POST or None, user=request.user, initial=ProfessionalForm.initial_from(professional)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.professional_update(actor=request.user, professional=professional, data=form.to_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已保存"))
            return redirect("directory:professional_detail", pk=professional.pk)
    title = _("编辑人员：%(name)s") % {"name": professional.name}
    return render(request, "directory/form.html", {"form": form, "title": title, "back": professional})
