from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from medbridge.demo.accounts import ACCOUNTS, DEMO_PASSWORD
from medbridge.demo.seed import seed_demo


class Command(BaseCommand):
    help = "创建演示数据（五个项目的机构与人员、项目与工作站、各角色演示账号）；可重复执行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=0, help="另加 N 倍合成机构与人员，用于压测")

    def handle(self, *args: Any, **options: Any) -> None:
        result = seed_demo(scale=options["scale"])
        d = result.directory
        self.stdout.write(f"demo: {d.institutions} institutions and {d.professionals} professionals created")
        for label, count in sorted(d.groups.items()):
            self.stdout.write(f"  {label}: {count}")
        p = result.programmes
        self.stdout.write(
            f"programmes: {p.programmes} programmes, {p.parties} parties, {p.stations} stations, "
            f"{p.engagements} engagements, {p.targets} targets, {p.agreements} agreements created"
        )
        s = result.postings
        self.stdout.write(
            f"postings: {s.stationed} stationed, {s.attachment} attachment, {s.training} training, "
            f"{s.logs} work logs, {s.evaluations} evaluations created"
        )
        r = result.referrals
        self.stdout.write(
            f"referrals: {r.referrals} referrals, {r.consultations} consultations, {r.steps} workflow steps created"
        )
        act = result.activities
        self.stdout.write(
            f"activities: {act.activities} activities, {act.participants} participants, {act.pledges} pledges, "
            f"{act.hometown_experts} named hometown experts created"
        )
        c = result.clinics
        self.stdout.write(
            f"clinics: {c.sessions_history} past and {c.sessions_upcoming} upcoming sessions, "
            f"{c.visits} patient visits, {c.bookings} bookings created"
        )
        pl = result.planning
        self.stdout.write(
            f"planning: {pl.rounds} matching rounds, {pl.applications} applications, {pl.demands} host demands"
        )
        if result.synthetic_institutions:
            self.stdout.write(
                f"synthetic: {result.synthetic_institutions} institutions, {result.synthetic_professionals} people"
            )
        self.stdout.write(f"\n演示账号 demo logins (password for all: {DEMO_PASSWORD})")
        for a in ACCOUNTS:
            scope = a.region or a.institution or a.professional_of
            self.stdout.write(f"  {a.username:<10} {a.display_name} {scope}")
