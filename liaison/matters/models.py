"""Matters (协调事项): anything one department needs from another, with one owner at
every moment.

The lifecycle is a django-fsm state machine on `Matter.state`; the transition methods
here only move the state, and the `services` package is the one place that calls them (with the
permission check, the row lock, the timeline event and the notifications). The database
itself refuses an open matter without an owning department, a responsible person and a
next deadline.
"""

import datetime
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from liaison.core.models import Event, UploadedFile
from liaison.deadlines.models import Urgency  # with the service levels, kept per urgency
from liaison.org.models import Department, Organization, Person


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
            models.Index(
                fields=["organization", "state", "next_deadline"], name="matters_deadline"
            ),
            # Lists of all matters, newest first (the default ordering): the first page of
            # a search stops after 50 hits instead of sorting every match.
            models.Index(fields=["organization", "created_at", "id"], name="matters_org_created"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

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


class CoOrganizer(models.Model):
    """A co-organizer department (协办) and its part (协办意见), once given."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="co_organizers")
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # matters_co_dept_matter below leads with it
    )
    text = models.TextField(_("contribution"), blank=True)
    contributed_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contributed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("co-organizer")
        verbose_name_plural = _("co-organizers")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "department"], name="matters_co_organizer_once"
            )
        ]
        # A department's queue and to-do read its co-organized matters from the index
        # alone, without visiting each co-organizer row.
        indexes = [models.Index(fields=["department", "matter"], name="matters_co_dept_matter")]

    def __str__(self) -> str:
        return str(self.department)


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    # The matter left the department that asked (transferred, returned, escalated,
    # replied, withdrawn or closed) before anyone decided.
    LAPSED = "lapsed", _("Lapsed")


class ExtensionRequest(models.Model):
    """延期申请: asked for, not taken; the due date changes only on approval."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    proposed_due = models.DateField(_("proposed due date"))
    previous_due = models.DateField(null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter"],
                condition=Q(state="pending"),
                name="matters_one_pending_extension",
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter.number} → {self.proposed_due}"


class EventType(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("Draft edited")
    SUBMITTED = "submitted", _("Submitted")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    TRANSFERRED = "transferred", _("Transferred")
    CONTRIBUTED = "contributed", _("Co-organizer part")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_DECIDED = "extension_decided", _("Extension decided")
    REPLIED = "replied", _("Replied")
    CONFIRMED = "confirmed", _("Confirmed")
    REOPENED = "reopened", _("Reopened")
    ESCALATED = "escalated", _("Escalated")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ARCHIVED = "archived", _("Archived")
    COMMENTED = "commented", _("Comment")
    ATTACHED = "attached", _("Attachment")
    LINKED = "linked", _("Linked")
    UNLINKED = "unlinked", _("Link removed")
    INFO_REQUESTED = "info_requested", _("Information asked of the originator")
    INFO_GIVEN = "info_given", _("Information given")
    REMINDED = "reminded", _("Reminded")
    BREACHED = "breached", _("Time limit missed")
    SUPERVISED = "supervised", _("Put under supervision")
    URGED = "urged", _("Urged")
    RECTIFICATION_SUBMITTED = "rectification-submitted", _("Rectification reply submitted")
    RECTIFICATION_ACCEPTED = "rectification-accepted", _("Rectification reply accepted")
    RECTIFICATION_REJECTED = "rectification-rejected", _("Rectification reply rejected")


class MatterEvent(Event):
    """The matter's timeline: who did what, when, from which state to which, and why.
    Append-only; it is also the source of the chain view."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("type"), max_length=30, choices=EventType.choices)
    actor_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    # Who holds the matter after this event (the chain view follows these).
    owner_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    text = models.TextField(_("text"), blank=True)
    is_internal = models.BooleanField(
        _("internal note"),
        default=False,
        help_text=_("Visible only to the departments handling the matter."),
    )

    class Meta(Event.Meta):
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [models.Index(fields=["matter", "at"], name="matters_event_matter_at")]

    def __str__(self) -> str:
        return f"{self.matter.number} {self.get_type_display()}"


def attachment_path(instance, filename: str) -> str:
    # The stored name is neutral; the original (Chinese) name is kept in the row.
    return f"matters/{timezone.now():%Y/%m}/{instance.matter_id}-{uuid.uuid4().hex}"


class Attachment(UploadedFile):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        MatterEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)


class LinkKind(models.TextChoices):
    DUPLICATE_OF = "duplicate_of", _("Duplicate of")
    RELATED = "related", _("Related to")
    CHILD_OF = "child_of", _("Part of")


#: How a link reads from the matter it points to.
LINK_INVERSE_LABELS = {
    LinkKind.DUPLICATE_OF: _("Duplicated by"),
    LinkKind.RELATED: _("Related to"),
    LinkKind.CHILD_OF: _("Has part"),
}


class MatterLink(models.Model):
    source = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="links")
    target = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="backlinks")
    kind = models.CharField(_("link"), max_length=15, choices=LinkKind.choices)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="matters_link_once"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="matters_link_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.number} {self.get_kind_display()} {self.target.number}"


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
