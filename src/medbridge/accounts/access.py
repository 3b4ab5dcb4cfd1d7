"""The one gate for access to scoped records.

Every page, API handler, importer and command that looks up a directory record on
behalf of a user does it through these functions. Records outside a user's scope
are reported as missing (404), not forbidden, so that scope boundaries do not leak
which records exist; records a user may see but not change raise PermissionDenied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from medbridge.accounts.models import Role
from medbridge.directory.models import Department, Institution, Professional, Region
from medbridge.interop.models import ImportJob
from medbridge.postings.models import Posting, PostingBatch
from medbridge.programmes.models import MANAGING_ROLES, Engagement, Programme, Station

# The signed-in User or Django's AnonymousUser: every function here accepts both,
# and _role() is what tells them apart.
Actor = Any


def _role(user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.SYSTEM_ADMIN
    return str(user.role)


def is_system_admin(user: Any) -> bool:
    return _role(user) == Role.SYSTEM_ADMIN


def can_read_audit(user: Any) -> bool:
    return _role(user) in (Role.AUDITOR, Role.SYSTEM_ADMIN)


def can_use_directory(user: Any) -> bool:
    return _role(user) in (Role.SYSTEM_ADMIN, Role.COMMISSION_OFFICER, Role.INSTITUTION_ADMIN, Role.PROFESSIONAL)


def _institution_scope(user: Actor) -> Q | None:
    """A filter on Institution for the user's scope; None means everything."""
    role = _role(user)
    if role == Role.SYSTEM_ADMIN:
        return None
    if role == Role.COMMISSION_OFFICER and user.region_id:
        return Q(region__code__startswith=user.region.scope_prefix)
    if role == Role.INSTITUTION_ADMIN and user.institution_id:
        # A group's administrator also looks after the group's member institutions.
        return Q(pk=user.institution_id) | Q(parent_id=user.institution_id)
    if role == Role.PROFESSIONAL and user.professional_id and user.professional.institution_id:
        return Q(pk=user.professional.institution_id)
    return Q(pk__in=[])


def institutions_visible_to(user: Actor) -> QuerySet[Institution]:
    scope = _institution_scope(user)
    qs = Institution.objects.select_related("region", "category", "grade", "parent")
    return qs if scope is None else qs.filter(scope)


def departments_visible_to(user: Actor) -> QuerySet[Department]:
    return Department.objects.select_related("institution", "specialty").filter(
        institution__in=institutions_visible_to(user)
    )


def professionals_visible_to(user: Actor) -> QuerySet[Professional]:
    qs = Professional.objects.select_related("title", "specialty", "institution", "department", "home_region")
    role = _role(user)
    if role == Role.SYSTEM_ADMIN:
        return qs
    if role == Role.PROFESSIONAL:
        return qs.filter(pk=user.professional_id) if user.professional_id else qs.none()
    if role in (Role.COMMISSION_OFFICER, Role.INSTITUTION_ADMIN):
        return qs.filter(institution__in=institutions_visible_to(user))
    return qs.none()


def _get_or_404(qs: QuerySet[Any], pk: Any) -> Any:
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404(_("记录不存在或无权访问")) from None


def access_institution(user: Actor, pk: Any, *, for_write: bool = False) -> Institution:
    institution: Institution = _get_or_404(institutions_visible_to(user), pk)
    if for_write:
        require_can_manage_institution(user, institution)
    return institution


def access_department(user: Actor, pk: Any, *, for_write: bool = False) -> Department:
    department: Department = _get_or_404(departments_visible_to(user), pk)
    if for_write:
        require_can_manage_institution(user, department.institution)
    return department


def access_professional(user: Actor, pk: Any, *, for_write: bool = False) -> Professional:
    professional: Professional = _get_or_404(professionals_visible_to(user), pk)
    if for_write:
        require_can_edit_professional(user, professional)
    return professional


# --- Write permissions, called by services -----------------------------------


def can_manage_region(user: Actor, region: Region) -> bool:
    role = _role(user)
    if role == Role.SYSTEM_ADMIN:
        return True
    return bool(role == Role.COMMISSION_OFFICER and user.region_id and region.code.startswith(user.region.scope_prefix))


def can_manage_institution(user: Actor, institution: Institution) -> bool:
    role = _role(user)
    if role in (Role.SYSTEM_ADMIN, Role.COMMISSION_OFFICER):
        return can_manage_region(user, institution.region)
    if role == Role.INSTITUTION_ADMIN:
        return institutions_visible_to(user).filter(pk=institution.pk).exists()
    return False


def require_can_manage_region(user: Actor, region: Region) -> None:
    if not can_manage_region(user, region):
        raise PermissionDenied(_("您无权在“%(region)s”登记机构") % {"region": region.full_name})


def require_can_manage_institution(user: Actor, institution: Institution) -> None:
    if not can_manage_institution(user, institution):
        raise PermissionDenied(_("您无权修改“%(name)s”的信息") % {"name": institution.name})


