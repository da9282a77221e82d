from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "liaison.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from liaison.core import indicators as catalogue

        from . import indicators, receivers  # noqa: F401  (receivers: connects them)

        # Its evaluation indicator (liaison.core.indicators).
        catalogue.register(*indicators.INDICATORS)
