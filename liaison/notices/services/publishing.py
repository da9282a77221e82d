"""Publishing: the audience becomes receipts, each department's liaison officer is asked
to relay the notice, and a task deployment opens a matter per department."""

import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput, NotAllowed, ServiceError, WrongState
from liaison.inbox.models import Ask
from liaison.matters import services as matters
from liaison.matters.models import Matter, MatterKind
from liaison.org.models import Person, PositionRole
from liaison.org.roles import HANDLER_ROLES

from .. import policy
from ..models import EventType, Notice, NoticeState, Receipt, Relay
from .audience import resolve_audience
from .common import event, lock, notice_url, read_ask, tell_later

#: Who is asked to relay a notice into a department, first found first: its liaison
#: officer, else its head, else a deputy (all of them may relay it).
RELAYER_ORDER = (PositionRole.LIAISON_OFFICER, PositionRole.HEAD, PositionRole.DEPUTY_HEAD)
TASK_DEPLOYMENT_KIND = "task_deployment"


def _relayer_for(members: dict[int, str]) -> int | None:
    for role in RELAYER_ORDER:
        for person_id, member_role in members.items():
            if member_role == role:
                return person_id
    return None


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
    url = notice_url(notice)
    # Markdown, like every description: the date as the language writes it, the notice linked.
    description = _("Reply to the notice [«%(title)s»](%(url)s) by %(due)s.") % {
        "title": notice.title,
        "due": date_format(notice.action_due),
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
            by_flow=True,  # who may deploy a task is the notices' rule (may_publish)
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
    notice = lock(notice)
    if not policy.state_allows(notice, "publish"):
        raise WrongState(_("This notice is already published."))
    if not policy.may_publish(person, notice):
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
        relayers = {p for p, role in members.items() if role in HANDLER_ROLES}
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
    event(
        notice,
        EventType.PUBLISHED,
        person,
        department=notice.author_department,
        recipients=len(receipts),
        departments=len(relays),
    )

    tell_later(notice, asked_to_relay - {person.pk}, Ask.RELAY, notice.title)
    told_now = [p for p, (_d, seen) in receipts.items() if seen and p not in asked_to_relay]
    tell_later(notice, set(told_now) - {person.pk}, read_ask(notice), notice.title)
    return notice
