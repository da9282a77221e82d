from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunicationConfig(AppConfig):
    name = "liaison.communication"
    label = "communication"
    verbose_name = _("Communication plans")

    def ready(self):
        # Its part of the periodic sweep (liaison.deadlines.sweep).
        from liaison.deadlines import sweep

        from . import services

        sweep.register("communication", services.sweep, order=60)
