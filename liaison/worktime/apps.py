from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorktimeConfig(AppConfig):
    name = "liaison.worktime"
    label = "worktime"
    verbose_name = _("Working time")

    def ready(self):
        # Connects the receiver that gives every new organization a calendar and holidays.
        from . import services  # noqa: F401
