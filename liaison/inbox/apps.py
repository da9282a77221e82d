from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "liaison.inbox"
    label = "inbox"
    verbose_name = _("Inbox")

    def ready(self):
        # Its part of the periodic sweep (liaison.deadlines.sweep).
        from liaison.deadlines import sweep

        from . import services

        sweep.register("inbox", services.sweep, order=40)
