from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "liaison.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        # The peer score in the indicator catalogue, the rounds' reminders in the sweep.
        from liaison.core import indicators
        from liaison.deadlines import sweep

        from . import peer
        from .services import rounds

        indicators.register(peer.PEER_SCORE)
        sweep.register("peer evaluation", rounds.sweep, order=70)
