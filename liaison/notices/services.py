"""The rules of notices and task deployments: writing, publishing to an audience,
relaying through liaison officers, read receipts, reminders, withdrawing, pinning, and
the liaison desk's reports. Pages, the API and the sweep all call these functions."""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core.errors import ServiceError
from liaison.inbox.models import Ask
from liaison.inbox.services import notify
from liaison.matters import services as matters
from liaison.matters.models import Matter, MatterKind, State
from liaison.org.models import (
    CoordinationGroup,
    Department,
    Person,
    Position,
    PositionRole,
)

from .models import (
    AudienceEntry,
    AudienceKind,
    EventType,
    Notice,
    NoticeAttachment,
    NoticeEvent,
    NoticeKind,
    NoticeState,
    ReadVia,
    Receipt,
    Relay,
)

logger = logging.getLogger(__name__)

#: Audiences larger than this are told by the worker, so publishing stays quick.
TELL_AT_ONCE = 100
#: People told per queued task.
TELL_CHUNK = 1000
#: A person is reminded at most once in this time.
REMIND_INTERVAL = datetime.timedelta(hours=1)
#: A liaison officer who has not relayed a notice this long after it was published is
#: reminded once by the sweep.
RELAY_REMINDER_AFTER = datetime.timedelta(hours=24)
#: Who may relay a notice into their department, in the order they are asked to.
RELAYER_ROLES = (PositionRole.LIAISON_OFFICER, PositionRole.HEAD, PositionRole.DEPUTY_HEAD)
#: A person named directly counts under their first department, in this order of roles.
ROLE_ORDER = [
    PositionRole.HEAD,
    PositionRole.DEPUTY_HEAD,
    PositionRole.HEAD_NURSE,
    PositionRole.LIAISON_OFFICER,
    PositionRole.STAFF,
]
TASK_DEPLOYMENT_KIND = "task_deployment"
LIAISON_REPORT_KIND = "liaison_report"


class NoticeError(Exception):
    status = 400

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


class InvalidInput(NoticeError):
    """The input breaks a rule; the message says which."""


class NotAllowed(NoticeError):
    """The person may not do this to this notice."""

    status = 403


# Who may do what.


def may_publish_for(person: Person, department: Department) -> bool:
    """Heads, deputies and liaison officers publish for their department; the coordinating
    office publishes for any."""
    return matters.handles(person, department) or matters.in_coordinating_office(person)


def may_manage(person: Person | None, notice: Notice) -> bool:
    """The author, who may publish for the issuing department, sees its statistics,
    reminds, pins and withdraws."""
    if person is None or person.organization_id != notice.organization_id:
        return False
    return notice.author_id == person.pk or may_publish_for(person, notice.author_department)


def relay_departments(person: Person) -> set[int]:
    """The departments whose notices this person may relay."""
    return set(
        Position.objects.current()
        .filter(person=person, role__in=RELAYER_ROLES)
        .values_list("department_id", flat=True)
    )


def receipt_of(person: Person | None, notice: Notice) -> Receipt | None:
    if person is None:
        return None
    return Receipt.objects.filter(notice=notice, person=person).first()


def may_view(person: Person | None, notice: Notice) -> bool:
    if person is None or person.organization_id != notice.organization_id:
        return False
    if may_manage(person, notice):
        return True
    if notice.state == NoticeState.DRAFT:
        return False
    return Receipt.objects.filter(notice=notice, person=person, delivered_at__isnull=False).exists()


def stats_departments(person: Person, notice: Notice) -> set[int] | None:
    """Whose statistics the person may see: every department's (None) for those who manage
    the notice, their own departments' for liaison officers and heads."""
    if may_manage(person, notice):
        return None
    return relay_departments(person)


# Writing.


@dataclass
class NoticeInput:
    title: str
    author_department: Department
    body: str = ""
    kind: str = NoticeKind.NOTICE
    to_everyone: bool = False
    departments: tuple = ()  # Department
    with_subtree: bool = False
    roles: tuple = ()  # PositionRole values, organization-wide
    groups: tuple = ()  # CoordinationGroup
    people: tuple = ()  # Person
    require_read: bool = True
    require_action: bool = False
    action_due: datetime.date | None = None
    expires_at: datetime.datetime | None = None
    pinned: bool = False


