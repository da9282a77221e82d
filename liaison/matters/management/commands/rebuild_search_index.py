from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from liaison.matters import search
from liaison.matters.models import Matter


class Command(BaseCommand):
    help = "Rebuild the search index of matters (titles and descriptions) from scratch."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = search.rebuild(Matter.objects.all())
        self.stdout.write(_("%(count)d matters indexed.") % {"count": count})
