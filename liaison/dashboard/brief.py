"""The morning brief (晨报): at 07:30 on the organization's working days, an e-mail to each
leader (the head of the organization, leaders in charge), the coordinating office and the
department heads, in their own language, of at most four sections of at most five lines:

- escalated or breached since their last brief;
- waiting for them (the to-do's own list);
- the most overdue matters they answer for;
- replies due today or on the next working day.

Who gets which comes from policy.role_of; the lists and their links from the dashboard's
selectors. A department head's brief also goes, as figures alone, to the group robots of
the departments they head. A person with nothing in any section gets nothing. Turning
e-mail off in the notification preferences turns the brief off (the preferences have no
per-kind switches).
There is no reports area yet, so the research's "reports missing" section has no source."""

import datetime
import logging
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from liaison.inbox import tasks
from liaison.inbox.models import Delivery, DeliveryKind, NotificationPreference, WebhookChannel
from liaison.inbox.services import site_url
from liaison.matters import selectors as matters
from liaison.matters.models import OPEN_STATES, EventType, Matter, MatterEvent
from liaison.org.models import LeaderInCharge, Organization, Person, Position, PositionRole
from liaison.org.roles import HEAD_ROLES, ORGANIZATION_HEAD_TITLES
from liaison.worktime.services import snapshot_for

from . import policy, selectors
from .models import SentBrief

logger = logging.getLogger(__name__)

#: When the brief goes out, local time (settings.TIME_ZONE, the organization's zone).
BRIEF_TIME = datetime.time(7, 30)
#: Lines per section; the section's link opens the rest.
MAX_LINES = 5


@dataclass
class Line:
    text: str
    url: str  # absolute


@dataclass
class Section:
    title: str
    total: int
    url: str  # absolute: the list with all of them
    lines: list[Line] = field(default_factory=list)


@dataclass
class Brief:
    person: Person
    role: policy.Role
    sections: list[Section]
    dashboard_url: str


def _matter_line(matter: Matter, note: str) -> Line:
    return Line(
        _("%(number)s %(title)s (%(note)s)")
        % {"number": matter.number, "title": matter.title, "note": note},
        site_url(reverse("matters:detail", args=[matter.pk])),
    )


def _moment(when: datetime.datetime) -> str:
    return timezone.localtime(when).strftime("%m-%d %H:%M")


def _section(title: str, rows: QuerySet, url: str, note) -> Section:
    total = rows.count()
    lines = [_matter_line(m, note(m)) for m in rows[:MAX_LINES]] if total else []
    return Section(title, total, site_url(url), lines)


def _events(scope: QuerySet, since, now, url: str) -> Section:
    """The matters escalated or breached since the last brief, each once with its latest
    such event, newest first."""
    events = MatterEvent.objects.filter(
        type__in=[EventType.ESCALATED, EventType.BREACHED],
        at__gt=since,
        at__lte=now,
        matter__in=scope.values("pk"),
    ).order_by()
    total = events.values("matter_id").distinct().count()
    lines, seen = [], set()
    # A matter climbs a few rungs at most overnight: a bounded read finds five of them.
    for event in events.select_related("matter").order_by("-at", "-pk")[: MAX_LINES * 10]:
        if len(lines) == MAX_LINES:
            break
        if event.matter_id in seen:
            continue
        seen.add(event.matter_id)
        note = f"{EventType(event.type).label} {_moment(event.at)}"
        lines.append(_matter_line(event.matter, note))
    title = _("Escalated or time limit missed since the last brief")
    return Section(title, total, site_url(url), lines)


def _next_working_day_end(organization: Organization, today: datetime.date) -> datetime.datetime:
    """Midnight after the next working day of the organization's calendar."""
    calendar = snapshot_for(organization)
    day = today + datetime.timedelta(days=1)
    for _i in range(60):  # a calendar always has working days; this bounds a broken one
        if calendar.is_working_day(day):
            break
        day += datetime.timedelta(days=1)
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )


def compose(person: Person, now: datetime.datetime, since: datetime.datetime) -> Brief | None:
    """The person's brief as of `now`, in the current language; None when they have no
    dashboard or nothing to be told."""
    reach = matters.reach_of(person)
    role = policy.role_of(person, reach)
    if role is None:
        return None
    if role == policy.Role.HEAD:
        # The department's own queue, as the head's card counts it.
        scope = matters.department_queue(policy.head_departments(person))
        overdue_url, scope_url = (
            selectors.list_url("queue", overdue="on"),
            selectors.list_url("queue"),
        )
    else:
        scope = matters.visible_matters(person, reach)
        overdue_url, scope_url = selectors.list_url(overdue="on"), selectors.list_url(state="open")
    scope = scope.order_by()
    open_scope = scope.filter(state__in=OPEN_STATES).select_related(None)
    # The same overdue condition as the dashboard's tiles and the list's filter.
    overdue = open_scope.filter(selectors._overdue(now)).order_by("next_deadline", "pk")
    due_end = _next_working_day_end(person.organization, timezone.localdate(now))
    due = open_scope.filter(
        reply_due__gte=now, reply_due__lt=due_end, paused_at__isnull=True
    ).order_by("reply_due", "pk")
    waiting_rows = matters.todo(person, reach).order_by("next_deadline", "pk")
    sections = [
        _events(scope, since, now, selectors.list_url(state="escalated")),
        _section(
            _("Waiting for you"),
            waiting_rows,
            selectors.list_url("todo"),
            lambda m: (
                _("due %(when)s") % {"when": _moment(m.next_deadline)}
                if m.next_deadline
                else m.get_state_display()
            ),
        ),
        _section(
            _("Most overdue"),
            overdue,
            overdue_url,
            lambda m: _("was due %(when)s") % {"when": _moment(m.next_deadline)},
        ),
        _section(
            _("Replies due today or the next working day"),
            due,
            scope_url,
            lambda m: _("reply by %(when)s") % {"when": _moment(m.reply_due)},
        ),
    ]
    sections = [s for s in sections if s.total]
    if not sections:
        return None
    return Brief(person, role, sections, site_url(reverse("dashboard:dashboard")))