def _checked(person: Person, data: NoticeInput) -> str:
    title = (data.title or "").strip()
    if not title:
        raise InvalidInput(_("A notice needs a title."))
    if len(title) > 200:
        raise InvalidInput(_("The title is too long (at most 200 characters)."))
    if data.kind not in NoticeKind.values:
        raise InvalidInput(_("Unknown kind of notice."))
    department = data.author_department
    if department is None or department.organization_id != person.organization_id:
        raise InvalidInput(_("Choose the issuing department."))
    if not (matters.works_in(person, department) or may_publish_for(person, department)):
        raise InvalidInput(_("You can write notices only for a department you work in."))
    organization_id = person.organization_id
    for item in (*data.departments, *data.groups, *data.people):
        if item.organization_id != organization_id:
            raise InvalidInput(_("The audience must belong to your organization."))
    for role in data.roles:
        if role not in PositionRole.values:
            raise InvalidInput(_("Unknown position: %(value)s") % {"value": role})
    if data.require_action:
        if data.action_due is None:
            raise InvalidInput(_("Give the date by which departments must reply."))
        if not data.departments:
            raise InvalidInput(
                _("A notice that requires action must be sent to departments: each one replies.")
            )
    if data.action_due is not None and data.action_due < timezone.localdate():
        raise InvalidInput(_("The reply date cannot be in the past."))
    if data.expires_at is not None and data.expires_at <= timezone.now():
        raise InvalidInput(_("The expiry time must be in the future."))
    return title


def _has_audience(data: NoticeInput) -> bool:
    return bool(data.to_everyone or data.departments or data.roles or data.groups or data.people)


def _write(notice: Notice, data: NoticeInput, title: str) -> None:
    notice.kind = data.kind
    notice.title = title
    notice.body = (data.body or "").strip()
    notice.author_department = data.author_department
    notice.to_everyone = bool(data.to_everyone)
    notice.require_read = bool(data.require_read)
    notice.require_action = bool(data.require_action)
    notice.action_due = data.action_due if data.require_action else None
    notice.expires_at = data.expires_at
    notice.pinned = bool(data.pinned)
    notice.save()
    notice.audience.all().delete()
    entries = [
        *(
            AudienceEntry(
                notice=notice,
                kind=AudienceKind.DEPARTMENT,
                department=d,
                with_subtree=data.with_subtree,
            )
            for d in dict.fromkeys(data.departments)
        ),
        *(
            AudienceEntry(notice=notice, kind=AudienceKind.POSITION, role=r)
            for r in dict.fromkeys(data.roles)
        ),
        *(
            AudienceEntry(notice=notice, kind=AudienceKind.GROUP, group=g)
            for g in dict.fromkeys(data.groups)
        ),
        *(
            AudienceEntry(notice=notice, kind=AudienceKind.PERSON, person=p)
            for p in dict.fromkeys(data.people)
        ),
    ]
    AudienceEntry.objects.bulk_create(entries)


