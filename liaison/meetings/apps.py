from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "liaison.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the receivers)
