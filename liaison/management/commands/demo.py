from django.core.management.base import BaseCommand, CommandError

from liaison.communication.demo import build_demo_communication
from liaison.deadlines.sweep import run_sweep
from liaison.evaluation.demo import build_demo_evaluation
from liaison.inbox.models import Delivery
from liaison.matters.demo import build_demo_matters
from liaison.matters.models import State
from liaison.meetings.demo import build_demo_meetings
from liaison.notices.demo import build_demo_notices
from liaison.org.demo import DEMO_LOGINS, DEMO_PASSWORD, build_demo_hospital
from liaison.org.models import Organization
from liaison.suggestions.demo import build_demo_suggestions
from liaison.supervision.demo import supervise_demo_matters


class Command(BaseCommand):
    help = (
        "Build the demo hospital (示范市人民医院): departments, leaders, groups and people, "
        "then a few hundred coordination matters in every state, and its meeting series."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds an organization.",
        )
        parser.add_argument(
            "--matters",
            type=int,
            default=300,
            help="How many demo matters to build (default 300; 0 for none).",
        )

    def handle(self, *args, if_empty=False, matters=300, **options):
        if if_empty and Organization.objects.exists():
            self.stdout.write("The database already holds data; the demo hospital is not loaded.")
            return
        try:
            organization = build_demo_hospital()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Built {organization.name}: {organization.departments.count()} departments, "
                f"{organization.people.count()} people."
            )
        )
        if matters > 0:
            result = build_demo_matters(organization, count=matters)
            self.stdout.write(
                self.style.SUCCESS(f"Built {result.total} matters in {result.seconds:.1f} s:")
            )
            for state in State:
                self.stdout.write(f"  {state.value:<11} {result.counts.get(state.value, 0):>4}")
            for failure in result.failures:
                self.stderr.write(f"  not as planned: {failure}")
            supervise_demo_matters(organization)
            # The demo's history ran without the worker: catch its clocks up now, as the
            # worker would on its first sweep (reminders, missed limits, escalations).
            swept = run_sweep()
            done = ", ".join(f"{key} {value}" for key, value in sorted(swept.items()))
            self.stdout.write(f"Clocks caught up: {done or 'nothing was due'}.")
            evaluation = build_demo_evaluation(organization)
            cards = ", ".join(f"{code} {state}" for code, state in evaluation.scorecards.items())
            self.stdout.write(self.style.SUCCESS(f"Computed scorecards: {cards}."))
            if evaluation.peer_round:
                self.stdout.write(
                    f"Peer round {evaluation.peer_round.period}: {evaluation.answered} of "
                    f"{evaluation.ballots} ballots answered, {evaluation.peer_round.state}."
                )
        series = build_demo_meetings(organization)
        self.stdout.write(self.style.SUCCESS(f"Scheduled {len(series)} meeting series."))
        notices = build_demo_notices(organization)
        self.stdout.write(self.style.SUCCESS(f"Published {notices} notices."))
        suggestions = build_demo_suggestions(organization)
        self.stdout.write(self.style.SUCCESS(f"Wrote {suggestions} suggestions."))
        plans = build_demo_communication(organization)
        self.stdout.write(self.style.SUCCESS(f"Drew up {plans} communication plans."))
        # The demo's people have made-up addresses: nothing is mailed to them (their
        # inbox items stay).
        Delivery.objects.filter(notification__recipient__organization=organization).delete()
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<12} {login.role}")
