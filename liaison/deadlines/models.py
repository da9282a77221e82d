"""Service levels (时限): how long a matter of a kind and urgency may wait at each step,
in the working time of the department that holds it."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison.worktime.domain import Unit

UNIT_CHOICES = [
    (Unit.WORKING_DAYS.value, _("working days")),
    (Unit.WORKING_HOURS.value, _("working hours")),
    (Unit.WORKING_MINUTES.value, _("working minutes")),
    (Unit.CLOCK_MINUTES.value, _("minutes around the clock")),
]


class Urgency(models.TextChoices):
    """A matter's urgency. Defined here, with the service levels kept per urgency, and
    used by the matters (liaison.matters.models.Urgency)."""

    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


class BreachAction(models.TextChoices):
    ESCALATE = "escalate", _("Escalate one rung up the ladder")
    NOTIFY = "notify", _("Tell the holder and their head only")


def _percent_list(value) -> None:
    if not isinstance(value, list) or not all(isinstance(p, int) and 0 < p < 100 for p in value):
        raise ValidationError(_("Reminders are percentages between 1 and 99, e.g. [50, 90]."))


class ServiceLevel(models.Model):
    kind = models.ForeignKey(
        "matters.MatterKind",
        verbose_name=_("kind"),
        on_delete=models.CASCADE,
        related_name="service_levels",
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    accept_within = models.PositiveIntegerField(
        _("accept within"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    accept_unit = models.CharField(_("unit"), max_length=20, choices=UNIT_CHOICES)
    reply_within = models.PositiveIntegerField(
        _("reply within"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    reply_unit = models.CharField(_("unit"), max_length=20, choices=UNIT_CHOICES)
    reminders = models.JSONField(
        _("reminders (percent of the time allowed)"),
        default=list,
        blank=True,
        validators=[_percent_list],
        help_text=_("When the holder is reminded, as percentages of the time allowed."),
    )
    on_breach = models.CharField(
        _("when the time is up"),
        max_length=10,
        choices=BreachAction.choices,
        default=BreachAction.ESCALATE,
    )

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        ordering = ["kind__sort_order", "kind__code", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "urgency"], name="deadlines_level_once"),
            models.CheckConstraint(
                condition=Q(accept_within__gt=0) & Q(reply_within__gt=0),
                name="deadlines_level_positive",
            ),
            models.CheckConstraint(
                condition=Q(urgency__in=Urgency.values), name="deadlines_level_urgency"
            ),
            models.CheckConstraint(
                condition=Q(accept_unit__in=[u for u, _l in UNIT_CHOICES])
                & Q(reply_unit__in=[u for u, _l in UNIT_CHOICES]),
                name="deadlines_level_units",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.get_urgency_display()}"
