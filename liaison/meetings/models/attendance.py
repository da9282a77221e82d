"""Attendance recorded at a meeting."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.org.models import Person

from .meetings import Meeting


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    SUBSTITUTED = "substituted", _("Sent a substitute")


class AttendanceRecord(models.Model):
    """Whether one expected person came, and if not, why and who came instead."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    presence = models.CharField(_("attendance"), max_length=12, choices=Presence.choices)
    reason = models.CharField(_("reason for absence"), max_length=300, blank=True)
    substitute = models.ForeignKey(
        Person,
        verbose_name=_("substitute"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        Person, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meetings_attendance_once"),
            models.CheckConstraint(
                condition=Q(presence=Presence.PRESENT, reason="", substitute=None)
                | Q(presence=Presence.ABSENT, substitute=None) & ~Q(reason="")
                | Q(presence=Presence.SUBSTITUTED, substitute__isnull=False)
                & ~Q(substitute=F("person")),
                name="meetings_attendance_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_presence_display()}"