def is_self(user: Actor, professional: Professional) -> bool:
    return _role(user) == Role.PROFESSIONAL and user.professional_id == professional.pk


def can_edit_professional(user: Actor, professional: Professional) -> bool:
    if is_self(user, professional):
        return True
    return professional.institution is not None and can_manage_institution(user, professional.institution)


def require_can_edit_professional(user: Actor, professional: Professional) -> None:
    if not can_edit_professional(user, professional):
        raise PermissionDenied(_("您无权修改该人员的信息"))


def can_see_personal_data(user: Actor, professional: Professional) -> bool:
    """Full phone and ID tail are for the person, their employer's administrators
    and system administrators; commission officers work with masked values."""
    role = _role(user)
    if role == Role.SYSTEM_ADMIN or is_self(user, professional):
        return True
    return bool(
        role == Role.INSTITUTION_ADMIN
        and professional.institution_id
        and institutions_visible_to(user).filter(pk=professional.institution_id).exists()
    )


def personal_data_checker(user: Actor) -> Any:
    """A ``can_see_personal_data`` for many rows at once: one query, not one per row."""
    role = _role(user)
    if role == Role.SYSTEM_ADMIN:
        return lambda professional: True
    allowed: set[int] = set()
    if role == Role.INSTITUTION_ADMIN:
        allowed = set(institutions_visible_to(user).values_list("pk", flat=True))
    return lambda professional: professional.institution_id in allowed or is_self(user, professional)


def import_jobs_visible_to(user: Actor) -> QuerySet[ImportJob]:
    """A user follows their own imports; a system administrator everyone's."""
    qs = ImportJob.objects.select_related("user")
    if is_system_admin(user):
        return qs
    return qs.filter(user_id=user.pk) if getattr(user, "is_authenticated", False) else qs.none()


def access_import_job(user: Actor, pk: Any) -> ImportJob:
    job: ImportJob = _get_or_404(import_jobs_visible_to(user), pk)
    return job


# --- Programmes -----------------------------------------------------------------


def programmes_visible_to(user: Actor) -> QuerySet[Programme]:
    """A programme is visible to everyone whose scope holds any of its parties
    (and to the professionals appointed in it)."""
    qs = Programme.objects.all()
    role = _role(user)
    if role == Role.SYSTEM_ADMIN:
        return qs
    if role in (Role.COMMISSION_OFFICER, Role.INSTITUTION_ADMIN, Role.PROFESSIONAL):
        mine = Q(parties__institution__in=institutions_visible_to(user))
        if role == Role.PROFESSIONAL and user.professional_id:
            mine |= Q(engagements__professional_id=user.professional_id)
        return qs.filter(pk__in=Programme.objects.filter(mine).values("pk"))
    return qs.none()


def programmes_editable_by(user: Actor) -> QuerySet[Programme]:
    """Editing needs a role at a party that runs the programme (lead, organising,
    hosting, trustee), or a commission officer over such a party."""
    if is_system_admin(user):
        return Programme.objects.all()
    if _role(user) not in (Role.COMMISSION_OFFICER, Role.INSTITUTION_ADMIN):
        return Programme.objects.none()
    # For these two roles the institutions they manage are exactly those they see.
    running = Programme.objects.filter(
        parties__role__in=MANAGING_ROLES, parties__institution__in=institutions_visible_to(user)
    )
    return Programme.objects.filter(pk__in=running.values("pk"))


def can_edit_programme(user: Actor, programme: Programme) -> bool:
    return programmes_editable_by(user).filter(pk=programme.pk).exists()


def require_can_edit_programme(user: Actor, programme: Programme) -> None:
    if not can_edit_programme(user, programme):
        raise PermissionDenied(
            _("只有牵头、主办、承办或托管单位及其主管卫健委可以修改“%(name)s”") % {"name": programme.name}
        )


def access_programme(user: Actor, pk: Any, *, for_write: bool = False) -> Programme:
    programme: Programme = _get_or_404(programmes_visible_to(user), pk)
    if for_write:
        require_can_edit_programme(user, programme)
    return programme


def stations_visible_to(user: Actor) -> QuerySet[Station]:
    qs = Station.objects.select_related("programme", "host", "host_department")
    if is_system_admin(user):
        return qs
    return qs.filter(Q(programme__in=programmes_visible_to(user)) | Q(host__in=institutions_visible_to(user)))


def access_station(user: Actor, pk: Any, *, for_write: bool = False) -> Station:
    station: Station = _get_or_404(stations_visible_to(user), pk)
    if for_write:
        require_can_edit_programme(user, station.programme)
    return station


def engagements_visible_to(user: Actor) -> QuerySet[Engagement]:
    """An appointment is as visible as the programme it belongs to."""
    return Engagement.objects.select_related(
        "professional__title", "professional__institution", "programme", "station"
    ).filter(programme__in=programmes_visible_to(user))


