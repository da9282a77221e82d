"""The matter itself: its states and their transitions, its numbering, and the other
choices it carries (rating, resolution, escalation level)."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from liaison.deadlines.models import Urgency  # with the service levels, kept per urgency
from liaison.org.models import Department, Organization, Person
from liaison.org.pinyin import pinyin_keys

from .kinds import Category, MatterKind


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting dispatch")
    DISPATCHED = "dispatched", _("Awaiting acceptance")
    ACCEPTED = "accepted", _("In progress")
    REPLIED = "replied", _("Awaiting confirmation")
    ESCALATED = "escalated", _("Escalated")
    CLOSED = "closed", _("Closed")
    ARCHIVED = "archived", _("Archived")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: States in which a matter is someone's job: it has an owner, a responsible person and
#: a next deadline (the invariant, also a database constraint).
OPEN_STATES = (
    State.SUBMITTED,
    State.DISPATCHED,
    State.ACCEPTED,
    State.REPLIED,
    State.ESCALATED,
)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class Resolution(models.TextChoices):
    DONE = "done", _("Done")
    NOT_A_MATTER = "not_a_matter", _("Not a matter")


class EscalationLevel(models.IntegerChoices):
    """The ladder: direct → department heads → coordinating office → leader in charge →
    leading group."""

    DIRECT = 0, _("Direct coordination")
    DEPARTMENT_HEADS = 1, _("Department heads")
    COORDINATING_OFFICE = 2, _("Coordinating office")
    LEADER_IN_CHARGE = 3, _("Leader in charge")
    LEADING_GROUP = 4, _("Leading group")


class NumberCounter(models.Model):
    """The last number given per organization, prefix and year (XT-2026-000123)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    prefix = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "prefix", "year"], name="matters_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class Matter(ConcurrentTransitionMixin, models.Model):
    # Foreign keys without an index of their own are the leading column of a composite
    # index below: a second index would only slow down every update of a matter.
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, db_index=False
    )
    number = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    # The title's pinyin and initials, for the top search (zzj → 自助机), kept by save().
    title_pinyin = models.CharField(max_length=1200, blank=True, editable=False)
    title_initials = models.CharField(max_length=200, blank=True, editable=False)
    description = models.TextField(_("description"), blank=True)
    kind = models.ForeignKey(MatterKind, verbose_name=_("kind"), on_delete=models.PROTECT)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), blank=True, related_name="matters"
    )
    state = FSMField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT, protected=True
    )
    resolution = models.CharField(
        _("resolution"), max_length=15, choices=Resolution.choices, blank=True
    )

    originator = models.ForeignKey(
        Person,
        verbose_name=_("originator"),
        on_delete=models.PROTECT,
        db_index=False,
        related_name="+",
    )
    originator_department = models.ForeignKey(
        Department,
        verbose_name=_("originating department"),
        on_delete=models.PROTECT,
        db_index=False,
        related_name="+",
    )
    relation = models.CharField(_("relation"), max_length=10, blank=True)

    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    co_departments = models.ManyToManyField(
        Department,
        verbose_name=_("co-organizer departments"),
        through="CoOrganizer",
        related_name="+",
        blank=True,
    )
    # Who holds the ball now: the department, the person in it, and by when.
    owner_department = models.ForeignKey(
        Department,
        verbose_name=_("owning department"),
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    responsible_person = models.ForeignKey(
        Person,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    next_deadline = models.DateTimeField(_("next deadline"), null=True, blank=True)
    due = models.DateField(_("due date"), null=True, blank=True)
    # Who dispatched it last: a return goes back to them.
    dispatcher = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dispatcher_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.DIRECT
    )
    # The service-level clocks, computed once when a step starts (liaison.deadlines).
    accept_due = models.DateTimeField(_("accept by"), null=True, blank=True)
    reply_due = models.DateTimeField(_("reply by"), null=True, blank=True)
    # Set while the lead waits on the originator for information: the reply clock stands.
    paused_at = models.DateTimeField(_("clock paused"), null=True, blank=True)
    # When the sweep must next look at the matter (a reminder or a breach), and the
    # reminder moments still to come on the running clock.
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reminders_due = models.JSONField(default=list, blank=True)

    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    return_count = models.PositiveSmallIntegerField(_("returns"), default=0)
    transfer_count = models.PositiveSmallIntegerField(_("transfers"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="matters_matter_unique_number"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[s.value for s in OPEN_STATES])
                | Q(
                    owner_department__isnull=False,
                    responsible_person__isnull=False,
                    next_deadline__isnull=False,
                ),
                name="matters_open_matter_has_owner_person_deadline",
            ),
            models.CheckConstraint(
                condition=Q(escalation_level__gte=0, escalation_level__lte=4),
                name="matters_escalation_level_on_the_ladder",
            ),
        ]
        indexes = [
            models.Index(fields=["owner_department", "state"], name="matters_owner_state"),
            models.Index(fields=["responsible_person", "state"], name="matters_person_state"),
            models.Index(fields=["originator", "state"], name="matters_originator_state"),
            models.Index(fields=["originator_department", "state"], name="matters_orig_dept_state"),
            models.Index(fields=["lead_department", "state"], name="matters_lead_state"),
            # Open matters by deadline; and covering the dashboard's counts of open,
            # overdue and escalated matters by holder, so that they never read the rows.
            # Not partial on the open states: SQLite cannot use such an index when the
            # states come as query parameters.
            models.Index(
                fields=[
                    "organization",
                    "state",
                    "next_deadline",
                    "owner_department",
                    "paused_at",
                    "escalation_level",
                    "originator",
                ],
                name="matters_deadline_load",
            ),
            # Lists of all matters, newest first (the default ordering): the first page of
            # a search stops after 50 hits instead of sorting every match.
            models.Index(fields=["organization", "created_at", "id"], name="matters_org_created"),
            # Scorecards leave out the clocks of the few withdrawn matters (withdrawn, or
            # archived after it: no resolution).
            models.Index(
                fields=["organization", "state", "resolution"],
                condition=Q(state=State.WITHDRAWN) | Q(state=State.ARCHIVED, resolution=""),
                name="matters_withdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, update_fields=None, **kwargs):
        # A save that does not write the title (state changes, clocks) leaves the keys be.
        if update_fields is None or "title" in update_fields:
            self.set_title_keys()
            if update_fields is not None:
                update_fields = {*update_fields, "title_pinyin", "title_initials"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def set_title_keys(self) -> None:
        """Work out the title's pinyin search keys (bulk_create does not call save)."""
        self.title_pinyin, self.title_initials = pinyin_keys(self.title)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        return (
            self.is_open
            and self.paused_at is None  # the lead waits on the originator: no clock runs
            and self.next_deadline is not None
            and self.next_deadline < timezone.now()
        )

    @property
    def due_at(self) -> datetime.datetime | None:
        """The due date's end, in local time."""
        if self.due is None:
            return None
        end = datetime.datetime.combine(self.due, datetime.time(23, 59, 59))
        return timezone.make_aware(end)

    # Transitions: state only. The services set owner, deadline and the rest.

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def _submit(self):
        pass

    @transition(
        field=state,
        source=[State.SUBMITTED, State.DISPATCHED, State.ACCEPTED, State.ESCALATED],
        target=State.DISPATCHED,
    )
    def _dispatch(self):
        pass

    @transition(field=state, source=State.DISPATCHED, target=State.ACCEPTED)
    def _accept(self):
        pass

    @transition(field=state, source=State.DISPATCHED, target=State.SUBMITTED)
    def _return(self):
        pass

    @transition(field=state, source=[State.DISPATCHED, State.ACCEPTED], target=State.DISPATCHED)
    def _transfer(self):
        pass

    @transition(field=state, source=State.ACCEPTED, target=State.REPLIED)
    def _reply(self):
        pass

    @transition(field=state, source=State.REPLIED, target=State.CLOSED)
    def _close(self):
        pass

    @transition(field=state, source=[State.REPLIED, State.CLOSED], target=State.ACCEPTED)
    def _reopen(self):
        pass

    @transition(field=state, source=State.CLOSED, target=State.SUBMITTED)
    def _reopen_for_dispatch(self):
        """A matter closed as "not a matter" has no lead to go back to: reopening it puts
        it before the coordinating office again."""

    @transition(
        field=state,
        source=[State.SUBMITTED, State.DISPATCHED, State.ACCEPTED, State.ESCALATED],
        target=State.ESCALATED,
    )
    def _escalate(self):
        pass

    @transition(field=state, source=[State.SUBMITTED, State.ESCALATED], target=State.CLOSED)
    def _close_as_not_a_matter(self):
        pass

    @transition(
        field=state, source=[State.DRAFT, State.SUBMITTED, State.DISPATCHED], target=State.WITHDRAWN
    )
    def _withdraw(self):
        pass

    @transition(field=state, source=[State.CLOSED, State.WITHDRAWN], target=State.ARCHIVED)
    def _archive(self):
        pass
