from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "liaison.notices"
    label = "notices"
    verbose_name = _("Notices")

    def ready(self):
        # Its part of the periodic sweep (liaison.deadlines.sweep).
        from liaison.core import indicators as catalogue
        from liaison.deadlines import sweep

        from . import indicators, services

        sweep.register("notices", services.sweep, order=50)
        # Its evaluation indicator (liaison.core.indicators).
        catalogue.register(*indicators.INDICATORS)