def access_engagement(user: Actor, pk: Any, *, for_write: bool = False) -> Engagement:
    engagement: Engagement = _get_or_404(engagements_visible_to(user), pk)
    if for_write:
        require_can_edit_programme(user, engagement.programme)
    return engagement


def partner_candidates(user: Actor) -> QuerySet[Institution]:
    """Institutions that may be named as a receiving party or an engagement's home:
    every institution, by name and region only. Assistance crosses provinces, so
    a Shandong city must be able to name a Qinghai county hospital it cannot see."""
    if not can_use_directory(user):
        return Institution.objects.none()
    return Institution.objects.select_related("region").only("id", "name", "region__code", "region__name")


def expert_candidates(user: Actor) -> QuerySet[Professional]:
    """Professionals who may be appointed as experts: anyone in the directory, shown
    by name, title and employer only (visiting experts work in other provinces)."""
    if not can_use_directory(user):
        return Professional.objects.none()
    return Professional.objects.select_related("title", "institution").only(
        "id", "name", "title__name", "institution__name"
    )


def parties_visible_to(user: Actor) -> QuerySet[Any]:
    """A programme's parties, targets and agreements are as visible as the programme."""
    from medbridge.programmes.models import Party

    return Party.objects.select_related("programme", "institution", "department").filter(
        programme__in=programmes_visible_to(user)
    )


def access_party(user: Actor, pk: Any) -> Any:
    return _get_or_404(parties_visible_to(user), pk)


def targets_visible_to(user: Actor) -> QuerySet[Any]:
    from medbridge.programmes.models import Target

    return Target.objects.filter(programme__in=programmes_visible_to(user))


def access_target(user: Actor, pk: Any) -> Any:
    return _get_or_404(targets_visible_to(user), pk)


def agreements_visible_to(user: Actor) -> QuerySet[Any]:
    from medbridge.programmes.models import Agreement

    return Agreement.objects.filter(programme__in=programmes_visible_to(user))


def access_agreement(user: Actor, pk: Any) -> Any:
    return _get_or_404(agreements_visible_to(user), pk)


# --- Postings ---------------------------------------------------------------------


def postings_visible_to(user: Actor) -> QuerySet[Posting]:
    """A posting is visible on both ends — to whoever oversees the home or the host
    institution — and to everyone who sees its programme; a professional sees the
    postings they hold, mentor or follow as liaison leader."""
    qs = Posting.objects.select_related(
        "professional__title",
        "programme",
        "batch",
        "home_institution",
        "home_department",
        "host_institution",
        "host_department",
        "mentor",
        "liaison",
    )
    role = _role(user)
    if role == Role.SYSTEM_ADMIN:
        return qs
    if role in (Role.COMMISSION_OFFICER, Role.INSTITUTION_ADMIN):
        scope = institutions_visible_to(user)
        return qs.filter(
            Q(home_institution__in=scope) | Q(host_institution__in=scope) | Q(programme__in=programmes_visible_to(user))
        )
    if role == Role.PROFESSIONAL and user.professional_id:
        me = user.professional_id
        return qs.filter(Q(professional_id=me) | Q(mentor_id=me) | Q(liaison_id=me))
    return qs.none()


def access_posting(user: Actor, pk: Any) -> Posting:
    posting: Posting = _get_or_404(postings_visible_to(user), pk)
    return posting


def can_plan_posting(user: Actor, programme: Programme, home: Institution) -> bool:
    """Who may enter or change a posting: the sending institution's side, or
    whoever runs the programme (who may post people from a partner they cannot
    manage, e.g. a county's staff received for attachment)."""
    return can_manage_institution(user, home) or can_edit_programme(user, programme)


def can_approve_batch(user: Actor, batch: PostingBatch) -> bool:
    """A programme's batch is approved by the commission that runs the programme."""
    if is_system_admin(user):
        return True
    return _role(user) == Role.COMMISSION_OFFICER and can_edit_programme(user, batch.programme)


def can_approve_posting(user: Actor, posting: Posting) -> bool:
    """Sending a person is approved by their home institution's administrator, or
    by the commission for a posting that is part of a batch it approves."""
    if is_system_admin(user):
        return True
    if _role(user) == Role.INSTITUTION_ADMIN and can_manage_institution(user, posting.home_institution):
        return True
    return posting.batch is not None and can_approve_batch(user, posting.batch)


def can_run_posting(user: Actor, posting: Posting) -> bool:
    """Reporting arrival, completion, cancellation or withdrawal: either end's
    administrators, or whoever runs the programme."""
    if is_system_admin(user):
        return True
    if _role(user) not in (Role.COMMISSION_OFFICER, Role.INSTITUTION_ADMIN):
        return False
    return (
        can_manage_institution(user, posting.home_institution)
        or can_manage_institution(user, posting.host_institution)
        or can_edit_programme(user, posting.programme)
    )


