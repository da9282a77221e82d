"""Stakeholder registers and communication plans (项目干系人 / 沟通计划, mechanism 14).

A project (or programme) has a register of stakeholders, each a person of the
organization, a department or an external party, in a layer (decision 决策层, management
管理层, execution 经办层) with an influence and information needs. Its communication plan
is a list of rows: what information, to which stakeholders, how often (an RFC 5545
recurrence rule), through which channel and by whom.

Each time a row falls due the sweep writes a Distribution (one due instance of the row)
and asks its owner to send it; the owner marks it sent (with a note, a link or a file) or
skipped with a reason. A row's `next_due_at` is its next due moment, indexed, so the sweep
reads only the rows that are due. Every change is a PlanEvent, never changed or deleted.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.core.models import Event
from liaison.core.plain import with_note
from liaison.org.models import Department, Organization, Person

#: A due distribution not sent by the end of its due day plus this many days is overdue.
GRACE_DAYS = 0


class Layer(models.TextChoices):
    DECISION = "decision", _("Decision layer")
    MANAGEMENT = "management", _("Management layer")
    EXECUTION = "execution", _("Execution layer")


class Level(models.TextChoices):
    HIGH = "high", pgettext_lazy("level", "High")
    MEDIUM = "medium", pgettext_lazy("level", "Medium")
    LOW = "low", pgettext_lazy("level", "Low")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    MEETING = "meeting", _("Meeting")
    REPORT = "report", _("Written report")
    NOTICE = "notice", _("Notice")
    PHONE = "phone", _("Phone")
    GROUP = "group", _("WeChat / WeCom group")
    IN_PERSON = "in_person", _("In person")


class Project(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_department = models.ForeignKey(
        Department,
        verbose_name=_("owner department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    manager = models.ForeignKey(
        Person, verbose_name=_("project manager"), on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("A closed project sends nothing more.")
    )
    created_by = models.ForeignKey(
        Person, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-is_active", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="communication_project_unique_name",
                violation_error_message=_("A project of this name exists already."),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="communication_project_has_name"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="communication_project_dates_in_order",
                violation_error_message=_("A project cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


def _one_party() -> Q:
    """Exactly one of a person, a department and an external party."""
    person = Q(person__isnull=False)
    department = Q(department__isnull=False)
    external = ~Q(external_name="")
    return (
        (person & Q(department__isnull=True) & Q(external_name=""))
        | (department & Q(person__isnull=True) & Q(external_name=""))
        | (external & Q(person__isnull=True) & Q(department__isnull=True))
    )


class Stakeholder(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="stakeholders"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    external_name = models.CharField(_("external party"), max_length=200, blank=True)
    external_unit = models.CharField(_("unit"), max_length=200, blank=True)
    external_contact = models.CharField(_("contact"), max_length=200, blank=True)
    role = models.CharField(
        _("role in the project"),
        max_length=200,
        blank=True,
        help_text=_("For example: sponsor, user representative, vendor."),
    )
    layer = models.CharField(_("layer"), max_length=20, choices=Layer.choices)
    influence = models.CharField(_("influence"), max_length=10, choices=Level.choices)
    interest = models.CharField(_("interest"), max_length=10, choices=Level.choices, blank=True)
    information_needs = models.TextField(_("information needs"), blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=20, choices=Channel.choices, blank=True
    )

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["project", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_one_party(),
                name="communication_stakeholder_one_party",
                violation_error_message=_(
                    "A stakeholder is a person, a department or an external party: exactly one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(layer__in=Layer.values), name="communication_stakeholder_layer"
            ),
            models.CheckConstraint(
                condition=Q(influence__in=Level.values),
                name="communication_stakeholder_influence",
            ),
            models.CheckConstraint(
                condition=Q(interest="") | Q(interest__in=Level.values),
                name="communication_stakeholder_interest",
            ),
            models.UniqueConstraint(
                fields=["project", "person"],
                condition=Q(person__isnull=False),
                name="communication_stakeholder_person_once",
                violation_error_message=_("This person is in the register already."),
            ),
            models.UniqueConstraint(
                fields=["project", "department"],
                condition=Q(department__isnull=False),
                name="communication_stakeholder_department_once",
                violation_error_message=_("This department is in the register already."),
            ),
            models.UniqueConstraint(
                fields=["project", "external_name", "external_unit"],
                condition=~Q(external_name=""),
                name="communication_stakeholder_external_once",
                violation_error_message=_("This external party is in the register already."),
            ),
        ]

    def __str__(self) -> str:
        if self.person_id:
            return self.person.name
        if self.department_id:
            return self.department.name
        if self.external_unit:
            return with_note(self.external_name, self.external_unit)
        return self.external_name

    @property
    def kind(self) -> str:
        if self.person_id:
            return "person"
        return "department" if self.department_id else "external"


class PlanRow(models.Model):
    """One row of the plan: what information, to whom, how often, how and by whom."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="rows"
    )
    information = models.CharField(
        _("information"), max_length=200, help_text=_("For example: weekly project status.")
    )
    content = models.TextField(
        _("content and form"),
        blank=True,
        help_text=_("What it contains, e.g. last week's progress, this week's plan, problems."),
    )
    stakeholders = models.ManyToManyField(
        Stakeholder, verbose_name=_("to whom"), related_name="plan_rows"
    )
    rule = models.CharField(
        _("recurrence rule"),
        max_length=300,
        help_text=_("RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=FR"),
    )
    start_date = models.DateField(_("first day"))
    due_time = models.TimeField(_("due time"), default=datetime.time(9, 0))
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    owner = models.ForeignKey(
        Person, verbose_name=_("by whom"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The next moment the row falls due; empty when it never will again (ended, rule
    # exhausted, project closed). The sweep reads the rows whose moment has come.
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        Person, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("communication plan row")
        verbose_name_plural = _("communication plan rows")
        ordering = ["project", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(information=""), name="communication_row_has_information"
            ),
            models.CheckConstraint(condition=~Q(rule=""), name="communication_row_has_rule"),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="communication_row_channel"
            ),
            models.CheckConstraint(
                condition=Q(is_active=True) | Q(next_due_at__isnull=True),
                name="communication_row_inactive_not_due",
            ),
        ]

    def __str__(self) -> str:
        return self.information


class DistributionState(models.TextChoices):
    DUE = "due", pgettext_lazy("distribution state", "Due")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped")


def distribution_path(instance, filename: str) -> str:
    # A neutral stored name; the original (Chinese) name is kept in the row.
    return f"communication/{timezone.now():%Y/%m}/{instance.pk}-{uuid.uuid4().hex}"


class DistributionQuerySet(models.QuerySet):
    def overdue(self, now: datetime.datetime | None = None):
        return self.filter(state=DistributionState.DUE, due_at__lt=overdue_before(now))


def overdue_before(now: datetime.datetime | None = None) -> datetime.datetime:
    """Due distributions due before this moment are overdue: not sent by the end of their
    due day (plus GRACE_DAYS)."""
    today = timezone.localdate(now or timezone.now())
    first = today - datetime.timedelta(days=GRACE_DAYS)
    return timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))


