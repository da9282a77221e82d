from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "liaison.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        # Its part of the periodic sweep (liaison.deadlines.sweep).
        from liaison.deadlines import sweep

        from . import services

        sweep.register("supervision", services.sweep, order=30)