def can_log_work(user: Actor, posting: Posting) -> bool:
    """The posted person keeps their own log; administrators may enter it for them."""
    return is_self(user, posting.professional) or can_run_posting(user, posting)


def can_evaluate(user: Actor, posting: Posting, evaluator_role: str) -> bool:
    """A mentor's evaluation is entered by the mentor or the host's administrators;
    a liaison leader's by the leader or the home institution's administrators."""
    if is_system_admin(user):
        return True
    if evaluator_role == "mentor":
        person, institution = posting.mentor_id, posting.host_institution
    else:
        person, institution = posting.liaison_id, posting.home_institution
    if _role(user) == Role.PROFESSIONAL:
        return bool(person and user.professional_id == person)
    return _role(user) == Role.INSTITUTION_ADMIN and can_manage_institution(user, institution)


def batches_visible_to(user: Actor) -> QuerySet[PostingBatch]:
    return PostingBatch.objects.select_related("programme", "relieves").filter(
        programme__in=programmes_visible_to(user)
    )


def access_batch(user: Actor, pk: Any) -> PostingBatch:
    batch: PostingBatch = _get_or_404(batches_visible_to(user), pk)
    return batch


def profiles_visible_to(user: Actor) -> QuerySet[Professional]:
    """Development profiles: the people a user sees in the directory, plus those
    holding a posting the user can see (a host sees its trainees' profiles)."""
    if is_system_admin(user):
        return Professional.objects.all()
    posted = postings_visible_to(user).values("professional_id")
    return Professional.objects.filter(
        Q(pk__in=professionals_visible_to(user).values("pk")) | Q(pk__in=posted)
    ).select_related("title", "institution", "department", "specialty")


def access_profile(user: Actor, pk: Any) -> Professional:
    professional: Professional = _get_or_404(profiles_visible_to(user), pk)
    return professional


def techniques_visible_to(user: Actor) -> QuerySet[Any]:
    """Techniques, work logs and evaluations are as visible as their posting."""
    from medbridge.postings.models import Technique

    return Technique.objects.select_related("posting").filter(posting__in=postings_visible_to(user))


def access_technique(user: Actor, pk: Any) -> Any:
    return _get_or_404(techniques_visible_to(user), pk)


def work_logs_visible_to(user: Actor) -> QuerySet[Any]:
    from medbridge.postings.models import WorkLog

    return WorkLog.objects.filter(posting__in=postings_visible_to(user))


def access_work_log(user: Actor, pk: Any) -> Any:
    return _get_or_404(work_logs_visible_to(user), pk)


def evaluations_visible_to(user: Actor) -> QuerySet[Any]:
    from medbridge.postings.models import Evaluation

    return Evaluation.objects.select_related("evaluator").filter(posting__in=postings_visible_to(user))


def access_evaluation(user: Actor, pk: Any) -> Any:
    return _get_or_404(evaluations_visible_to(user), pk)


def career_goals_visible_to(user: Actor) -> QuerySet[Any]:
    """A career plan belongs to the development profile: visible with the profile."""
    from medbridge.postings.models import CareerGoal

    return CareerGoal.objects.filter(professional__in=profiles_visible_to(user))


def access_career_goal(user: Actor, pk: Any) -> Any:
    return _get_or_404(career_goals_visible_to(user), pk)


# --- Referrals and remote consultations ------------------------------------------
# A referral or consultation has two sides. Both sides' commission officers see
# it (counts and times), but patient fields are for the staff of the two
# institutions only: their administrators and professionals, and system
# administrators. Only a side's own staff may act for that side.


def _staff_institution_ids(user: Actor) -> set[int] | None:
    """Institutions the user works for (None: all, for system administrators)."""
    role = _role(user)
    if role == Role.SYSTEM_ADMIN:
        return None
    if role in (Role.INSTITUTION_ADMIN, Role.PROFESSIONAL):
        return set(institutions_visible_to(user).values_list("pk", flat=True))
    return set()


def is_staff_of(user: Actor, institution_id: int) -> bool:
    ids = _staff_institution_ids(user)
    return ids is None or institution_id in ids


def referrals_visible_to(user: Actor) -> QuerySet[Any]:
    from medbridge.referrals.models import Referral

    qs = Referral.objects.select_related(
        "from_institution__grade", "to_institution__grade", "from_department", "to_department", "programme"
    )
    if is_system_admin(user):
        return qs
    if _role(user) not in (Role.COMMISSION_OFFICER, Role.INSTITUTION_ADMIN, Role.PROFESSIONAL):
        return qs.none()
    mine = institutions_visible_to(user)
    return qs.filter(Q(from_institution__in=mine) | Q(to_institution__in=mine))


def access_referral(user: Actor, pk: Any) -> Any:
    return _get_or_404(referrals_visible_to(user), pk)


