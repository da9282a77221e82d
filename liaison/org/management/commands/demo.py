from django.core.management.base import BaseCommand, CommandError

from liaison.org.demo import DEMO_LOGINS, DEMO_PASSWORD, build_demo_hospital
from liaison.org.models import Organization


class Command(BaseCommand):
    help = "Build the demo hospital (示范市人民医院): departments, leaders, groups and people."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds an organization.",
        )

    def handle(self, *args, if_empty=False, **options):
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
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<12} {login.role}")
