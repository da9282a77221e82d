"""Reading notices for the pages and the API: what a person may see, with counts."""

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from liaison.org.models import Person, Position
from liaison.org.roles import HANDLER_ROLES, in_coordinating_office

from . import services
from .models import Notice, NoticeState, Receipt


def notice_for(person: Person, pk) -> Notice:
    """The notice if the person may see it (404 otherwise, so nothing leaks)."""
    notice = (
        Notice.objects.filter(pk=pk, organization=person.organization)
        .select_related("author", "author_department", "published_by", "withdrawn_by")
        .first()
    )
    if notice is None or not services.may_view(person, notice):
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


def issuing_department_ids(person: Person) -> set[int] | None:
    """The departments whose notices the person manages (None: all, for the coordinating
    office)."""
    if in_coordinating_office(person):
        return None
    return set(
        Position.objects.current()
        .filter(person=person, role__in=HANDLER_ROLES)
        .values_list("department_id", flat=True)
    )


def issued(person: Person, *, state: str | None = None):
    """Notices the person's departments issued (or they wrote), newest first, with their
    read counts."""
    notices = Notice.objects.filter(organization=person.organization)
    departments = issuing_department_ids(person)
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
