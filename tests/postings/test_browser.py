"""A trainee signs in and reads their own development profile: the whole history
of the placement and the chart of evaluation scores over the year."""

from __future__ import annotations

from datetime import date
from typing import Any

from medbridge.accounts.models import Role, User
from medbridge.directory.models import Department, Institution, Professional
from medbridge.postings import services
from medbridge.postings.models import EvaluationCriterion, EvaluationPeriod, EvaluatorRole, PostingKind, PostingStatus
from medbridge.programmes.models import Programme
from tests.browser import BROWSER_MARKS
from tests.factories import UserFactory
from tests.postings.conftest import stationed_data

pytestmark = BROWSER_MARKS


def _a_year_of_training(
    admin: User, host_admin: User, programme: Programme, trainee: Professional, host: Institution, mentor: Professional
) -> None:
    data = stationed_data(
        programme, trainee, host, date(2024, 1, 1), date(2024, 12, 31), kind=PostingKind.ATTACHMENT, mentor=mentor
    )
    posting = services.posting_create(actor=admin, data=data)
    posting = services.posting_bring_to(
        actor=admin,
        posting=posting,
        status=PostingStatus.COMPLETED,
        actual_start=date(2024, 1, 2),
        actual_end=date(2024, 12, 31),
    )
    services.worklog_add(
        actor=admin,
        posting=posting,
        data=services.WorkLogData(day=date(2024, 5, 6), patients_seen=30, new_techniques=["腹腔镜胆囊切除术"]),
    )
    criteria = list(EvaluationCriterion.objects.filter(active=True))
    for month in range(1, 13):
        scores = {c.pk: 70 + 2 * month for c in criteria}
        end = date(2024, month, 28)
        evaluation = services.EvaluationData(EvaluationPeriod.MONTHLY, end, EvaluatorRole.MENTOR, scores)
        services.evaluation_add(actor=host_admin, posting=posting, data=evaluation)
    services.career_goal_add(
        actor=admin, professional=trainee, data=services.CareerGoalData("取得主治医师职称", date(2026, 12, 31))
    )


def test_a_trainee_reads_their_profile_with_the_score_chart(
    page: Any,
    live_server: Any,
    weihai_admin: User,
    gangcha_admin: User,
    paired: Programme,
    county_doctor: Professional,
    weihai_hospital: Institution,
    weihai_surgery: Department,
    mentor: Professional,
    password: str,
) -> None:
    _a_year_of_training(gangcha_admin, weihai_admin, paired, county_doctor, weihai_hospital, mentor)
    UserFactory(username="macheng", role=Role.PROFESSIONAL, professional=county_doctor)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "macheng")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/postings/people/{county_doctor.pk}/")

    assert page.locator("h1").inner_text().startswith("马成")
    timeline = page.locator("ol.timeline").inner_text()
    assert "挂职学习：威海市立医院" in timeline and "工作日志" in timeline
    assert "腹腔镜胆囊切除术" in page.content() and "取得主治医师职称" in page.content()
    page.wait_for_function("() => document.querySelector('#score-chart canvas') !== null")
    points = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('score-chart')).getOption().series[0].data.length"
    )
    assert points == 12
