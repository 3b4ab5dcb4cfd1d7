"""Activity and hometown-network pages: thin handlers that look records up through
the access module, read through selectors and write through services."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medbridge.accounts import access
from medbridge.accounts.decorators import _requires, directory_user_required
from medbridge.accounts.models import Role
from medbridge.activities import certificates, selectors, services
from medbridge.activities.forms import (
    PEOPLE_SHOWN,
    ActivityForm,
    AttachmentForm,
    ContactForm,
    EnrolForm,
    FollowUpForm,
    HometownSearchForm,
    InviteForm,
    InviteToActivityForm,
    ItineraryDayForm,
    PledgeForm,
    SessionForm,
    WillingnessForm,
)
from medbridge.activities.models import ActivityKind, FollowUpStatus, Rsvp
from medbridge.directory.models import Professional, Specialty
from medbridge.directory.selectors import code_or_name_lookup, region_lookup
from medbridge.web.forms import int_or_none, run_form, saved
from medbridge.web.pagination import paginate

hometown_user_required = _requires(access.can_use_hometown_network)


def _form_page(request: HttpRequest, form: forms.Form, title: str, back: str, **extra: Any) -> HttpResponse:
    return render(request, "activities/form.html", {"form": form, "title": title, "back": back, **extra})


def _people_search(request: HttpRequest) -> Any:
    """People to invite or enrol: anyone in the directory by name, title and
    employer (returning experts work in other provinces), narrowed by the search box."""
    q = request.GET.get("q", "").strip()
    people = access.expert_candidates(request.user)
    if q:
        people = people.filter(name__icontains=q)
    return people.order_by("name", "pk")[:PEOPLE_SHOWN] if q else people.none()


def _with_search(people: Any, request: HttpRequest) -> Any:
    # A POST must accept the chosen person even though the GET search narrowed the list.
    return access.expert_candidates(request.user) if request.method == "POST" else people


# --- Activities --------------------------------------------------------------------


def _filter_from(request: HttpRequest) -> selectors.ActivityFilter:
    region_text = request.GET.get("region", "").strip()
    region = region_lookup(region_text)
    return selectors.ActivityFilter(
        q=request.GET.get("q", "").strip(),
        kind=request.GET.get("kind", ""),
        programme=int_or_none(request.GET.get("programme")),
        region=region.code if region else region_text,
        year=int_or_none(request.GET.get("year")),
    )


@directory_user_required
def activity_list(request: HttpRequest) -> HttpResponse:
    f = _filter_from(request)
    programme = access.programmes_visible_to(request.user).filter(pk=f.programme).first() if f.programme else None
    context = {
        "page": paginate(request, selectors.activity_list(request.user, f)),
        "filter": f,
        "programme": programme,
        "region_text": request.GET.get("region", "").strip(),
        "kinds": ActivityKind.choices,
        "show_hometown": access.can_use_hometown_network(request.user),
        # Professionals take part in activities; institutions and commissions run them.
        "can_create": getattr(request.user, "role", "") != Role.PROFESSIONAL or access.is_system_admin(request.user),
    }
    return render(request, "activities/activity_list.html", context)


@directory_user_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.access_activity(request.user, pk)
    can_edit = access.can_edit_activity(request.user, activity)
    participants = list(selectors.activity_participants(activity))
    context = {
        "activity": activity,
        "can_edit": can_edit,
        "hosts": selectors.activity_hosts(activity),
        "programmes": access.programmes_visible_to(request.user).filter(activities=activity),
        "participants": [(p, services.can_respond(request.user, p)) for p in participants],
        "summary": selectors.rsvp_summary(activity),
        "itinerary": activity.itinerary.prefetch_related("institutions") if activity.is_study_tour else None,
        "attachments": activity.attachments.all(),
        "pledges": access.pledges_visible_to(request.user).filter(activity=activity),
    }
    if activity.is_course:
        sessions, grid = selectors.course_grid(activity)
        rolls = [(s, [(e, cells[i]) for e, cells in grid]) for i, s in enumerate(sessions)]
        context.update(sessions=sessions, grid=grid, session_rolls=rolls)
    return render(request, "activities/activity_detail.html", context)


@directory_user_required
def activity_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    programme = int_or_none(request.GET.get("programme"))
    own = getattr(user, "institution", None)
    initial = {"programmes": [programme] if programme else [], "organisers": own.name if own else ""}
    form = ActivityForm(request.POST or None, user=user, initial=initial)
    activity = run_form(request, form, lambda: services.activity_create(actor=user, data=form.to_data()))
    if activity:
        return saved(request, _("已登记活动“%(title)s”") % {"title": activity.title}, activity)
    names = access.partner_candidates(user).values_list("name", flat=True)
    return _form_page(request, form, _("登记活动"), "", institution_names=names)


@directory_user_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.access_activity(request.user, pk, for_write=True)
    form = ActivityForm(request.POST or None, user=request.user, initial=ActivityForm.initial_from(activity))
    if run_form(
        request, form, lambda: services.activity_update(actor=request.user, activity=activity, data=form.to_data())
    ):
        return saved(request, _("已保存"), activity)
    names = access.partner_candidates(request.user).values_list("name", flat=True)
    title = _("编辑活动：%(title)s") % {"title": activity.title}
    return _form_page(request, form, title, activity.get_absolute_url(), institution_names=names)


# --- Invitations, replies, attendance ----------------------------------------------------


@directory_user_required
def participant_invite(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.access_activity(request.user, pk, for_write=True)
    people = _people_search(request)
    form = InviteForm(request.POST or None, people=_with_search(people, request))
    participant = run_form(
        request,
        form,
        lambda: services.participant_invite(
            actor=request.user,
            activity=activity,
            professional=form.cleaned_data["professional"],
            role=form.cleaned_data["role"],
        ),
    )
    if participant:
        return saved(request, _("已邀请“%(name)s”") % {"name": participant.professional.name}, activity)
    title = _("邀请参加：%(title)s") % {"title": activity.title}
    q = request.GET.get("q", "").strip()
    return _form_page(request, form, title, activity.get_absolute_url(), people_search=True, q=q, found=len(people))


def _participant(request: HttpRequest, pk: int, participant_pk: int) -> Any:
    activity = access.access_activity(request.user, pk)
    return get_object_or_404(activity.participants.select_related("activity", "professional"), pk=participant_pk)


@require_POST
@directory_user_required
def participant_respond(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    participant = _participant(request, pk, participant_pk)
    rsvp = request.POST.get("rsvp", "")
    try:
        services.participant_respond(actor=request.user, participant=participant, rsvp=rsvp)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        label = Rsvp(rsvp).label
        messages.success(
            request, _("已记录“%(name)s”的回复：%(rsvp)s") % {"name": participant.professional.name, "rsvp": label}
        )
    return redirect(participant.activity)


@require_POST
@directory_user_required
def participant_attendance(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    participant = _participant(request, pk, participant_pk)
    attended = request.POST.get("attended") == "yes"
    try:
        services.attendance_record(actor=request.user, participant=participant, attended=attended)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        text = _("已签到：%(name)s") if attended else _("已登记缺席：%(name)s")
        messages.success(request, text % {"name": participant.professional.name})
    return redirect(participant.activity)


@require_POST
@directory_user_required
def participant_remove(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    participant = _participant(request, pk, participant_pk)
    services.participant_remove(actor=request.user, participant=participant)
    messages.success(request, _("已移出名单：%(name)s") % {"name": participant.professional.name})
    return redirect(participant.activity)


# --- Attachments -------------------------------------------------------------------------


@directory_user_required
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.access_activity(request.user, pk, for_write=True)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if run_form(
        request,
        form,
        lambda: services.attachment_add(
            actor=request.user, activity=activity, title=form.cleaned_data["title"], file=form.cleaned_data["file"]
        ),
    ):
        return saved(request, _("已上传附件"), activity)
    title = _("上传附件：%(title)s") % {"title": activity.title}
    return _form_page(request, form, title, activity.get_absolute_url())


@directory_user_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    # Served through here, never from a public media URL, so that only those who
    # may see the activity may read its files.
    activity = access.access_activity(request.user, pk)
    attachment = get_object_or_404(activity.attachments, pk=attachment_pk)
    name = PurePath(attachment.file.name or "").name
    return cast(HttpResponse, FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name))


# --- Study tours ----------------------------------------------------------------------------


@directory_user_required
def itinerary_day(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.access_activity(request.user, pk, for_write=True)
    form = ItineraryDayForm(request.POST or None, user=request.user, initial={"day": request.GET.get("day")})
    if run_form(
        request,
        form,
        lambda: services.itinerary_day_set(actor=request.user, activity=activity, **form.cleaned_data),
    ):
        return saved(request, _("已保存行程"), activity)
    names = access.partner_candidates(request.user).values_list("name", flat=True)
    title = _("安排行程：%(title)s") % {"title": activity.title}
    return _form_page(request, form, title, activity.get_absolute_url(), institution_names=names)


# --- Courses ----------------------------------------------------------------------------------


@directory_user_required
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.access_activity(request.user, pk, for_write=True)
    form = SessionForm(request.POST or None, initial={"day": activity.start_date})
    if run_form(
        request, form, lambda: services.session_add(actor=request.user, activity=activity, **form.cleaned_data)
    ):
        return saved(request, _("已添加课次"), activity)
    return _form_page(request, form, _("添加课次：%(title)s") % {"title": activity.title}, activity.get_absolute_url())


@directory_user_required
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.access_activity(request.user, pk, for_write=True)
    people = _people_search(request)
    form = EnrolForm(request.POST or None, people=_with_search(people, request))
    enrolment = run_form(
        request,
        form,
        lambda: services.enrol(actor=request.user, activity=activity, professional=form.cleaned_data["professional"]),
    )
    if enrolment:
        return saved(request, _("已报名：%(name)s") % {"name": enrolment.professional.name}, activity)
    title = _("学员报名：%(title)s") % {"title": activity.title}
    q = request.GET.get("q", "").strip()
    return _form_page(request, form, title, activity.get_absolute_url(), people_search=True, q=q, found=len(people))


@require_POST
@directory_user_required
def session_attendance(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    activity = access.access_activity(request.user, pk, for_write=True)
    session = get_object_or_404(activity.sessions, pk=session_pk)
    ids = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
    present = list(activity.enrolments.filter(pk__in=ids))
    try:
        n = services.session_attendance_set(actor=request.user, session=session, present=present)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已登记 %(topic)s 出勤 %(n)d 人") % {"topic": session.topic, "n": n})
    return redirect(activity)


@directory_user_required
def certificate(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    activity = access.access_activity(request.user, pk)
    enrolment = get_object_or_404(activity.enrolments.select_related("professional__institution"), pk=enrolment_pk)
    if not (access.can_edit_activity(request.user, activity) or access.is_self(request.user, enrolment.professional)):
        raise PermissionDenied
    data = selectors.certificate_data(enrolment)
    if data is None:
        raise Http404(_("该学员尚无出勤记录，不能出具结业证明"))
    response = HttpResponse(certificates.render_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{enrolment.pk}.pdf"'
    return response


# --- The hometown-talent pool -----------------------------------------------------------------


def _hometown_filter(form: HometownSearchForm) -> selectors.HometownFilter:
    c = form.cleaned_data if form.is_valid() else {}
    specialty = code_or_name_lookup(Specialty, c.get("specialty") or "") if c.get("specialty") else None
    work_text = (c.get("work_region") or "").strip()
    work = region_lookup(work_text)
    return selectors.HometownFilter(
        q=(c.get("q") or "").strip(),
        # Unknown specialties and places filter to nothing rather than being ignored.
        specialty=specialty.code if specialty else (c.get("specialty") or "").strip(),
        work_region=work.code if work else work_text,
        min_title_rank=int_or_none(c.get("min_title")),
        tag=c.get("tag") or "",
    )


@hometown_user_required
def hometown_list(request: HttpRequest) -> HttpResponse:
    form = HometownSearchForm(request.GET or None)
    page = paginate(request, selectors.hometown_search(request.user, _hometown_filter(form)))
    context = {
        "form": form,
        "page": page,
        "cards": selectors.talent_cards(request.user, page.object_list),
        "region": access.hometown_region(request.user),
    }
    return render(request, "activities/hometown_list.html", context)


@hometown_user_required
def hometown_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.access_hometown_talent(request.user, pk)
    user = request.user
    context = {
        "card": selectors.talent_cards(user, [person])[0],
        "person": person,
        "can_record": access.hometown_region(user) is not None,
        "tags_form": WillingnessForm(initial={"tags": selectors.talent_tags(user, person)}),
        "contact_form": ContactForm(),
        "pledge_form": PledgeForm(user=user),
        "invite_form": InviteToActivityForm(user=user),
        "contacts": selectors.talent_contacts(user, person),
        "pledges": selectors.talent_pledges(user, person),
        "participations": selectors.talent_activities(user, person),
    }
    return render(request, "activities/hometown_detail.html", context)


def _back_to(
    request: HttpRequest, pk: int, form: forms.Form, write: Callable[[Professional], Any], done: str
) -> HttpResponse:
    person = access.access_hometown_talent(request.user, pk)
    if run_form(request, form, lambda: write(person)):
        messages.success(request, done)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("activities:hometown_detail", pk=pk)


@require_POST
@hometown_user_required
def hometown_tags(request: HttpRequest, pk: int) -> HttpResponse:
    form = WillingnessForm(request.POST)
    return _back_to(
        request,
        pk,
        form,
        lambda p: services.willingness_set(actor=request.user, professional=p, tags=form.cleaned_data["tags"]),
        _("已保存帮扶意向"),
    )


@require_POST
@hometown_user_required
def hometown_contact(request: HttpRequest, pk: int) -> HttpResponse:
    form = ContactForm(request.POST)
    return _back_to(
        request,
        pk,
        form,
        lambda p: services.contact_record(actor=request.user, professional=p, **form.cleaned_data),
        _("已记录联络"),
    )


@require_POST
@hometown_user_required
def hometown_pledge(request: HttpRequest, pk: int) -> HttpResponse:
    form = PledgeForm(request.POST, user=request.user)
    return _back_to(
        request,
        pk,
        form,
        lambda p: services.pledge_record(
            actor=request.user, data=services.PledgeData(professional=p, **form.cleaned_data)
        ),
        _("已记录承诺，并生成跟进事项"),
    )


@require_POST
@hometown_user_required
def hometown_invite(request: HttpRequest, pk: int) -> HttpResponse:
    form = InviteToActivityForm(request.POST, user=request.user)
    return _back_to(
        request,
        pk,
        form,
        lambda p: services.participant_invite(
            actor=request.user, activity=form.cleaned_data["activity"], professional=p, role=form.cleaned_data["role"]
        ),
        _("已发出邀请"),
    )


# --- Follow-ups ---------------------------------------------------------------------------------


@hometown_user_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    status, mine = request.GET.get("status", ""), request.GET.get("mine") == "1"
    context = {
        "page": paginate(request, selectors.follow_up_list(request.user, status=status, mine=mine)),
        "status": status,
        "mine": mine,
        "statuses": FollowUpStatus.choices,
    }
    return render(request, "activities/follow_up_list.html", context)


@hometown_user_required
def follow_up_edit(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = access.access_follow_up(request.user, pk)
    initial = {"status": follow_up.status, "due_date": follow_up.due_date, "note": follow_up.note}
    form = FollowUpForm(request.POST or None, initial=initial)
    if run_form(
        request, form, lambda: services.follow_up_update(actor=request.user, follow_up=follow_up, **form.cleaned_data)
    ):
        return saved(request, _("已更新跟进事项"), "activities:follow_up_list")
    title = _("跟进：%(pledge)s") % {"pledge": follow_up.pledge}
    return _form_page(request, form, title, "")
