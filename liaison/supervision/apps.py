from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "liaison.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        # Its part of the periodic sweep (liaison.deadlines.sweep).
        from liaison.deadlines import sweep
        from liaison.inbox.models import Ask
        from liaison.matters import worklist

        from . import selectors, services

        sweep.register("supervision", services.sweep, order=30)
        # The to-do (liaison.matters.worklist): replies waiting for review, and urging
        # several supervised matters at once (the service refuses where it may not).
        worklist.register_source(
            "supervision.review",
            worklist.Source(Ask.REVIEW_RECTIFICATION, selectors.reviews_waiting_on),
        )
        worklist.register_batch_action(
            "urge",
            worklist.BatchAction(
                label=_("Urge"),
                run=lambda matter, person: services.urge(matter, person),
                offered=lambda person, reach: reach.sees_all or bool(reach.overseen),
            ),
        )
