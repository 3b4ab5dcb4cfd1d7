"""The referrals part of the demo: the last twelve months of two-way referrals within
the orthopaedics specialty alliance (its lead university hospital and its county
members, 高平市人民医院 among them), and remote consultations that 刚察县's
hospitals ask of 威海's within the Shandong–Qinghai paired assistance.

Every record is written through the referral services, step by step, with the
time each step happened: the services refuse a step earlier than the one before
or later than now, so the demo's timestamps are consistent with the workflow by
construction. The most recent referrals are still open — some urgent ones past
their deadline, to show the flag on the board. 高平市人民医院's side is recorded
by its own demo account; the other hospitals have none, so the system
administrator records for them. Idempotent: nothing is added once the alliance
has referrals (or the programme consultations)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from medbridge.accounts.models import User
from medbridge.demo import programmes as demo_programmes
from medbridge.directory.models import Department, Institution, Professional
from medbridge.directory.services import institution_find
from medbridge.programmes.models import Programme
from medbridge.referrals import services
from medbridge.referrals.models import Consultation, ConsultationKind, Referral, Urgency

LEAD = "山西医科大学第二医院"
MEMBERS = {"阳城县人民医院": 3, "泽州县人民医院": 2, "沁水县人民医院": 2, "高平市人民医院": 4}  # relative volume
ACROSS_PAIR = ("阳城县人民医院", "高平市人民医院")  # both 二级甲等: referrals between them are 平转
RECORD_PREFIX = {
    LEAD: "SD",
    "阳城县人民医院": "YC",
    "泽州县人民医院": "ZZ",
    "沁水县人民医院": "QS",
    "高平市人民医院": "GP",
    "刚察县人民医院": "GC",
}
UP_COUNT, DOWN_COUNT, ACROSS_COUNT = 84, 56, 8
# This week's referrals, so the board has work in hand: (hours ago, sender, receiver,
# urgency, held). A held one is left waiting — the first two past their deadline.
RECENT = (
    (30, "高平市人民医院", LEAD, Urgency.URGENT, True),
    (5, "高平市人民医院", LEAD, Urgency.CRITICAL, True),
    (3, "泽州县人民医院", LEAD, Urgency.ROUTINE, True),
    (40, "阳城县人民医院", LEAD, Urgency.ROUTINE, False),
    (60, LEAD, "高平市人民医院", Urgency.ROUTINE, False),
    (90, "高平市人民医院", LEAD, Urgency.URGENT, False),
    (110, LEAD, "沁水县人民医院", Urgency.ROUTINE, False),
    (20, "沁水县人民医院", LEAD, Urgency.URGENT, False),
)
CONSULTATION_COUNT = 60
DAYS = 365

UP_CASES = (
    ("S72.001", "股骨颈骨折，拟行人工髋关节置换，本院暂不具备条件"),
    ("S72.101", "股骨转子间粉碎性骨折，合并骨质疏松，需上级医院手术"),
    ("S32.001", "腰椎压缩性骨折伴神经症状，需脊柱外科评估手术"),
    ("M48.0", "腰椎管狭窄症，保守治疗无效，拟行减压融合术"),
    ("M17.1", "重度膝骨关节炎，拟行全膝关节置换"),
    ("S82.201", "胫骨干开放性骨折，软组织条件差，需上级医院处理"),
    ("S42.201", "肱骨近端粉碎性骨折，需复杂内固定"),
    ("T84.0", "髋关节置换术后假体松动，需翻修"),
)
DOWN_CASES = (
    ("Z47.0", "骨折内固定术后病情稳定，转回当地医院康复治疗"),
    ("Z96.6", "人工关节置换术后第7天，转回当地医院继续康复训练"),
    ("M51.2", "腰椎间盘突出症术后恢复良好，转回当地随访与康复"),
    ("S72.001", "髋关节置换术后切口愈合良好，转回当地医院护理与功能锻炼"),
)
ACROSS_CASES = (("M75.1", "肩袖损伤，转至开展关节镜技术的联盟成员医院"),)
DECLINE_NOTES = ("骨科床位已满，建议转联盟牵头医院", "患者合并严重心肺疾病，建议先转综合医院评估")
RETURN_NOTES = ("患者家属要求回当地治疗", "经评估暂无手术指征，退回原医院保守治疗")

# (kind, department of the asking side, the question)
CONSULTATION_CASES = (
    (ConsultationKind.IMAGING, "医学影像科", "上腹部CT示肝内占位，请协助阅片明确性质"),
    (ConsultationKind.IMAGING, "医学影像科", "胸部CT示右肺结节，请协助判断随访或进一步检查"),
    (ConsultationKind.ECG, "消化内科", "胸闷伴心悸，心电图ST段改变，请协助判读"),
    (ConsultationKind.PATHOLOGY, "消化内科", "胃镜活检病理切片，请协助诊断"),
    (ConsultationKind.CONSULTATION, "肝胆外科", "胆囊结石伴急性胆囊炎反复发作，请协助制定手术方案"),
    (ConsultationKind.CONSULTATION, "消化内科", "上消化道出血保守治疗效果不佳，请协助诊疗"),
    (ConsultationKind.CONSULTATION, "妇产科", "高龄孕妇妊娠期高血压，请协助评估分娩时机"),
    (ConsultationKind.TEACHING, "麻醉科", "远程教学查房：高原地区老年患者麻醉管理"),
)
# The Weihai department that answers each kind of question.
ANSWERING_DEPARTMENT = {
    "医学影像科": "医学影像科",
    "消化内科": "消化内科",
    "肝胆外科": "肝胆外科",
    "妇产科": "妇产科",
    "麻醉科": "麻醉科",
}
OPINIONS = {
    ConsultationKind.IMAGING: "影像表现考虑良性病变可能性大，建议3个月后复查增强CT。",
    ConsultationKind.ECG: "窦性心律，ST-T改变，建议完善心肌酶谱并动态观察心电图。",
    ConsultationKind.PATHOLOGY: "慢性萎缩性胃炎伴轻度肠上皮化生，建议1年后复查胃镜。",
    ConsultationKind.CONSULTATION: "同意当地诊疗方案，补充建议已详述；如病情变化可申请转诊至威海。",
    ConsultationKind.TEACHING: "已完成教学查房，讲解要点与课件见附件。",
}


@dataclass
class ReferralReport:
    """What one run created; a second run reports zeros."""

    referrals: int = 0
    steps: int = 0
    consultations: int = 0


class ReferralSeeder:
    def __init__(self, actor: User, *, now: datetime | None = None) -> None:
        self.system = actor
        self.gaoping = User.objects.filter(username="gaoping").first()
        self.now = now or timezone.now()
        self.start = self.now - timedelta(days=DAYS)
        self.rng = random.Random(2025)
        self.report = ReferralReport()
        self._serial = 0

    def run(self) -> ReferralReport:
        alliance = Programme.objects.filter(name=demo_programmes.ALLIANCE).first()
        if alliance is not None and not Referral.objects.filter(programme=alliance).exists():
            self.alliance_referrals()
        weihai = Programme.objects.filter(name=demo_programmes.WEIHAI).first()
        if (
            weihai is not None
            and not Consultation.objects.filter(programme__in=[weihai, *weihai.children.all()]).exists()
        ):
            self.weihai_consultations()
        return self.report

    # --- Referrals --------------------------------------------------------------------

    def alliance_referrals(self) -> None:
        lead = _institution(LEAD)
        members = [_institution(name) for name in MEMBERS]
        weights = list(MEMBERS.values())
        plans: list[tuple[datetime, Institution, Institution, tuple[str, str]]] = []
        for _i in range(UP_COUNT):
            plans.append((self.moment(), self.rng.choices(members, weights)[0], lead, self.rng.choice(UP_CASES)))
        for _i in range(DOWN_COUNT):
            plans.append((self.moment(), lead, self.rng.choices(members, weights)[0], self.rng.choice(DOWN_CASES)))
        pair = [_institution(name) for name in ACROSS_PAIR]
        for _i in range(ACROSS_COUNT):
            sender, receiver = self.rng.sample(pair, 2)
            plans.append((self.moment(), sender, receiver, ACROSS_CASES[0]))
        for at, sender, receiver, case in sorted(plans, key=lambda p: p[0]):
            self.referral(at, sender, receiver, case)
        for hours_ago, sender_name, receiver_name, urgency, held in RECENT:
            sender, receiver = _institution(sender_name), _institution(receiver_name)
            case = self.rng.choice(DOWN_CASES if sender_name == LEAD else UP_CASES)
            at = self.now - timedelta(hours=hours_ago)
            self.referral(at, sender, receiver, case, urgency=urgency, held=held)

    def moment(self) -> datetime:
        # Daytime hours of a random day of the year: referrals are sent during the working day.
        day = self.start + timedelta(days=self.rng.randrange(DAYS))
        local = timezone.localtime(day).replace(hour=self.rng.randint(8, 17), minute=self.rng.randrange(60))
        return min(local, self.now - timedelta(hours=1))

    def referral(
        self,
        at: datetime,
        sender: Institution,
        receiver: Institution,
        case: tuple[str, str],
        *,
        urgency: str | None = None,
        held: bool = False,
    ) -> None:
        urgency = urgency or self.rng.choices(list(Urgency), (70, 22, 8))[0]
        data = services.ReferralData(
            from_institution=sender,
            to_institution=receiver,
            from_department=_department(sender, "骨科"),
            to_department=_department(receiver, "骨科"),
            urgency=urgency,
            diagnosis_code=case[0],
            reason=case[1],
            **self.patient(sender),
        )
        referral = services.referral_create(actor=self.actor_for(sender), data=data, at=at)
        self.report.referrals += 1
        if not held:
            self.walk(referral, at, urgency)

    def patient(self, sender: Institution) -> dict[str, Any]:
        self._serial += 1
        letters = "ABCDEFGHJKLMNPQRSTWXYZ"
        return {
            "patient_initials": "".join(self.rng.choice(letters) for _ in range(self.rng.choice((2, 3, 3)))),
            "patient_sex": self.rng.choice("12"),
            "patient_age_band": self.rng.choices(("18-44", "45-59", "60-74", "75+"), (15, 30, 35, 20))[0],
            "patient_record_no": f"{RECORD_PREFIX.get(sender.name, 'MB')}{self.rng.randrange(10**7, 10**8)}",
        }

    def walk(self, referral: Referral, at: datetime, urgency: str) -> None:
        """Take the referral along a plausible path until a step would lie in the future."""
        roll = self.rng.random()
        if roll < 0.04:
            self.step(referral, "cancel", at + self.hours(1, 6), note="患者改变就诊意愿")
            return
        accepted = at + self.accept_delay(urgency)
        if roll < 0.12:
            self.step(referral, "decline", accepted, note=self.rng.choice(DECLINE_NOTES))
            return
        if not self.step(referral, "accept", accepted):
            return
        arrived = accepted + self.hours(1, 6) if urgency != Urgency.ROUTINE else accepted + self.hours(12, 72)
        if not self.step(referral, "arrive", arrived):
            return
        stay = self.hours(24 * 3, 24 * 14) if referral.direction == "up" else self.hours(24 * 7, 24 * 30)
        if self.rng.random() < 0.06:
            self.step(referral, "return", arrived + self.hours(4, 48), note=self.rng.choice(RETURN_NOTES))
        else:
            self.step(referral, "complete", arrived + stay)

    def accept_delay(self, urgency: str) -> timedelta:
        # Mostly within the limit; one in ten runs late so the figures show late acceptances.
        limit = {Urgency.CRITICAL: 2, Urgency.URGENT: 24, Urgency.ROUTINE: 72}[Urgency(urgency)]
        late = self.rng.random() < 0.1
        low, high = (limit, limit * 1.5) if late else (limit * 0.05, limit * 0.8)
        return timedelta(hours=self.rng.uniform(low, high))

    def hours(self, low: float, high: float) -> timedelta:
        return timedelta(hours=self.rng.uniform(low, high))

    def step(self, referral: Referral, action: str, at: datetime, note: str = "") -> bool:
        if at >= self.now:
            return False
        side = services.REFERRAL_TRANSITIONS[action].side
        institution = referral.from_institution if side == "sender" else referral.to_institution
        services.referral_transition(
            actor=self.actor_for(institution), referral=referral, action=action, note=note, at=at
        )
        self.report.steps += 1
        return True

    def actor_for(self, institution: Institution) -> User:
        return self.gaoping if self.gaoping is not None and institution.name == "高平市人民医院" else self.system

    # --- Consultations -------------------------------------------------------------------

    def weihai_consultations(self) -> None:
        asking = demo_programmes.group_members("gangcha_staff")
        answering = demo_programmes.group_members("weihai_dispatch")
        gangcha = _institution("刚察县人民医院")
        doctors = asking.get(gangcha.name, [])
        experts = [p for people in answering.values() for p in people]
        # This week's requests too, so some are still waiting for an opinion or a slot.
        recent = [self.now - timedelta(hours=h) for h in (2, 9, 26, 50)]
        times = sorted([*(self.moment() for _ in range(CONSULTATION_COUNT)), *recent])
        for at in times:
            kind, department, question = self.rng.choice(CONSULTATION_CASES)
            expert = self.expert(experts, ANSWERING_DEPARTMENT[department])
            if expert is None or expert.institution is None:
                continue
            doctor = next((d for d in doctors if _in(d, department)), doctors[0] if doctors else None)
            self.consultation(at, gangcha, doctor, expert, kind, question)

    def expert(self, experts: list[Professional], department: str) -> Professional | None:
        pool = [p for p in experts if _in(p, department)]
        return self.rng.choice(pool) if pool else None

    def consultation(
        self,
        at: datetime,
        asking: Institution,
        doctor: Professional | None,
        expert: Professional,
        kind: str,
        question: str,
    ) -> None:
        teaching = kind == ConsultationKind.TEACHING
        patient = {} if teaching else self.patient(asking)
        data = services.ConsultationData(
            requesting_institution=asking,
            consulting_institution=expert.institution,  # type: ignore[arg-type]
            requesting_doctor=doctor,
            consulting_expert=expert,
            specialty=expert.department.specialty if expert.department else None,
            kind=kind,
            question=question,
            **patient,
        )
        consultation = services.consultation_create(actor=self.system, data=data, at=at)
        self.report.consultations += 1
        self.answer(consultation, at, kind)

    def answer(self, consultation: Consultation, at: datetime, kind: str) -> None:
        """Readings are answered directly; case consultations and rounds are scheduled first."""
        if self.rng.random() < 0.05:
            self.consult_step(at + self.hours(2, 12), lambda t: services.consultation_cancel(
                actor=self.system, consultation=consultation, note="患者已转上级医院就诊", at=t))  # fmt: skip
            return
        if kind in (ConsultationKind.IMAGING, ConsultationKind.ECG, ConsultationKind.PATHOLOGY):
            self.opinion(consultation, at + self.hours(1, 30), kind)
            return
        scheduled_at = at + self.hours(2, 24)
        slot = timezone.localtime(scheduled_at + timedelta(days=self.rng.randint(1, 4))).replace(
            hour=self.rng.choice((9, 10, 14, 15)), minute=0
        )
        scheduled = self.consult_step(
            scheduled_at,
            lambda t: services.consultation_schedule(
                actor=self.system, consultation=consultation, scheduled_for=slot, at=t
            ),
        )
        if scheduled:
            self.opinion(consultation, slot + self.hours(1, 3), kind)

    def opinion(self, consultation: Consultation, at: datetime, kind: str) -> None:
        self.consult_step(at, lambda t: services.consultation_give_opinion(
            actor=self.system, consultation=consultation, opinion=OPINIONS[ConsultationKind(kind)], at=t))  # fmt: skip

    def consult_step(self, at: datetime, write: Callable[[datetime], Any]) -> bool:
        if at >= self.now:
            return False
        write(at)
        self.report.steps += 1
        return True


def _institution(name: str) -> Institution:
    institution = institution_find(name)
    if institution is None:
        raise LookupError(f"institution {name!r} is missing; the directory demo must run first")
    return institution


def _department(institution: Institution, name: str) -> Department | None:
    return Department.objects.filter(institution=institution, name=name).first()


def _in(person: Professional, department: str) -> bool:
    return person.department is not None and person.department.name == department


def seed_referrals(actor: User, *, now: datetime | None = None) -> ReferralReport:
    return ReferralSeeder(actor, now=now).run()
