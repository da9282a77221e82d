"""The clock ledger: every time limit a department was held to on a matter, kept for ever.

A matter carries only its running clock (accept_due, reply_due); evaluation needs each
clock there ever was: who held it, when it was due, when and how it ended. The matters
services write a row when a department is asked to lead (an accept clock) and when the
lead accepts or a reopened matter goes back to it (a reply clock); they end it when the
step is done or the matter moves on. Rows are never deleted.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.org.models import Department, Organization

from .matters import Matter, Rating


class ClockKind(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    REPLY = "reply", pgettext_lazy("clock", "Reply")


class ClockEnd(models.TextChoices):
    """How a clock ended; an open clock has none."""

    OPEN = "", _("Running")
    # The step was done: accepted (accept clock) or replied (reply clock).
    MET = "met", _("Done")
    RETURNED = "returned", _("Returned")
    TRANSFERRED = "transferred", _("Transferred")
    # Taken up the ladder, or closed by the office or the leaders: out of the holder's hands.
    ESCALATED = "escalated", _("Escalated")
    CLOSED = "closed", _("Closed by others")
    # A withdrawn matter counts nowhere.
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Clock(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, db_index=False, related_name="+"
    )
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(_("kind"), max_length=6, choices=ClockKind.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        db_index=False,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"))
    # Moved by an approved extension (reply clocks); otherwise fixed when the clock starts.
    due = models.DateTimeField(_("due"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end = models.CharField(
        _("ended by"), max_length=12, choices=ClockEnd.choices, blank=True, default=""
    )
    # The originator's confirmation of this reply: its rating, and whether it reopened.
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True)
    reopened = models.BooleanField(_("reopened"), default=False)

    class Meta:
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        ordering = ["started_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ClockKind.values), name="matters_clock_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(end__in=ClockEnd.values), name="matters_clock_end_valid"
            ),
            # Ended exactly when it has a way of ending.
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, end="")
                | (Q(ended_at__isnull=False) & ~Q(end="")),
                name="matters_clock_ended_with_reason",
            ),
            # Only a replied (met reply) clock is confirmed.
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True, rating="", reopened=False)
                | Q(kind=ClockKind.REPLY, end=ClockEnd.MET),
                name="matters_clock_confirms_a_reply",
            ),
            # One running clock per matter: one owner at every moment.
            models.UniqueConstraint(
                fields=["matter"],
                condition=Q(ended_at__isnull=True),
                name="matters_clock_one_running",
            ),
        ]
        indexes = [
            # Scorecards: a period's clocks by due, per department, with what the figures
            # count (index only but for the matter's state).
            models.Index(
                fields=["organization", "kind", "due", "department", "end", "ended_at", "matter"],
                name="matters_clock_due_counts",
            ),
            models.Index(
                fields=[
                    "organization",
                    "confirmed_at",
                    "department",
                    "kind",
                    "end",
                    "rating",
                    "reopened",
                    "matter",
                ],
                name="matters_clock_confirm_counts",
            ),
            models.Index(fields=["department", "started_at"], name="matters_clock_held"),
            # The clocks of a matter's department (whether an urge's holder held it).
            models.Index(fields=["matter", "department"], name="matters_clock_matter"),
            # Clocks running at some moment of a period: those ended since its start and
            # those running still (ended_at null).
            models.Index(
                fields=["organization", "ended_at", "started_at"], name="matters_clock_ended"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.matter_id} {self.kind} {self.department_id} → {self.due:%Y-%m-%d %H:%M}"
