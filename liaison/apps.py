from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    """The project itself, the composition root: what puts every area together (the URLs,
    the demo command) lives here, so no area has to import the others. Its templates/,
    static/ and locale/ folders are found as this app's."""

    name = "liaison"
    label = "liaison"
    verbose_name = _("Liaison")

    def ready(self):
        from . import search

        search.register()
