"""Clinic pages. The public half (calendar, expert page, booking, cancellation)
needs no account; the host half (sessions, roster, desk, export, print) is
scoped through the access module. All writes go through the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medbridge.accounts import access
from medbridge.accounts.decorators import directory_user_required
from medbridge.clinics import export, selectors, services
from medbridge.clinics.forms import (
    BookingForm,
    CancelBookingForm,
    CancelSessionForm,
    SeriesForm,
    SessionForm,
    WalkInForm,
)
from medbridge.clinics.models import Booking, ClinicSession, SessionStatus
from medbridge.web.forms import int_or_none, run_form
from medbridge.web.pagination import paginate


def _date_or_none(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- Public pages ------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    f = selectors.PublicFilter(
        region=request.GET.get("region", "").strip(),
        host=int_or_none(request.GET.get("host")),
        specialty=request.GET.get("specialty", "").strip(),
        day=_date_or_none(request.GET.get("day")),
        q=request.GET.get("q", "").strip(),
    )
    page = paginate(request, selectors.public_sessions(f), per_page=20)
    context = {"page": page, "filter": f, "choices": selectors.public_choices()}
    return render(request, "clinics/public_list.html", context)


def public_expert(request: HttpRequest, pk: int) -> HttpResponse:
    expert = access.access_public_expert(pk)
    context = {
        "expert": expert,
        "sessions": selectors.public_expert_sessions(expert)[:30],
        "visits": selectors.expert_visit_total(expert),
    }
    return render(request, "clinics/public_expert.html", context)


def public_book(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.access_public_clinic_session(pk)
    form = BookingForm(request.POST or None)
    try:
        booking = run_form(
            request,
            form,
            lambda: services.booking_create(
                session=session, data=form.data_object(), client=services.client_address(request.META)
            ),
        )
    except services.TooManyRequests as error:
        form.add_error(None, str(error))
        return render(request, "clinics/public_book.html", {"session": session, "form": form}, status=429)
    if booking is not None:
        request.session["clinics_booking"] = booking.code
        return redirect("clinics:public_booked", code=booking.code)
    return render(request, "clinics/public_book.html", {"session": session, "form": form})


def public_booked(request: HttpRequest, code: str) -> HttpResponse:
    # Only the browser that made the booking sees this page: the code alone must
    # not show anyone a patient's booking.
    if request.session.get("clinics_booking") != code:
        return redirect("clinics:public_cancel")
    booking = Booking.objects.select_related("session__expert__title", "session__host").get(code=code)
    return render(request, "clinics/public_booked.html", {"booking": booking})


def public_cancel(request: HttpRequest) -> HttpResponse:
    form = CancelBookingForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    try:
        booking = run_form(
            request,
            form,
            lambda: services.booking_cancel(client=services.client_address(request.META), **form.cleaned_data),
        )
    except services.TooManyRequests as error:
        form.add_error(None, str(error))
        return render(request, "clinics/public_cancel.html", {"form": form}, status=429)
    if booking is not None:
        return render(request, "clinics/public_cancel.html", {"form": None, "cancelled": booking})
    return render(request, "clinics/public_cancel.html", {"form": form})


# --- The host's pages ----------------------------------------------------------------------


def _session_filter(request: HttpRequest) -> selectors.SessionFilter:
    # With no filter at all, the list starts at today: the desk's working view.
    since = _date_or_none(request.GET.get("from")) or (None if request.GET else selectors.today())
    return selectors.SessionFilter(
        q=request.GET.get("q", "").strip(),
        status=request.GET.get("status", ""),
        date_from=since,
        date_to=_date_or_none(request.GET.get("to")),
        programme=int_or_none(request.GET.get("programme")),
    )


@directory_user_required
def session_list(request: HttpRequest) -> HttpResponse:
    f = _session_filter(request)
    sessions = selectors.session_list(request.user, f)
    context = {
        "page": paginate(request, sessions),
        "filter": f,
        "totals": selectors.visit_totals(sessions),
        "statuses": SessionStatus.choices,
        "can_plan": access.can_plan_clinics(request.user),
    }
    return render(request, "clinics/session_list.html", context)


def _plan_choices(user: Any) -> dict[str, QuerySet[Any]]:
    # Visiting experts are those appointed in a programme the user sees, or who
    # already hold clinics there; the whole directory would be an unusable list.
    engaged = access.engagements_visible_to(user).values("professional_id")
    holding = access.clinic_sessions_visible_to(user).values("expert_id")
    experts = access.expert_candidates(user).filter(Q(pk__in=engaged) | Q(pk__in=holding)).order_by("name")
    return {
        "expert": experts,
        "host": access.institutions_visible_to(user),
        "department": access.departments_visible_to(user),
        "engagement": access.engagements_visible_to(user),
    }


@directory_user_required
def series_create(request: HttpRequest) -> HttpResponse:
    form = SeriesForm(request.POST or None, choices=_plan_choices(request.user))
    series = run_form(request, form, lambda: services.series_create(actor=request.user, data=form.data_object()))
    if series is not None:
        count = series.sessions.count()
        messages.success(request, _("已排 %(n)d 场坐诊") % {"n": count})
        return redirect("clinics:session_list")
    return render(request, "clinics/form.html", {"form": form, "title": _("新增每周坐诊计划")})


@directory_user_required
def session_create(request: HttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None, choices=_plan_choices(request.user))
    del form.fields["scope"]
    session = run_form(request, form, lambda: services.session_create(actor=request.user, data=form.data_object()))
    if session is not None:
        messages.success(request, _("已新增坐诊"))
        return redirect(session)
    return render(request, "clinics/form.html", {"form": form, "title": _("新增单场坐诊")})


@directory_user_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.access_clinic_session(request.user, pk)
    context = {
        "session": session,
        "roster": selectors.session_roster(session),
        "can_manage": access.can_manage_clinic_host(request.user, session.host),
        "walk_in_form": WalkInForm(initial={"walk_ins": session.walk_ins}),
        "cancel_form": CancelSessionForm(),
        "started": session.date <= selectors.today(),
    }
    return render(request, "clinics/session_detail.html", context)


@directory_user_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.access_clinic_session(request.user, pk, for_write=True)
    initial = {name: getattr(session, name) for name in SessionForm.base_fields if hasattr(session, name)}
    form = SessionForm(request.POST or None, initial=initial | {"scope": "one"}, choices=_plan_choices(request.user))
    if session.series_id is None:
        del form.fields["scope"]

    def write() -> int:
        scope: services.Scope = "future" if form.cleaned_data.get("scope") == "future" else "one"
        return services.session_update(actor=request.user, session=session, data=form.data_object(), scope=scope)

    changed = run_form(request, form, write)
    if changed is not None:
        messages.success(request, _("已修改 %(n)d 场坐诊") % {"n": changed})
        return redirect(session)
    return render(request, "clinics/form.html", {"form": form, "title": _("修改坐诊"), "session": session})


@directory_user_required
@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.access_clinic_session(request.user, pk, for_write=True)
    form = CancelSessionForm(request.POST)
    form.is_valid()
    try:
        n = services.session_cancel(
            actor=request.user,
            session=session,
            reason=form.cleaned_data.get("reason", ""),
            scope=form.cleaned_data.get("scope") or "one",
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已停诊 %(n)d 场，已预约的患者将收到短信通知") % {"n": n})
    return redirect(session)


def _desk(request: HttpRequest, pk: int, write: Callable[[ClinicSession], Any], done: str) -> HttpResponse:
    session = access.access_clinic_session(request.user, pk, for_write=True)
    try:
        write(session)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(session)


def _booking_of(session: ClinicSession, booking_pk: int) -> Booking:
    booking = session.bookings.filter(pk=booking_pk).first()
    if booking is None:
        raise ValidationError(_("预约不存在"))
    booking.session = session
    return booking


@directory_user_required
@require_POST
def booking_mark(request: HttpRequest, pk: int, booking_pk: int, action: str) -> HttpResponse:
    if action not in ("check-in", "no-show"):
        raise Http404
    mark = services.booking_check_in if action == "check-in" else services.booking_mark_no_show
    done = _("已签到") if action == "check-in" else _("已登记爽约")
    return _desk(request, pk, lambda s: mark(actor=request.user, booking=_booking_of(s, booking_pk)), done)


@directory_user_required
@require_POST
def session_walk_ins(request: HttpRequest, pk: int) -> HttpResponse:
    form = WalkInForm(request.POST)
    value = form.cleaned_data["walk_ins"] if form.is_valid() else -1
    write = lambda s: services.walk_ins_set(actor=request.user, session=s, walk_ins=value)  # noqa: E731
    return _desk(request, pk, write, _("已登记现场加号"))


@directory_user_required
@require_POST
def session_close(request: HttpRequest, pk: int) -> HttpResponse:
    write = lambda s: services.session_close(actor=request.user, session=s)  # noqa: E731
    return _desk(request, pk, write, _("已结束坐诊，未签到的预约记为爽约"))


@directory_user_required
def roster_export(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.access_clinic_session(request.user, pk)
    return export.roster_response(session, selectors.session_roster(session))


@directory_user_required
def roster_print(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.access_clinic_session(request.user, pk)
    context = {"session": session, "roster": selectors.session_roster(session), "now": selectors.today()}
    return render(request, "clinics/roster_print.html", context)
