"""The kinds of matter an organization knows, its categories, and its time limits for the
steps without a service level."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from liaison.org.models import Organization


class RaisedBy(models.TextChoices):
    """Who may raise a kind of matter (the rule is matters.policy.may_raise)."""

    ANYONE = "anyone", _("Anyone")
    OFFICES_AND_LEADERS = (
        "offices_and_leaders",
        _("The coordinating office, the supervision office and leaders"),
    )


class MatterKind(models.Model):
    """A kind of matter (coordination request, work contact form, supervision item …).
    Kinds are data: seeded for every organization, editable in the admin. Names are kept
    in both languages because they are data, not interface text."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="matter_kinds",
    )
    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    number_prefix = models.CharField(
        _("number prefix"), max_length=6, default="XT", help_text=_("For example XT or DB.")
    )
    default_days = models.PositiveSmallIntegerField(_("default time limit (days)"), default=5)
    raised_by = models.CharField(
        _("raised by"),
        max_length=20,
        choices=RaisedBy.choices,
        default=RaisedBy.ANYONE,
        help_text=_(
            "Who may raise matters of this kind. Flows that raise them on their own (a "
            "meeting's decisions, a notice's task) are not limited by it."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("matter kind")
        verbose_name_plural = _("matter kinds")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="matters_kind_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class Category(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="matters_category_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MatterSettings(models.Model):
    """Per-organization time limits of the steps without a service level (the time to
    accept is the kind's service level, in liaison.deadlines)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="matter_settings"
    )
    dispatch_hours = models.PositiveSmallIntegerField(_("hours to dispatch"), default=24)
    confirm_hours = models.PositiveSmallIntegerField(_("hours to confirm a reply"), default=72)
    escalation_hours = models.PositiveSmallIntegerField(
        _("hours to decide an escalation"), default=48
    )
    archive_after_days = models.PositiveSmallIntegerField(
        _("archive closed matters after (days)"), default=30
    )

    class Meta:
        verbose_name = _("matter settings")
        verbose_name_plural = _("matter settings")

    def __str__(self) -> str:
        return str(self.organization)