def referral_sides(user: Actor, referral: Any) -> set[str]:
    """Which sides of ``referral`` the user may act for: "sender", "receiver"."""
    sides = set()
    if is_staff_of(user, referral.from_institution_id):
        sides.add("sender")
    if is_staff_of(user, referral.to_institution_id):
        sides.add("receiver")
    return sides


def consultations_visible_to(user: Actor) -> QuerySet[Any]:
    from medbridge.referrals.models import Consultation

    qs = Consultation.objects.select_related(
        "requesting_institution",
        "consulting_institution",
        "requesting_doctor",
        "consulting_expert__title",
        "specialty",
        "station",
        "programme",
    )
    if is_system_admin(user):
        return qs
    if _role(user) not in (Role.COMMISSION_OFFICER, Role.INSTITUTION_ADMIN, Role.PROFESSIONAL):
        return qs.none()
    mine = institutions_visible_to(user)
    return qs.filter(Q(requesting_institution__in=mine) | Q(consulting_institution__in=mine))


def access_consultation(user: Actor, pk: Any) -> Any:
    return _get_or_404(consultations_visible_to(user), pk)


def consultation_sides(user: Actor, consultation: Any) -> set[str]:
    """Which sides of ``consultation`` the user may act for: "requester", "consultant"."""
    sides = set()
    if is_staff_of(user, consultation.requesting_institution_id):
        sides.add("requester")
    if is_staff_of(user, consultation.consulting_institution_id):
        sides.add("consultant")
    return sides


def patient_checker(user: Actor) -> Any:
    """For many referrals or consultations at once (one query): may the user see
    this record's patient? Staff of either side and system administrators may;
    commission officers, auditors and everyone else never."""
    ids = _staff_institution_ids(user)
    if ids is None:
        return lambda record: True

    def check(record: Any) -> bool:
        sides = (
            (record.from_institution_id, record.to_institution_id)
            if hasattr(record, "from_institution_id")
            else (record.requesting_institution_id, record.consulting_institution_id)
        )
        return any(side in ids for side in sides)

    return check


def can_see_patient(user: Actor, record: Any) -> bool:
    return bool(patient_checker(user)(record))


def staff_institutions(user: Actor) -> QuerySet[Institution]:
    """Institutions the user may send referrals and consultation requests for."""
    ids = _staff_institution_ids(user)
    qs = Institution.objects.select_related("region", "grade")
    return qs if ids is None else qs.filter(pk__in=ids)


# --- Activities and the hometown-talent network ------------------------------------
# Imported here, not at the top, so that this section stays one block at the end.
from medbridge.activities.models import (  # noqa: E402
    RUNNING_ROLES,
    Activity,
    ActivityHost,
    FollowUp,
    Participant,
    Pledge,
)


def activities_visible_to(user: Actor) -> QuerySet[Activity]:
    """An activity is visible to whoever sees one of its programmes, one of the
    institutions behind it or its venue, and to the professionals taking part."""
    qs = Activity.objects.select_related("venue", "region")
    role = _role(user)
    if role == Role.SYSTEM_ADMIN:
        return qs
    if role not in (Role.COMMISSION_OFFICER, Role.INSTITUTION_ADMIN, Role.PROFESSIONAL):
        return qs.none()
    institutions = institutions_visible_to(user)
    # Each way in is its own subquery on the link table, with no join from the
    # activities: PostgreSQL hashes each once and tests a province's activities
    # against them, rather than joining every activity to its links first.
    linked = Activity.programmes.through.objects.filter(programme__in=programmes_visible_to(user))
    mine = (
        Q(pk__in=linked.values("activity_id"))
        | Q(pk__in=ActivityHost.objects.filter(institution__in=institutions).values("activity_id"))
        | Q(venue__in=institutions)
    )
    if role == Role.PROFESSIONAL and user.professional_id:
        mine |= Q(pk__in=Participant.objects.filter(professional_id=user.professional_id).values("activity_id"))
    return qs.filter(mine)


def activities_editable_by(user: Actor) -> QuerySet[Activity]:
    """Editing needs to manage an organising or hosting institution, or to be able
    to edit one of the activity's programmes."""
    if is_system_admin(user):
        return Activity.objects.all()
    if _role(user) not in (Role.COMMISSION_OFFICER, Role.INSTITUTION_ADMIN):
        return Activity.objects.none()
    running = Q(hosts__role__in=RUNNING_ROLES, hosts__institution__in=institutions_visible_to(user))
    running |= Q(programmes__in=programmes_editable_by(user))
    return Activity.objects.filter(pk__in=Activity.objects.filter(running).values("pk"))


def can_edit_activity(user: Actor, activity: Activity) -> bool:
    return activities_editable_by(user).filter(pk=activity.pk).exists()


def require_can_edit_activity(user: Actor, activity: Activity) -> None:
    if not can_edit_activity(user, activity):
        raise PermissionDenied(_("只有主办、承办单位或所属项目的管理方可以修改“%(title)s”") % {"title": activity.title})


