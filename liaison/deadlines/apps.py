from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "liaison.deadlines"
    verbose_name = _("Deadlines")

    def ready(self):
        from . import services  # noqa: F401 -- seeds service levels of new matter kinds