def _attach(notice: Notice, person: Person, uploads: list) -> None:
    for upload in uploads:
        name = matters.checked_upload_name(upload)
        attachment = NoticeAttachment(
            notice=notice,
            original_name=name[:255],
            size=upload.size,
            content_type=(getattr(upload, "content_type", "") or "")[:100],
            uploaded_by=person,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()


def _checked_uploads(uploads: Iterable) -> list:
    """Every file checked before any is stored: a refused batch leaves no stray files."""
    uploads = list(uploads or ())
    for upload in uploads:
        matters.checked_upload_name(upload)
    return uploads


def _event(notice: Notice, type_: str, actor: Person | None, department=None, **data):
    return NoticeEvent.objects.create(
        notice=notice, type=type_, actor=actor, department=department, data=data
    )


@transaction.atomic
def create_notice(
    person: Person, data: NoticeInput, *, attachments: Iterable = (), publish: bool = False
) -> Notice:
    """A new notice, kept as a draft of `person` (or published at once with `publish`)."""
    title = _checked(person, data)
    uploads = _checked_uploads(attachments)
    notice = Notice(organization=person.organization, author=person)
    _write(notice, data, title)
    _attach(notice, person, uploads)
    _event(notice, EventType.CREATED, person, department=data.author_department)
    if publish:
        notice = publish_notice(notice, person)
    return notice


def _lock(notice: Notice) -> Notice:
    return (
        Notice.objects.select_for_update(of=("self",))
        .select_related("author_department")
        .get(pk=notice.pk)
    )


@transaction.atomic
def edit_draft(
    notice: Notice, person: Person, data: NoticeInput, *, attachments: Iterable = ()
) -> Notice:
    notice = _lock(notice)
    if notice.state != NoticeState.DRAFT:
        raise InvalidInput(_("Only a draft can be changed; this notice is published."))
    if not may_manage(person, notice):
        raise NotAllowed(_("Only its author or the issuing department may change this draft."))
    title = _checked(person, data)
    uploads = _checked_uploads(attachments)
    _write(notice, data, title)
    _attach(notice, person, uploads)
    _event(notice, EventType.EDITED, person, department=notice.author_department)
    return notice


# Publishing: the audience becomes receipts.


@dataclass
class Reach:
    """Whom a notice reaches: people named directly (seen at once) and the departments
    whose people it reaches through their liaison officer."""

    direct: dict[int, int | None] = field(default_factory=dict)  # person → department
    departments: dict[int, Department] = field(default_factory=dict)
    members: dict[int, dict[int, str]] = field(default_factory=dict)  # dept → person → role


def _subtree(department: Department, children: dict[int, list[Department]]) -> list[Department]:
    result, stack, seen = [], [department], set()
    while stack:
        node = stack.pop()
        if node.pk in seen:
            continue
        seen.add(node.pk)
        result.append(node)
        stack.extend(children.get(node.pk, ()))
    return result


def _first_departments(positions: Iterable[tuple[int, int, str]]) -> dict[int, int]:
    """Each person's first department by role (head before staff), then by position."""
    best: dict[int, tuple[int, int]] = {}
    for person_id, department_id, role in positions:
        rank = ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)
        if person_id not in best or rank < best[person_id][0]:
            best[person_id] = (rank, department_id)
    return {person_id: department_id for person_id, (_rank, department_id) in best.items()}


def resolve_audience(notice: Notice) -> Reach:
    """The people the notice's audience names today (active people, current positions).
    Only the positions the audience needs are read: a notice to one person must not read
    the whole organization's."""
    organization_id = notice.organization_id
    current = Position.objects.current().filter(
        department__organization_id=organization_id,
        department__is_active=True,
        person__is_active=True,
    )
    columns = ("person_id", "department_id", "role")
    reach = Reach()
    entries = list(notice.audience.select_related("department"))

    chosen = [e.department for e in entries if e.kind == AudienceKind.DEPARTMENT]
    if any(e.with_subtree for e in entries if e.kind == AudienceKind.DEPARTMENT):
        children: dict[int, list[Department]] = {}
        for department in Department.objects.filter(
            organization_id=organization_id, is_active=True
        ):
            children.setdefault(department.parent_id, []).append(department)
        expanded = []
        for entry in entries:
            if entry.kind == AudienceKind.DEPARTMENT:
                expanded.extend(
                    _subtree(entry.department, children)
                    if entry.with_subtree
                    else [entry.department]
                )
        chosen = expanded
    for department in chosen:
        if department.is_active and department.pk not in reach.departments:
            reach.departments[department.pk] = department
            reach.members[department.pk] = {}
    if reach.departments:
        for person_id, department_id, role in current.filter(
            department_id__in=list(reach.departments)
        ).values_list(*columns):
            reach.members[department_id].setdefault(person_id, role)

    # Positions organization-wide: each person counts under the department of that position.
    roles = {e.role for e in entries if e.kind == AudienceKind.POSITION}
    if roles:
        for person_id, department_id, _role in current.filter(role__in=roles).values_list(*columns):
            reach.direct.setdefault(person_id, department_id)

    # Everyone, groups and named people count under their first department.
    others: set[int] = set()
    if notice.to_everyone:
        others |= set(
            Person.objects.filter(organization_id=organization_id, is_active=True).values_list(
                "pk", flat=True
            )
        )
    groups = [e.group_id for e in entries if e.kind == AudienceKind.GROUP]
    if groups:
        others |= set(
            CoordinationGroup.members.through.objects.filter(
                group_id__in=groups, person__is_active=True
            ).values_list("person_id", flat=True)
        )
    named = [e.person_id for e in entries if e.kind == AudienceKind.PERSON]
    if named:
        others |= set(
            Person.objects.filter(pk__in=named, is_active=True).values_list("pk", flat=True)
        )
    others -= set(reach.direct)
    if others:
        positions = current if notice.to_everyone else current.filter(person_id__in=others)
        first = _first_departments(positions.values_list(*columns))
        for person_id in others:
            reach.direct[person_id] = first.get(person_id)
    return reach


