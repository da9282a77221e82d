from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.org.models import Person


class SentBrief(models.Model):
    """A morning brief composed for a person on a day (liaison.dashboard.brief). The unique
    (person, day) makes each day's brief once, however many sweeps run; a day with nothing
    to tell is recorded too (empty), so it is not composed again every sweep."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("composed"), default=timezone.now)
    empty = models.BooleanField(_("nothing to tell"), default=False)

    class Meta:
        verbose_name = _("morning brief")
        verbose_name_plural = _("morning briefs")
        constraints = [
            models.UniqueConstraint(fields=["person", "day"], name="dashboard_brief_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.day}"
