from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    name = "liaison.matters"
    label = "matters"
    verbose_name = _("Matters")

    def ready(self):
        # Its part of the periodic sweep (liaison.deadlines.sweep).
        from liaison.core import indicators as catalogue
        from liaison.deadlines import sweep

        from . import indicators
        from .services import periodic

        sweep.register("matters.clocks", periodic.check_due_clocks, order=10)
        sweep.register("matters.archiving", periodic.archive_old_closed_matters, order=20)
        # Its evaluation indicators (liaison.core.indicators).
        catalogue.register(*indicators.INDICATORS)