def _relayer_for(members: dict[int, str]) -> int | None:
    for role in RELAYER_ROLES:
        for person_id, member_role in members.items():
            if member_role == role:
                return person_id
    return None


def _url(notice: Notice) -> str:
    return reverse("notices:detail", args=[notice.pk])


def _read_ask(notice: Notice) -> str:
    return Ask.READ if notice.require_read else Ask.INFO


def tell(notice_id: int, person_ids: list[int], ask: str, title: str, detail: str = "") -> int:
    """Inbox items (and e-mails, per preferences) about a notice for these people."""
    notice = Notice.objects.get(pk=notice_id)
    people = list(Person.objects.filter(pk__in=person_ids, is_active=True))
    notify(
        people,
        ask=ask,
        title=title[:300],
        detail=detail[:300],
        url=_url(notice),
        subject=notice,
        urgent=False,
    )
    return len(people)


def _tell_later(notice: Notice, person_ids: Iterable[int], ask: str, title: str, detail=""):
    """Tell people about the notice: in this transaction for a few, through the worker
    after commit for many (publishing to 10,000 people must not wait for 10,000 items)."""
    person_ids = sorted(set(person_ids))
    if not person_ids:
        return
    title, detail = str(title), str(detail)
    if len(person_ids) <= TELL_AT_ONCE:
        tell(notice.pk, person_ids, ask, title, detail)
        return
    from . import tasks

    for start in range(0, len(person_ids), TELL_CHUNK):
        chunk = person_ids[start : start + TELL_CHUNK]
        transaction.on_commit(
            partial(tasks.tell_about_notice.enqueue, notice.pk, chunk, ask, title, detail),
            robust=True,
        )


def _deployment_kind(organization) -> MatterKind:
    kind = MatterKind.objects.filter(organization=organization, code=TASK_DEPLOYMENT_KIND).first()
    if kind is None:
        matters.seed_matter_kinds(organization)
        kind = MatterKind.objects.get(organization=organization, code=TASK_DEPLOYMENT_KIND)
    return kind


def _action_matter(notice: Notice, relay: Relay) -> Matter:
    """The matter in which a department acknowledges or replies to a task deployment,
    raised by the notice's author and sent straight to the department."""
    author = notice.author
    url = _url(notice)
    description = _("Reply to the notice «%(title)s» by %(due)s. The notice: %(url)s") % {
        "title": notice.title,
        "due": notice.action_due.isoformat(),
        "url": url,
    }
    if notice.body:
        description = f"{description}\n\n{notice.body}"
    responsible = Person.objects.get(pk=relay.relayer_id) if relay.relayer_id else None
    try:
        return matters.create_matter(
            author,
            matters.MatterInput(
                title=notice.title,
                kind=_deployment_kind(notice.organization),
                description=description,
                originator_department=notice.author_department,
                lead_department=relay.department,
                due=notice.action_due,
            ),
            submit=True,
            responsible=responsible,
        )
    except ServiceError as exc:
        raise InvalidInput(
            _("The reply for %(department)s could not be opened: %(reason)s")
            % {"department": relay.department, "reason": exc}
        ) from exc


#: Receipts per INSERT statement on SQLite: 6,000 parameters, under its limit.
RECEIPT_BATCH = 1000
RECEIPT_COLUMNS = "notice_id, person_id, department_id, delivered_at, read_via, reminders"


