"""Demo accounts, one per role, each scoped to a place in the five programmes."""

from __future__ import annotations

from dataclasses import dataclass

from medbridge.accounts import services
from medbridge.accounts.models import Role, User
from medbridge.directory.models import Professional, Region
from medbridge.directory.services import institution_find

DEMO_PASSWORD = "MedBridge-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    display_name: str
    region: str = ""
    institution: str = ""
    professional_of: str = ""  # the first person at this institution


ACCOUNTS = (
    DemoAccount("admin", Role.SYSTEM_ADMIN, "系统管理员"),
    DemoAccount("auditor", Role.AUDITOR, "审计员"),
    DemoAccount("changzhi", Role.COMMISSION_OFFICER, "长治市卫健委", region="140400"),
    DemoAccount("weihai", Role.COMMISSION_OFFICER, "威海市卫健委", region="371000"),
    DemoAccount("gangcha", Role.COMMISSION_OFFICER, "刚察县卫健局", region="632224"),
    DemoAccount("shanxi", Role.COMMISSION_OFFICER, "山西省卫健委", region="140000"),
    DemoAccount("czrmyy", Role.INSTITUTION_ADMIN, "长治市人民医院医务科", institution="长治市人民医院"),
    DemoAccount("gaoping", Role.INSTITUTION_ADMIN, "高平市人民医院医务科", institution="高平市人民医院"),
    DemoAccount("fuqing", Role.INSTITUTION_ADMIN, "福清市医院科教科", institution="福清市医院"),
    DemoAccount("trainee", Role.PROFESSIONAL, "福清市医院进修医师", professional_of="福清市医院"),
)


def seed_accounts(actor: User | None, only: tuple[str, ...] = ()) -> list[DemoAccount]:
    created = []
    for account in ACCOUNTS:
        if (only and account.username not in only) or User.objects.filter(username=account.username).exists():
            continue
        data = services.UserData(
            username=account.username,
            role=account.role,
            password=DEMO_PASSWORD,
            display_name=account.display_name,
            region=Region.objects.filter(code=account.region).first() if account.region else None,
            institution=institution_find(account.institution) if account.institution else None,
            professional=_first_person(account.professional_of) if account.professional_of else None,
        )
        services.user_create(actor=actor, data=data)
        created.append(account)
    return created


def _first_person(institution_name: str) -> Professional | None:
    return Professional.objects.filter(institution__name=institution_name).order_by("id").first()