def access_activity(user: Actor, pk: Any, *, for_write: bool = False) -> Activity:
    activity: Activity = _get_or_404(activities_visible_to(user), pk)
    if for_write:
        require_can_edit_activity(user, activity)
    return activity


def hometown_region(user: Actor) -> Region | None:
    """The region whose hometown network a user keeps: a commission officer's own."""
    if _role(user) == Role.COMMISSION_OFFICER and user.region_id:
        region: Region = user.region
        return region
    return None


def can_use_hometown_network(user: Actor) -> bool:
    return hometown_region(user) is not None or is_system_admin(user)


def hometown_talent_visible_to(user: Actor) -> QuerySet[Professional]:
    """Professionals born inside the officer's region (籍贯, by GB/T 2260 prefix)
    who work outside it. Another city's officer sees none of them; a system
    administrator sees everyone with a home region. Callers show them only as
    ``activities.selectors.TalentCard`` — name, title, specialty, department,
    workplace and city, never a phone or ID."""
    qs = Professional.objects.select_related(
        "title", "specialty", "department", "institution__region__parent__parent", "home_region"
    )
    if is_system_admin(user):
        return qs.filter(home_region__isnull=False)
    region = hometown_region(user)
    if region is None:
        return qs.none()
    prefix = region.scope_prefix
    return qs.filter(home_region__code__startswith=prefix, institution__isnull=False).exclude(
        institution__region__code__startswith=prefix
    )


def access_hometown_talent(user: Actor, pk: Any) -> Professional:
    professional: Professional = _get_or_404(hometown_talent_visible_to(user), pk)
    return professional


def hometown_records_scope(user: Actor) -> Q:
    """A filter for willingness tags, contacts and pledges: those of networks inside
    the user's region (a province's officer also reads its cities' networks)."""
    if is_system_admin(user):
        return Q()
    region = hometown_region(user)
    if region is None:
        return Q(pk__in=[])
    return Q(region__code__startswith=region.scope_prefix)


def pledges_visible_to(user: Actor) -> QuerySet[Pledge]:
    qs = Pledge.objects.select_related("professional", "activity", "region", "follow_up__owner")
    return qs.filter(hometown_records_scope(user))


def follow_ups_visible_to(user: Actor) -> QuerySet[FollowUp]:
    return FollowUp.objects.select_related("pledge__professional", "pledge__activity", "owner").filter(
        pledge__in=pledges_visible_to(user)
    )


def access_follow_up(user: Actor, pk: Any) -> FollowUp:
    follow_up: FollowUp = _get_or_404(follow_ups_visible_to(user), pk)
    return follow_up


def _of_visible_activities(model: Any, user: Actor) -> QuerySet[Any]:
    """Participants, attachments, itinerary days, classes and enrolments are as
    visible as their activity."""
    return model.objects.select_related("activity").filter(activity__in=activities_visible_to(user))  # type: ignore[no-any-return]


def participants_visible_to(user: Actor) -> QuerySet[Any]:
    from medbridge.activities.models import Participant

    return _of_visible_activities(Participant, user).select_related("professional")


def access_participant(user: Actor, pk: Any) -> Any:
    return _get_or_404(participants_visible_to(user), pk)


def activity_attachments_visible_to(user: Actor) -> QuerySet[Any]:
    from medbridge.activities.models import Attachment

    return _of_visible_activities(Attachment, user)


def access_activity_attachment(user: Actor, pk: Any) -> Any:
    return _get_or_404(activity_attachments_visible_to(user), pk)


def itinerary_days_visible_to(user: Actor) -> QuerySet[Any]:
    from medbridge.activities.models import ItineraryDay

    return _of_visible_activities(ItineraryDay, user)


def access_itinerary_day(user: Actor, pk: Any) -> Any:
    return _get_or_404(itinerary_days_visible_to(user), pk)


def course_sessions_visible_to(user: Actor) -> QuerySet[Any]:
    from medbridge.activities.models import CourseSession

    return _of_visible_activities(CourseSession, user)


def access_course_session(user: Actor, pk: Any) -> Any:
    return _get_or_404(course_sessions_visible_to(user), pk)


def enrolments_visible_to(user: Actor) -> QuerySet[Any]:
    from medbridge.activities.models import Enrolment

    return _of_visible_activities(Enrolment, user).select_related("professional")


def access_enrolment(user: Actor, pk: Any) -> Any:
    return _get_or_404(enrolments_visible_to(user), pk)


def willingness_visible_to(user: Actor) -> QuerySet[Any]:
    from medbridge.activities.models import Willingness

    return Willingness.objects.select_related("professional", "region").filter(hometown_records_scope(user))


def access_willingness(user: Actor, pk: Any) -> Any:
    return _get_or_404(willingness_visible_to(user), pk)