def _insert_receipts(notice: Notice, receipts: dict, now: datetime.datetime) -> None:
    """Write the receipts as plain values, not model instances: a notice to 10,000 people
    must publish within a second, and building 10,000 instances for bulk_create takes most
    of that. PostgreSQL gets three arrays in one statement (a long list of placeholders
    costs more to parse than to insert); SQLite multi-row VALUES. The table's constraints
    check every row either way."""
    table = Receipt._meta.db_table
    people = list(receipts)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} ({RECEIPT_COLUMNS}) "
                "SELECT %s, person, department, delivered, '', 0 FROM unnest(%s::bigint[], "
                "%s::bigint[], %s::timestamptz[]) AS r(person, department, delivered)",
                [
                    notice.pk,
                    people,
                    [receipts[p][0] for p in people],
                    [now if receipts[p][1] else None for p in people],
                ],
            )
            return
        delivered = connection.ops.adapt_datetimefield_value(now)
        rows = [
            (notice.pk, person_id, department_id, delivered if seen else None, "", 0)
            for person_id, (department_id, seen) in receipts.items()
        ]
        for start in range(0, len(rows), RECEIPT_BATCH):
            batch = rows[start : start + RECEIPT_BATCH]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({RECEIPT_COLUMNS}) VALUES {values}",
                [value for row in batch for value in row],
            )


@transaction.atomic
def publish_notice(notice: Notice, person: Person) -> Notice:
    """Resolve the audience into receipts, ask each department's liaison officer to relay
    it, tell the people named directly, and open a matter per department when the notice
    requires action."""
    notice = _lock(notice)
    if notice.state != NoticeState.DRAFT:
        raise InvalidInput(_("This notice is already published."))
    if not may_publish_for(person, notice.author_department):
        raise NotAllowed(
            _(
                "Only the head, a deputy or the liaison officer of %(department)s, or the "
                "coordinating office, may publish its notices."
            )
            % {"department": notice.author_department}
        )
    if notice.is_expired:
        raise InvalidInput(_("The expiry time has passed; change it before publishing."))
    if notice.action_due is not None and notice.action_due < timezone.localdate():
        raise InvalidInput(_("The reply date has passed; change it before publishing."))
    reach = resolve_audience(notice)
    now = timezone.now()

    relays: list[Relay] = []
    # person → (department, seen now): plain values, written by _insert_receipts.
    receipts: dict[int, tuple[int | None, bool]] = {}
    asked_to_relay: set[int] = set()
    for department_id, department in reach.departments.items():
        members = reach.members[department_id]
        relayer_id = _relayer_for(members)
        relay = Relay(notice=notice, department=department, relayer_id=relayer_id)
        if relayer_id is None:
            relay.relayed_at = now  # nobody to relay it: everyone is told at once
        relays.append(relay)
        relayers = {p for p, role in members.items() if role in RELAYER_ROLES}
        for person_id in members:
            if person_id not in receipts:
                seen_now = relayer_id is None or person_id in relayers or person_id in reach.direct
                receipts[person_id] = (department_id, seen_now)
        if relayer_id is not None:
            asked_to_relay.add(relayer_id)
    for person_id, department_id in reach.direct.items():
        receipts.setdefault(person_id, (department_id, True))
    if not receipts:
        raise InvalidInput(_("The audience reaches nobody: choose departments or people."))

    Relay.objects.bulk_create(relays)
    _insert_receipts(notice, receipts, now)
    notice.state = NoticeState.PUBLISHED
    notice.published_at = now
    notice.published_by = person
    notice.recipient_count = len(receipts)
    notice.save(update_fields=["state", "published_at", "published_by", "recipient_count"])
    if notice.require_action:
        for relay in relays:
            relay.matter = _action_matter(notice, relay)
        Relay.objects.bulk_update(relays, ["matter"])
    _event(
        notice,
        EventType.PUBLISHED,
        person,
        department=notice.author_department,
        recipients=len(receipts),
        departments=len(relays),
    )

    _tell_later(notice, asked_to_relay - {person.pk}, Ask.RELAY, notice.title)
    told_now = [p for p, (_d, seen) in receipts.items() if seen and p not in asked_to_relay]
    _tell_later(notice, set(told_now) - {person.pk}, _read_ask(notice), notice.title)
    return notice


# Relaying, reading, reminding.


