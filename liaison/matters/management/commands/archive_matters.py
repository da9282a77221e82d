from django.core.management.base import BaseCommand, CommandError

from liaison.matters.services import archive_closed_matters, settings_for
from liaison.org.models import Organization


class Command(BaseCommand):
    help = (
        "Archive closed and withdrawn matters older than each organization's archive period "
        "(matter settings: archive closed matters after N days)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organization",
            metavar="CODE",
            help="Only this organization (its code); all organizations by default.",
        )

    def handle(self, *args, organization=None, **options):
        organizations = Organization.objects.order_by("code")
        if organization:
            organizations = organizations.filter(code=organization)
            if not organizations.exists():
                raise CommandError(f"No organization with the code {organization!r}.")
        total = 0
        for org in organizations:
            count = archive_closed_matters(org)
            total += count
            days = settings_for(org).archive_after_days
            self.stdout.write(
                f"{org.code}: archived {count} matters closed more than {days} days ago."
            )
        self.stdout.write(self.style.SUCCESS(f"Archived {total} matters."))
