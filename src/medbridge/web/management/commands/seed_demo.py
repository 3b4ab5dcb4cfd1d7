import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medbridge.demo import national
from medbridge.demo.accounts import ACCOUNTS, DEMO_PASSWORD
from medbridge.demo.seed import seed_demo

NATIONAL = "national"


def _scale(raw: str) -> int | str:
    if raw == NATIONAL:
        return raw
    try:
        return int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--scale takes a number or '{NATIONAL}', not {raw!r}") from None


def _size(raw: str) -> tuple[str, int]:
    kind, _sep, value = raw.partition("=")
    if kind not in national.NationalSizes.__dataclass_fields__ or not value.isdigit() or int(value) <= 0:
        kinds = ", ".join(national.NationalSizes.__dataclass_fields__)
        raise argparse.ArgumentTypeError(f"--size takes KIND=N with KIND one of {kinds}, not {raw!r}")
    return kind, int(value)


class Command(BaseCommand):
    help = "创建演示数据（五个项目的机构与人员、项目与工作站、各角色演示账号）；可重复执行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=_scale,
            default=0,
            help="另加 N 倍合成机构与人员，用于压测；national：全国规模合成数据（仅 PostgreSQL）",
        )
        parser.add_argument(
            "--size",
            type=_size,
            action="append",
            default=[],
            metavar="KIND=N",
            help="全国规模下某类记录的数量，如 --size postings=2000（亦可用环境变量 MEDBRIDGE_NATIONAL_POSTINGS）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] != NATIONAL:
            self._report(seed_demo(scale=options["scale"]))
            return
        try:
            national.require_postgresql()  # before the demo, so SQLite is refused untouched
            self._report(seed_demo())
            self._national(national.seed_national(national.national_sizes(dict(options["size"]))))
        except national.NationalScaleUnsupported as exc:
            raise CommandError(str(exc)) from exc

    def _national(self, done: national.NationalReport) -> None:
        sizes = done.sizes
        if not done.created:
            self.stdout.write("national: synthetic programmes exist already, nothing generated")
            return
        counts = ", ".join(f"{n:,} {kind}" for kind, n in vars(sizes).items())
        self.stdout.write(f"national: {counts} generated in {done.seconds} s")
        for step, seconds in done.steps.items():
            self.stdout.write(f"  {step}: {seconds} s")

    def _report(self, result: Any) -> None:
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