def awaiting_relay(person: Person):
    """The relays this person may do now, for their liaison desk."""
    return (
        Relay.objects.filter(
            department_id__in=relay_departments(person),
            relayed_at__isnull=True,
            notice__state=NoticeState.PUBLISHED,
        )
        .filter(Q(notice__expires_at__isnull=True) | Q(notice__expires_at__gt=timezone.now()))
        .select_related("notice", "notice__author_department", "department")
        .order_by("notice__published_at")
    )


@transaction.atomic
def relay_notice(
    notice: Notice, person: Person, *, department: Department | None = None, note: str = ""
) -> list[Relay]:
    """The liaison officer (or head) relays the notice into their department(s): its
    people now see it and are told."""
    notice = _lock(notice)
    if not notice.is_live:
        raise InvalidInput(_("This notice is no longer current; it cannot be relayed."))
    mine = relay_departments(person)
    pending = Relay.objects.select_for_update(of=("self",)).filter(
        notice=notice, relayed_at__isnull=True
    )
    if department is not None:
        pending = pending.filter(department=department)
    pending = [r for r in pending.select_related("department") if r.department_id in mine]
    if not pending:
        if department is not None and department.pk not in mine:
            raise NotAllowed(
                _("Only the liaison officer or the head of %(department)s may relay it there.")
                % {"department": department}
            )
        if Relay.objects.filter(notice=notice, department_id__in=mine).exists():
            raise InvalidInput(_("It has been relayed already."))
        raise NotAllowed(_("This notice was not sent to a department you relay for."))
    now = timezone.now()
    note = (note or "").strip()
    told: list[int] = []
    for relay in pending:
        relay.relayed_at = now
        relay.relayed_by = person
        relay.note = note
        relay.save(update_fields=["relayed_at", "relayed_by", "note"])
        waiting = Receipt.objects.filter(
            notice=notice, department=relay.department, delivered_at__isnull=True
        )
        ids = list(waiting.values_list("person_id", flat=True))
        waiting.update(delivered_at=now)
        told.extend(ids)
        _event(
            notice,
            EventType.RELAYED,
            person,
            department=relay.department,
            people=len(ids),
            note=note,
        )
    _tell_later(notice, set(told) - {person.pk}, _read_ask(notice), notice.title, note)
    return pending


def mark_read(notice: Notice, person: Person | None, *, via: str = ReadVia.PAGE) -> bool:
    """Record the person's first reading (later openings change nothing). True when this
    was the first."""
    if person is None or notice.state == NoticeState.DRAFT:
        return False
    return bool(
        Receipt.objects.filter(
            notice=notice, person=person, delivered_at__isnull=False, read_at__isnull=True
        ).update(read_at=timezone.now(), read_via=via)
    )


@dataclass
class Reminded:
    readers: int = 0
    relayers: int = 0
    skipped: int = 0  # reminded less than REMIND_INTERVAL ago


@transaction.atomic
def remind(notice: Notice, person: Person, *, department: Department | None = None) -> Reminded:
    """Remind those who have not read the notice (in one department, or everywhere the
    person may): people who can see it are asked to read it, liaison officers who have
    not relayed it are asked to relay. Nobody is reminded twice within an hour."""
    notice = _lock(notice)
    if not notice.is_live:
        raise InvalidInput(_("This notice is no longer current; nobody is reminded of it."))
    allowed = stats_departments(person, notice)
    if allowed is not None and not allowed:
        raise NotAllowed(_("You may not remind readers of this notice."))
    if department is not None and allowed is not None and department.pk not in allowed:
        raise NotAllowed(_("You may remind only your own department's readers of this notice."))
    now = timezone.now()
    recent = now - REMIND_INTERVAL
    result = Reminded()

    unread = Receipt.objects.filter(
        notice=notice, delivered_at__isnull=False, read_at__isnull=True
    ).exclude(person=person)
    relays = Relay.objects.filter(notice=notice, relayed_at__isnull=True)
    if department is not None:
        unread = unread.filter(department=department)
        relays = relays.filter(department=department)
    elif allowed is not None:
        unread = unread.filter(department_id__in=allowed)
        relays = relays.filter(department_id__in=allowed)
    # A liaison officer who has not relayed it yet is asked to relay, not to read.
    unread = unread.exclude(person_id__in=relays.exclude(relayer=None).values("relayer_id"))
    due = unread.filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=recent))
    result.skipped = unread.count() - due.count()
    ids = list(due.values_list("person_id", flat=True))
    if ids:
        Receipt.objects.filter(notice=notice, person_id__in=ids).update(
            reminded_at=now, reminders=F("reminders") + 1
        )
        title = _("Reminder: please read «%(title)s»") % {"title": notice.title}
        _tell_later(notice, ids, Ask.READ, title)
    result.readers = len(ids)

    for relay in relays.select_related("department"):
        if relay.relayer_id is None or relay.relayer_id == person.pk:
            continue
        if relay.reminded_at is not None and relay.reminded_at > recent:
            result.skipped += 1
            continue
        relay.reminded_at = now
        relay.save(update_fields=["reminded_at"])
        title = _("Reminder: please relay «%(title)s» to %(department)s") % {
            "title": notice.title,
            "department": relay.department,
        }
        _tell_later(notice, [relay.relayer_id], Ask.RELAY, title)
        result.relayers += 1
    _event(
        notice,
        EventType.REMINDED,
        person,
        department=department,
        readers=result.readers,
        relayers=result.relayers,
        skipped=result.skipped,
    )
    return result