def contact_records_visible_to(user: Actor) -> QuerySet[Any]:
    from medbridge.activities.models import ContactRecord

    return ContactRecord.objects.select_related("professional", "region").filter(hometown_records_scope(user))


def access_contact_record(user: Actor, pk: Any) -> Any:
    return _get_or_404(contact_records_visible_to(user), pk)


def access_pledge(user: Actor, pk: Any) -> Pledge:
    pledge: Pledge = _get_or_404(pledges_visible_to(user), pk)
    return pledge


# --- Clinics ---------------------------------------------------------------------


def clinic_sessions_visible_to(user: Actor) -> QuerySet[Any]:
    """Sessions held at an institution in the user's scope, sessions of a programme
    the user sees, and for a professional their own sessions."""
    from medbridge.clinics.models import ClinicSession

    qs = ClinicSession.objects.select_related("expert__title", "expert__institution", "host", "department")
    role = _role(user)
    if role == Role.SYSTEM_ADMIN:
        return qs
    if role == Role.PROFESSIONAL:
        return qs.filter(expert_id=user.professional_id) if user.professional_id else qs.none()
    if role in (Role.COMMISSION_OFFICER, Role.INSTITUTION_ADMIN):
        return qs.filter(Q(host__in=institutions_visible_to(user)) | Q(programme__in=programmes_visible_to(user)))
    return qs.none()


def can_plan_clinics(user: Actor) -> bool:
    return _role(user) in (Role.SYSTEM_ADMIN, Role.COMMISSION_OFFICER, Role.INSTITUTION_ADMIN)


def can_manage_clinic_host(user: Actor, host: Institution) -> bool:
    """Sessions are planned, run and counted by the host hospital (or its commission)."""
    return _role(user) != Role.PROFESSIONAL and can_manage_institution(user, host)


def require_can_manage_clinic_host(user: Actor, host: Institution) -> None:
    if not can_manage_clinic_host(user, host):
        raise PermissionDenied(_("只有坐诊医院及其主管卫健委可以管理“%(name)s”的坐诊") % {"name": host.name})


def access_clinic_session(user: Actor, pk: Any, *, for_write: bool = False) -> Any:
    session = _get_or_404(clinic_sessions_visible_to(user), pk)
    if for_write:
        require_can_manage_clinic_host(user, session.host)
    return session


