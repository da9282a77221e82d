from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "liaison.org"
    label = "org"
    verbose_name = _("Organization")

    def ready(self):
        from . import policy  # noqa: F401  (registers the organization's rules)