# Withdrawing and pinning.


@transaction.atomic
def withdraw(notice: Notice, person: Person, *, reason: str) -> Notice:
    """Take a published notice back: it leaves everyone's list, those who could see it are
    told why, and task matters not yet accepted are withdrawn with it."""
    notice = _lock(notice)
    if not may_manage(person, notice):
        raise NotAllowed(_("Only the issuing department may withdraw this notice."))
    if notice.state != NoticeState.PUBLISHED:
        raise InvalidInput(_("Only a published notice can be withdrawn."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the notice is withdrawn."))
    notice.state = NoticeState.WITHDRAWN
    notice.withdrawn_at = timezone.now()
    notice.withdrawn_by = person
    notice.withdraw_reason = reason
    notice.save(update_fields=["state", "withdrawn_at", "withdrawn_by", "withdraw_reason"])
    kept = []
    for relay in notice.relays.exclude(matter=None).select_related("matter"):
        matter = relay.matter
        if matters.Action.WITHDRAW in matters.allowed_actions(matter.originator, matter):
            matters.withdraw(
                matter,
                matter.originator,
                reason=_("The notice was withdrawn: %(reason)s") % {"reason": reason},
            )
        elif matter.state not in (State.CLOSED, State.ARCHIVED):
            kept.append(matter.number)
    _event(
        notice,
        EventType.WITHDRAWN,
        person,
        department=notice.author_department,
        reason=reason,
        matters_kept=kept,
    )
    seen = notice.receipts.filter(delivered_at__isnull=False).values_list("person_id", flat=True)
    title = _("Withdrawn: %(title)s") % {"title": notice.title}
    _tell_later(notice, set(seen) - {person.pk}, Ask.INFO, title, reason)
    return notice


@transaction.atomic
def set_pinned(notice: Notice, person: Person, *, pinned: bool) -> Notice:
    notice = _lock(notice)
    if not may_manage(person, notice):
        raise NotAllowed(_("Only the issuing department may pin this notice."))
    if notice.pinned != pinned:
        notice.pinned = pinned
        notice.save(update_fields=["pinned"])
        _event(notice, EventType.PINNED if pinned else EventType.UNPINNED, person)
    return notice


# Statistics.


@dataclass
class DepartmentStats:
    department: Department | None
    total: int = 0
    delivered: int = 0
    read: int = 0
    relay: Relay | None = None
    unread: list = field(default_factory=list)  # (username, name) of those who have not read
    matter: Matter | None = None

    @property
    def unread_names(self) -> str:
        return "、".join(name for _username, name in self.unread)

    @property
    def relayed(self) -> bool:
        return self.relay is None or self.relay.relayed_at is not None

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0


@dataclass
class NoticeStats:
    rows: list[DepartmentStats]
    total: int = 0
    delivered: int = 0
    read: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0


def statistics(notice: Notice, *, departments: set[int] | None = None) -> NoticeStats:
    """Per department: relayed or not, read of total, who has not read (and the state of
    its reply, for a task deployment). `departments` limits the rows (None: all)."""
    counts = Receipt.objects.filter(notice=notice)
    unread = Receipt.objects.filter(notice=notice, read_at__isnull=True)
    relays = Relay.objects.filter(notice=notice).select_related("relayed_by__user", "matter")
    if departments is not None:
        counts = counts.filter(department_id__in=departments)
        unread = unread.filter(department_id__in=departments)
        relays = relays.filter(department_id__in=departments)
    rows: dict[int | None, DepartmentStats] = {}
    for row in counts.values("department_id").annotate(
        total=Count("pk"), delivered=Count("delivered_at"), read=Count("read_at")
    ):
        rows[row["department_id"]] = DepartmentStats(
            department=None, total=row["total"], delivered=row["delivered"], read=row["read"]
        )
    for relay in relays:
        stats = rows.setdefault(relay.department_id, DepartmentStats(department=None))
        stats.relay = relay
        stats.matter = relay.matter
    for department_id, username, name in unread.order_by(
        "person__name_pinyin", "person_id"
    ).values_list("department_id", "person__user__username", "person__name"):
        rows[department_id].unread.append((username, name))
    names = Department.objects.in_bulk([pk for pk in rows if pk is not None])
    for department_id, stats in rows.items():
        stats.department = names.get(department_id)
    ordered = sorted(
        rows.values(),
        key=lambda s: (
            s.department is None,
            s.department.sort_order if s.department else 0,
            s.department.code if s.department else "",
        ),
    )
    return NoticeStats(
        rows=ordered,
        total=sum(s.total for s in ordered),
        delivered=sum(s.delivered for s in ordered),
        read=sum(s.read for s in ordered),
    )


# The liaison desk.


@transaction.atomic
def report_problem(
    person: Person,
    department: Department,
    *,
    title: str,
    description: str = "",
    due: datetime.date | None = None,
    attachments: Iterable = (),
) -> Matter:
    """A liaison officer reports a problem or need of their department: a matter to the
    coordinating office, which dispatches it to whoever should handle it."""
    if department.pk not in relay_departments(person):
        raise NotAllowed(
            _("Only the liaison officer or the head of %(department)s may report for it.")
            % {"department": department}
        )
    kind = MatterKind.objects.filter(
        organization=person.organization, code=LIAISON_REPORT_KIND, is_active=True
    ).first()
    if kind is None:
        raise InvalidInput(_("Reports by liaison officers are switched off in this organization."))
    try:
        matter = matters.create_matter(
            person,
            matters.MatterInput(
                title=title,
                kind=kind,
                description=description,
                originator_department=department,
                due=due,
            ),
            submit=True,
        )
        uploads = list(attachments or ())
        if uploads:
            matters.add_attachments(matter, person, uploads)
    except ServiceError as exc:
        raise InvalidInput(exc) from exc
    return matter


def reported_by(departments: Iterable[int]):
    """The department's recent reports, for the desk."""
    return (
        Matter.objects.filter(
            originator_department_id__in=list(departments), kind__code=LIAISON_REPORT_KIND
        )
        .select_related("owner_department", "kind")
        .order_by("-created_at")
    )


# The sweep.


def sweep(now: datetime.datetime) -> dict:
    """Remind, once, each liaison officer who has left a current notice unrelayed for a
    day."""
    stale = (
        Relay.objects.filter(
            relayed_at__isnull=True,
            relayer__isnull=False,
            reminded_at__isnull=True,
            notice__state=NoticeState.PUBLISHED,
            notice__published_at__lte=now - RELAY_REMINDER_AFTER,
        )
        .filter(Q(notice__expires_at__isnull=True) | Q(notice__expires_at__gt=now))
        .select_related("notice", "department")
    )
    count = 0
    for relay in stale[:500]:
        with transaction.atomic():
            if not Relay.objects.filter(pk=relay.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            title = _("Reminder: please relay «%(title)s» to %(department)s") % {
                "title": relay.notice.title,
                "department": relay.department,
            }
            tell(relay.notice_id, [relay.relayer_id], Ask.RELAY, title)
            _event(relay.notice, EventType.RELAY_REMINDED, None, department=relay.department)
            count += 1
    return {"relay_reminders": count}