def clinic_sessions_public() -> QuerySet[Any]:
    """What anyone may see without signing in: scheduled sessions of the bookable
    kinds that have not yet ended and open for booking (within the horizon)."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from medbridge.clinics.models import PUBLIC_KINDS, ClinicSession, SessionStatus

    now = timezone.localtime()
    not_over = Q(date__gt=now.date()) | Q(date=now.date(), end_time__gt=now.time())
    return (
        ClinicSession.objects.select_related(
            "expert__title", "expert__institution", "expert__specialty", "host__region", "department"
        )
        .filter(status=SessionStatus.SCHEDULED, kind__in=PUBLIC_KINDS, date__gte=now.date())
        .filter(date__lte=now.date() + timedelta(days=settings.CLINIC_BOOKING_HORIZON_DAYS))
        .filter(not_over)
    )


def access_public_clinic_session(pk: Any) -> Any:
    return _get_or_404(clinic_sessions_public(), pk)


def access_public_expert(pk: Any) -> Professional:
    """An expert's public page exists only while they hold bookable sessions: the
    public sees no one else in the directory, and only name, title, employer,
    specialty and introduction."""
    experts = Professional.objects.select_related("title", "institution", "specialty").filter(
        pk__in=clinic_sessions_public().values("expert_id")
    )
    expert: Professional = _get_or_404(experts, pk)
    return expert


def clinic_series_visible_to(user: Actor) -> QuerySet[Any]:
    """Weekly clinic plans, scoped like their sessions."""
    from medbridge.clinics.models import SessionSeries

    qs = SessionSeries.objects.select_related("expert", "host", "department")
    role = _role(user)
    if role == Role.SYSTEM_ADMIN:
        return qs
    if role == Role.PROFESSIONAL:
        return qs.filter(expert_id=user.professional_id) if user.professional_id else qs.none()
    if role in (Role.COMMISSION_OFFICER, Role.INSTITUTION_ADMIN):
        return qs.filter(Q(host__in=institutions_visible_to(user)) | Q(programme__in=programmes_visible_to(user)))
    return qs.none()


def access_clinic_series(user: Actor, pk: Any) -> Any:
    return _get_or_404(clinic_series_visible_to(user), pk)


def access_booking(user: Actor, pk: Any) -> Any:
    return _get_or_404(bookings_visible_to(user), pk)


def booking_patient_checker(user: Actor) -> Any:
    """May the user read a booking's patient (name, phone, ID tail) unmasked? The
    host's own administrators and system administrators, who run the desk; a
    commission officer sees the bookings masked, as in the roster."""
    role = _role(user)
    if role == Role.SYSTEM_ADMIN:
        return lambda booking: True
    if role != Role.INSTITUTION_ADMIN:
        return lambda booking: False
    mine = set(institutions_visible_to(user).values_list("pk", flat=True))
    return lambda booking: booking.session.host_id in mine


# --- Reports -----------------------------------------------------------------------


def report_jobs_visible_to(user: Actor) -> QuerySet[Any]:
    """A requested report (and the file it made) belongs to whoever asked for it."""
    from medbridge.reports.models import ReportJob

    if not getattr(user, "is_authenticated", False):
        return ReportJob.objects.none()
    return ReportJob.objects.filter(user_id=user.pk).select_related("programme")


def access_report_job(user: Actor, pk: Any) -> Any:
    return _get_or_404(report_jobs_visible_to(user), pk)


# --- FHIR ------------------------------------------------------------------------


def bookings_visible_to(user: Actor) -> QuerySet[Any]:
    """Bookings (FHIR Appointments) are for those who run the host's desk: the
    host institution's administrators, commission officers over it and system
    administrators. Professionals, auditors and anonymous clients get none."""
    from medbridge.clinics.models import Booking

    qs = Booking.objects.select_related("session__expert", "session__host", "session__department")
    role = _role(user)
    if role == Role.SYSTEM_ADMIN:
        return qs
    if role in (Role.COMMISSION_OFFICER, Role.INSTITUTION_ADMIN):
        return qs.filter(session__host__in=institutions_visible_to(user))
    return qs.none()


# --- Planning: matching rounds and visiting-schedule plans --------------------------
# As in the referrals and clinics sections, the models are imported where used and
# named at module level for the type checker only.
if TYPE_CHECKING:
    from medbridge.planning.models import MatchingRound, SchedulePlan


def matching_rounds_visible_to(user: Actor) -> QuerySet[MatchingRound]:
    """A round is as visible as its programme."""
    from medbridge.planning.models import MatchingRound

    return MatchingRound.objects.select_related("programme").filter(programme__in=programmes_visible_to(user))


def access_matching_round(user: Actor, pk: Any, *, for_write: bool = False) -> MatchingRound:
    round_: MatchingRound = _get_or_404(matching_rounds_visible_to(user), pk)
    if for_write:
        require_can_edit_programme(user, round_.programme)
    return round_


def schedule_plans_visible_to(user: Actor) -> QuerySet[SchedulePlan]:
    """A visiting-schedule plan is as visible as its programme."""
    from medbridge.planning.models import SchedulePlan

    return SchedulePlan.objects.select_related("programme").filter(programme__in=programmes_visible_to(user))


def access_schedule_plan(user: Actor, pk: Any, *, for_write: bool = False) -> SchedulePlan:
    plan: SchedulePlan = _get_or_404(schedule_plans_visible_to(user), pk)
    if for_write:
        require_can_edit_programme(user, plan.programme)
    return plan


def round_departments_visible_to(user: Actor) -> QuerySet[Any]:
    """A round's departments, applications and rankings are as visible as the round."""
    from medbridge.planning.models import RoundDepartment

    return RoundDepartment.objects.select_related("department__institution").filter(
        round__in=matching_rounds_visible_to(user)
    )


def access_round_department(user: Actor, pk: Any) -> Any:
    return _get_or_404(round_departments_visible_to(user), pk)


def applications_visible_to(user: Actor) -> QuerySet[Any]:
    from medbridge.planning.models import Application

    return Application.objects.select_related("professional").filter(round__in=matching_rounds_visible_to(user))


def access_application(user: Actor, pk: Any) -> Any:
    return _get_or_404(applications_visible_to(user), pk)


def department_rankings_visible_to(user: Actor) -> QuerySet[Any]:
    from medbridge.planning.models import DepartmentRanking

    return DepartmentRanking.objects.filter(department__round__in=matching_rounds_visible_to(user))


def access_department_ranking(user: Actor, pk: Any) -> Any:
    return _get_or_404(department_rankings_visible_to(user), pk)


def host_demands_visible_to(user: Actor) -> QuerySet[Any]:
    """What hosts ask of a programme is as visible as the programme."""
    from medbridge.planning.models import HostDemand

    return HostDemand.objects.select_related("department", "specialty").filter(
        programme__in=programmes_visible_to(user)
    )


def access_host_demand(user: Actor, pk: Any) -> Any:
    return _get_or_404(host_demands_visible_to(user), pk)


def planned_sessions_visible_to(user: Actor) -> QuerySet[Any]:
    from medbridge.planning.models import PlannedSession

    return PlannedSession.objects.select_related("expert", "specialty").filter(plan__in=schedule_plans_visible_to(user))


def access_planned_session(user: Actor, pk: Any) -> Any:
    return _get_or_404(planned_sessions_visible_to(user), pk)
