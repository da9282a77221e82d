"""The organization: departments in a tree, people and their dated positions,
leaders in charge, and coordination groups.

Rules that data must obey are database constraints where the database can express
them (unique keys, one current head and one current liaison per department, dates in
order); the tree's acyclicity is checked on every save, because neither SQLite triggers
nor check constraints can walk a tree.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .pinyin import pinyin_keys


class Organization(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    coordinating_department = models.ForeignKey(
        "Department",
        verbose_name=_("general coordinating department"),
        help_text=_("Coordinates between departments when duties overlap (usually 院办)."),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    supervision_department = models.ForeignKey(
        "Department",
        verbose_name=_("supervision department"),
        help_text=_("Supervises items and rectifications (usually 督查办)."),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        for field in ("coordinating_department", "supervision_department"):
            department = getattr(self, field)
            if department is not None and department.organization_id != self.pk:
                raise ValidationError(
                    {field: _("The department must belong to this organization.")}
                )


class DepartmentKind(models.TextChoices):
    CLINICAL = "clinical", _("Clinical")
    MEDICAL_TECHNICAL = "medical_technical", _("Medical-technical")
    FUNCTIONAL = "functional", _("Functional")
    LOGISTICS = "logistics", _("Logistics")
    PARTY_UNION = "party_union", _("Party / union")
    EXTERNAL = "external", _("External unit")


class Department(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="departments",
    )
    code = models.CharField(_("code"), max_length=50, help_text=_("Stable key used by imports."))
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    name_pinyin = models.CharField(max_length=400, blank=True, editable=False, db_index=True)
    name_initials = models.CharField(max_length=100, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="org_department_unique_code"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="org_department_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.clean()
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        super().save(*args, **kwargs)

    def ancestors(self) -> list["Department"]:
        """Parents from the nearest upward; stops (without looping) if the tree has a cycle."""
        result, seen, node = [], {self.pk}, self.parent
        while node is not None and node.pk not in seen:
            result.append(node)
            seen.add(node.pk)
            node = node.parent
        return result

    def clean(self):
        if self.parent_id is None:
            return
        parent = self.parent
        if parent.organization_id != self.organization_id:
            raise ValidationError(
                {"parent": _("The parent department must belong to the same organization.")}
            )
        if self.pk is not None and (
            parent.pk == self.pk or any(a.pk == self.pk for a in parent.ancestors())
        ):
            raise ValidationError(
                {
                    "parent": _(
                        "A department cannot be placed under itself or its own sub-department."
                    )
                }
            )


class PositionRole(models.TextChoices):
    HEAD = "head", _("Head")
    DEPUTY_HEAD = "deputy_head", _("Deputy head")
    HEAD_NURSE = "head_nurse", _("Head nurse")
    LIAISON_OFFICER = "liaison_officer", _("Liaison officer")
    STAFF = "staff", _("Staff")


#: Roles of which a department has at most one current holder.
SINGLE_HOLDER_ROLES = (PositionRole.HEAD, PositionRole.LIAISON_OFFICER)


class Person(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="people",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login user"),
        on_delete=models.PROTECT,
        related_name="person",
    )
    employee_number = models.CharField(
        _("employee number"), max_length=50, help_text=_("Stable key used by imports.")
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    title = models.CharField(
        pgettext_lazy("position", "title"),
        max_length=100,
        blank=True,
        help_text=_("For example 院长 or 副院长."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    name_pinyin = models.CharField(max_length=400, blank=True, editable=False, db_index=True)
    name_initials = models.CharField(max_length=100, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["employee_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "employee_number"], name="org_person_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        super().save(*args, **kwargs)

    def current_positions(self):
        return self.positions.current().select_related("department")


class DatedQuerySet(models.QuerySet):
    """Rows with `start` and `end` dates; `end` is the first day no longer held."""

    def on(self, day: datetime.date):
        return self.filter(Q(start__lte=day), Q(end__isnull=True) | Q(end__gt=day))

    def current(self):
        return self.filter(end__isnull=True)


class Position(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="positions"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="positions",
    )
    role = models.CharField(_("position"), max_length=20, choices=PositionRole.choices)
    start = models.DateField(_("from"), default=datetime.date.today)
    end = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty while held."))

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["department", "role", "-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "role"],
                condition=Q(role__in=["head", "liaison_officer"], end__isnull=True),
                name="org_position_one_current_head_and_liaison",
                violation_error_message=_(
                    "A department has at most one current head and one current liaison officer."
                ),
            ),
            models.UniqueConstraint(
                fields=["person", "department", "role"],
                condition=Q(end__isnull=True),
                name="org_position_no_duplicate_current",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="org_position_dates_in_order",
                violation_error_message=_("A position cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.department} · {self.get_role_display()}"


class LeaderInCharge(models.Model):
    """A hospital leader (分管领导) overseeing a department for a period."""

    leader = models.ForeignKey(
        Person, verbose_name=_("leader"), on_delete=models.CASCADE, related_name="oversights"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="oversights",
    )
    start = models.DateField(_("from"), default=datetime.date.today)
    end = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty while held."))

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("leader in charge")
        verbose_name_plural = _("leaders in charge")
        ordering = ["department", "-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(end__isnull=True),
                name="org_one_current_leader_in_charge",
                violation_error_message=_("A department has at most one current leader in charge."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="org_leader_in_charge_dates_in_order",
                violation_error_message=_("An assignment cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leader} → {self.department}"


class CoordinationGroup(models.Model):
    """A leading group, committee or project team with an office that runs it."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="coordination_groups",
    )
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    office_department = models.ForeignKey(
        Department,
        verbose_name=_("office department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordination_groups_run",
    )
    is_leading_group = models.BooleanField(
        _("leading group"),
        default=False,
        help_text=_("The top of the escalation ladder (协调领导小组)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(Person, through="GroupMembership", related_name="+")

    class Meta:
        verbose_name = _("coordination group")
        verbose_name_plural = _("coordination groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="org_group_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice chair")
    OFFICE_DIRECTOR = "office_director", _("Office director")
    MEMBER = "member", _("Member")


class GroupMembership(models.Model):
    group = models.ForeignKey(
        CoordinationGroup,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="group_memberships",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=GroupRole.choices, default=GroupRole.MEMBER
    )
    duties = models.CharField(_("duties"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group", "role", "person"]
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="org_group_member_once"),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(role="chair"),
                name="org_group_one_chair",
                violation_error_message=_("A group has at most one chair."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()}"
