"""Reading notices for the pages and the API: what a person may see, with counts. Who
may see a notice is policy.may_view's answer."""

from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from liaison.matters.models import Matter
from liaison.org.models import Person

from . import policy
from .models import Notice, NoticeState, Receipt, Relay
from .services.desk import LIAISON_REPORT_KIND


def notice_for(person: Person, pk) -> Notice:
    """The notice if the person may see it (404 otherwise, so nothing leaks)."""
    notice = (
        Notice.objects.filter(pk=pk, organization=person.organization)
        .select_related("author", "author_department", "published_by", "withdrawn_by")
        .first()
    )
    if notice is None or not policy.may_view(person, notice):
        raise Http404
    return notice


def _current(queryset, now):
    return queryset.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def for_me(person: Person, *, archived: bool = False):
    """Published notices the person can see: pinned first, then newest; unread marked.
    `archived`: the expired ones instead."""
    now = timezone.now()
    mine = Receipt.objects.filter(person=person, delivered_at__isnull=False)
    notices = Notice.objects.filter(
        state=NoticeState.PUBLISHED, pk__in=mine.values("notice_id")
    ).select_related("author_department")
    notices = notices.filter(expires_at__lte=now) if archived else _current(notices, now)
    unread = mine.filter(notice=OuterRef("pk"), read_at__isnull=True)
    return notices.annotate(unread=Exists(unread)).order_by("-pinned", "-published_at", "-pk")


def issued(person: Person, *, state: str | None = None):
    """Notices the person's departments issued (or they wrote), newest first."""
    notices = Notice.objects.filter(organization=person.organization)
    departments = policy.managed_department_ids(person)
    if departments is not None:
        notices = notices.filter(Q(author=person) | Q(author_department_id__in=departments))
    if state is not None:
        notices = notices.filter(state=state)
    return notices.select_related("author", "author_department").order_by("-created_at", "-pk")


def read_counts(notices) -> dict[int, int]:
    """How many have read each of these notices (one grouped count)."""
    ids = [n.pk for n in notices]
    return dict(
        Receipt.objects.filter(notice_id__in=ids, read_at__isnull=False)
        .values("notice_id")
        .annotate(read=Count("pk"))
        .values_list("notice_id", "read")
    )


def receipt_of(person: Person | None, notice: Notice) -> Receipt | None:
    if person is None:
        return None
    return Receipt.objects.filter(notice=notice, person=person).first()


def awaiting_relay(person: Person):
    """The relays this person may do now, for their liaison desk."""
    return (
        Relay.objects.filter(
            department_id__in=policy.relay_departments(person),
            relayed_at__isnull=True,
            notice__state=NoticeState.PUBLISHED,
        )
        .filter(Q(notice__expires_at__isnull=True) | Q(notice__expires_at__gt=timezone.now()))
        .select_related("notice", "notice__author_department", "department")
        .order_by("notice__published_at")
    )


def reported_by(departments: Iterable[int]):
    """The departments' recent reports, for the desk."""
    return (
        Matter.objects.filter(
            originator_department_id__in=list(departments), kind__code=LIAISON_REPORT_KIND
        )
        .select_related("owner_department", "kind")
        .order_by("-created_at")
    )
