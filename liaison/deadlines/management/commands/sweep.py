import datetime
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from liaison.deadlines.sweep import run_sweep

STEP = re.compile(r"^(\d+)([mhd])$")


def _moment(value: str) -> datetime.datetime:
    moment = parse_datetime(value)
    if moment is None:
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if moment is None:
        raise CommandError(f"Not an ISO date and time: {value!r} (e.g. 2026-11-24T09:00)")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _step(value: str) -> datetime.timedelta:
    match = STEP.match(value)
    if not match:
        raise CommandError(f"Not a step: {value!r} (e.g. 30m, 2h, 1d)")
    amount, unit = int(match[1]), match[2]
    return datetime.timedelta(**{{"m": "minutes", "h": "hours", "d": "days"}[unit]: amount})


class Command(BaseCommand):
    help = (
        "Run one full sweep at once (reminders, missed time limits, escalations, deliveries, "
        "digests) and exit. With --until, sweep again and again as the clock moves on, to "
        "watch a matter left alone walk up the escalation ladder."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            metavar="ISO-DATETIME",
            help="Sweep as of this moment (local time unless an offset is given).",
        )
        parser.add_argument(
            "--until",
            metavar="ISO-DATETIME",
            help="Keep sweeping, moving the clock by --every, up to this moment.",
        )
        parser.add_argument("--every", default="1h", help="The clock's step with --until.")

    def handle(self, *args, now=None, until=None, every="1h", **options):
        moment = _moment(now) if now else timezone.now()
        end = _moment(until) if until else moment
        if end < moment:
            raise CommandError("--until is before --now.")
        step = _step(every)
        while True:
            counts = run_sweep(moment)
            done = ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))
            if done or not until:
                self.stdout.write(
                    f"{timezone.localtime(moment):%Y-%m-%d %H:%M}: {done or 'nothing due'}"
                )
            if moment >= end:
                break
            moment = min(moment + step, end)
