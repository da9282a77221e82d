from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "liaison.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        # The morning briefs in the periodic sweep (liaison.deadlines.sweep), after the
        # inbox's step (40): they queue their own deliveries, and the other areas' counts
        # of what a sweep hands to the mail stay theirs.
        from liaison.deadlines import sweep

        from . import brief

        sweep.register("dashboard.brief", brief.send_briefs, order=45)