def payload(brief: Brief, day: datetime.date) -> dict:
    """The e-mail, in the current language."""
    lines = [
        _("Good morning, %(name)s. Your brief for %(day)s:")
        % {"name": brief.person.name, "day": date_format(day, "WEEKDAY_DATE_FORMAT")},
    ]
    for section in brief.sections:
        lines += [
            "",
            "■ " + _("%(title)s: %(count)d") % {"title": section.title, "count": section.total},
        ]
        for number, line in enumerate(section.lines, 1):
            lines += [f"{number}. {line.text}", f"   {line.url}"]
        if section.total > len(section.lines):
            lines.append(_("…and %(count)d more.") % {"count": section.total - len(section.lines)})
        lines.append(_("The whole list: %(url)s") % {"url": section.url})
    lines += [
        "",
        _("Your dashboard: %(url)s") % {"url": brief.dashboard_url},
        _("Turn e-mail off here to stop the brief: %(url)s")
        % {"url": site_url(reverse("inbox:preferences"))},
    ]
    subject = "[{}] {}".format(
        _("Liaison"), _("Morning brief %(day)s") % {"day": date_format(day, "WEEKDAY_DATE_FORMAT")}
    )
    return {"subject": subject, "body": "\n".join(lines)}


def candidates(organization: Organization) -> QuerySet[Person]:
    """Who may have a dashboard: the head of the organization, leaders in charge, the
    coordinating office, heads and deputy heads (policy.role_of decides for each)."""
    positions = Position.objects.current().filter(
        Q(department_id=organization.coordinating_department_id) | Q(role__in=HEAD_ROLES),
        department__organization=organization,
    )
    leaders = LeaderInCharge.objects.current().filter(department__organization=organization)
    return (
        Person.objects.filter(organization=organization, is_active=True)
        .exclude(email="")
        .filter(
            Q(title__in=ORGANIZATION_HEAD_TITLES)
            | Q(pk__in=positions.values("person_id"))
            | Q(pk__in=leaders.values("leader_id"))
        )
        .select_related("organization")
        .order_by("pk")
    )


def send_briefs(now: datetime.datetime | None = None) -> dict:
    """The sweep's step: the briefs due today (from 07:30 on a working day) not yet made."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.time() < BRIEF_TIME:
        return {}
    today = local.date()
    sent = 0
    for organization in Organization.objects.all():
        if not snapshot_for(organization).is_working_day(today):
            continue
        done = SentBrief.objects.filter(day=today).values("person_id")
        for person in list(candidates(organization).exclude(pk__in=done)):
            sent += _send(person, now, today)
    return {"briefs": sent}


def _send(person: Person, now, today) -> int:
    preference = NotificationPreference.objects.filter(person=person).first()
    if preference is not None and not preference.email_enabled:
        return 0
    last = SentBrief.objects.filter(person=person, day__lt=today).order_by("-day").first()
    since = last.created_at if last else now - datetime.timedelta(days=1)
    language = preference.language_code if preference else settings.LANGUAGE_CODE
    with translation.override(language):
        brief = compose(person, now, since)
        mail = payload(brief, today) if brief else None
    try:
        with transaction.atomic():
            # The claim: a second sweep at once fails here and sends nothing.
            SentBrief.objects.create(person=person, day=today, created_at=now, empty=brief is None)
            if brief is None:
                return 0
            mail_delivery = Delivery.objects.create(
                kind=DeliveryKind.EMAIL,
                recipient=person,
                address=person.email,
                payload=mail,
                next_attempt_at=now,
                created_at=now,
            )
            robots = Delivery.objects.bulk_create(_robot_copies(brief, today, now))
            ids = [mail_delivery.pk, *(d.pk for d in robots)]
            transaction.on_commit(partial(_enqueue, ids), robust=True)
    except IntegrityError:
        return 0
    logger.info("Morning brief for %s", person)
    return 1


def _enqueue(delivery_ids: list[int]) -> None:
    """After commit, as the inbox does: rows a lost task leaves wait for the next sweep."""
    try:
        tasks.deliver_deliveries.enqueue(delivery_ids)
    except Exception:
        logger.exception("Could not queue the brief's deliveries %s", delivery_ids)


def _robot_copies(brief: Brief, today, now) -> list[Delivery]:
    """The head's brief as figures alone (no titles: a group chat is wider than who may
    see each matter) to the group robots of the departments they head; only the head
    proper, so that a department's robot posts one brief a day, not one per deputy."""
    if brief.role != policy.Role.HEAD:
        return []
    headed = Position.objects.current().filter(person=brief.person, role=PositionRole.HEAD)
    channels = list(
        WebhookChannel.objects.filter(
            department_id__in=headed.values("department_id"), is_active=True
        ).select_related("department")
    )
    if not channels:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        names = " · ".join(sorted({c.department.name for c in channels}))
        title = _("Morning brief of %(department)s, %(day)s") % {
            "department": names,
            "day": date_format(today, "WEEKDAY_DATE_FORMAT"),
        }
        text = " · ".join(
            _("%(title)s: %(count)d") % {"title": s.title, "count": s.total} for s in brief.sections
        )
    url = site_url(selectors.list_url("queue"))
    return [
        Delivery(
            kind=DeliveryKind.WEBHOOK,
            channel=channel,
            payload={"title": title, "text": text, "url": url},
            next_attempt_at=now,
            created_at=now,
        )
        for channel in channels
    ]