class Distribution(models.Model):
    """One due instance of a plan row: the information to send at `due_at`."""

    row = models.ForeignKey(
        PlanRow, verbose_name=_("plan row"), on_delete=models.PROTECT, related_name="distributions"
    )
    due_at = models.DateTimeField(_("due"))
    owner = models.ForeignKey(
        Person, verbose_name=_("to be sent by"), on_delete=models.PROTECT, related_name="+"
    )
    # The row's recipients when it fell due, as text: the record stays if the register
    # changes later.
    audience = models.TextField(_("planned recipients"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=DistributionState.choices, default="due"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        Person,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    skipped_at = models.DateTimeField(_("skipped"), null=True, blank=True)
    skipped_by = models.ForeignKey(
        Person,
        verbose_name=_("skipped by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_to = models.ManyToManyField(
        Stakeholder, verbose_name=_("sent to"), related_name="distributions", blank=True
    )
    note = models.TextField(_("note"), blank=True)
    link = models.URLField(pgettext_lazy("web address", "link"), max_length=500, blank=True)
    attachment = models.FileField(
        _("file"), upload_to=distribution_path, max_length=300, blank=True
    )
    attachment_name = models.CharField(_("file name"), max_length=255, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = DistributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["-due_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["row", "due_at"], name="communication_due_once"),
            models.CheckConstraint(
                condition=Q(state__in=DistributionState.values),
                name="communication_distribution_state",
            ),
            models.CheckConstraint(
                condition=Q(state="due", sent_at__isnull=True, skipped_at__isnull=True)
                | Q(state="sent", sent_at__isnull=False, skipped_at__isnull=True)
                | Q(state="skipped", skipped_at__isnull=False, sent_at__isnull=True),
                name="communication_distribution_dates_match_state",
            ),
            models.CheckConstraint(
                condition=(Q(sent_at__isnull=True) | Q(sent_by__isnull=False))
                & (Q(skipped_at__isnull=True) | Q(skipped_by__isnull=False)),
                name="communication_distribution_done_by_someone",
            ),
            models.CheckConstraint(
                condition=~Q(state="skipped") | ~Q(note=""),
                name="communication_skipped_with_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "state", "due_at"], name="communication_owner_due"),
            models.Index(fields=["state", "due_at"], name="communication_state_due"),
        ]

    def __str__(self) -> str:
        return f"{self.row.information} · {timezone.localtime(self.due_at):%Y-%m-%d %H:%M}"

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        return self.state == DistributionState.DUE and self.due_at < overdue_before(now)


class EventType(models.TextChoices):
    PROJECT_CREATED = "project_created", _("Project created")
    PROJECT_CHANGED = "project_changed", _("Project changed")
    STAKEHOLDER_ADDED = "stakeholder_added", _("Stakeholder added")
    STAKEHOLDER_CHANGED = "stakeholder_changed", _("Stakeholder changed")
    STAKEHOLDER_REMOVED = "stakeholder_removed", _("Stakeholder removed")
    ROW_ADDED = "row_added", _("Plan row added")
    ROW_CHANGED = "row_changed", _("Plan row changed")
    ROW_REMOVED = "row_removed", _("Plan row removed")
    ROW_ENDED = "row_ended", _("Plan row ended")
    FELL_DUE = "fell_due", _("Distribution due")
    SENT = "sent", _("Distribution sent")
    SKIPPED = "skipped", _("Distribution skipped")
    OVERDUE = "overdue", _("Distribution overdue")


class PlanEvent(Event):
    """What happened to a project's register, plan or distributions, by whom and when.
    Rows and stakeholders are named in `data` (they may be removed later); distributions,
    never deleted, are linked."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    distribution = models.ForeignKey(
        Distribution, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    type = models.CharField(_("what"), max_length=20, choices=EventType.choices)
    summary = models.CharField(_("what"), max_length=300, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("communication plan event")
        verbose_name_plural = _("communication plan events")
        constraints = [
            models.CheckConstraint(
                condition=Q(type__in=EventType.values), name="communication_event_type"
            ),
        ]
