"""The top search's finders of matters, meetings and notices, registered in org's search at
start-up (LiaisonConfig.ready). Each finds only what the person may see, through the area's
own selectors and policy; only a few hits of each, the search is a way in, not a list."""

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from liaison.matters import search as matters_search
from liaison.matters import selectors as matter_selectors
from liaison.meetings import selectors as meeting_selectors
from liaison.meetings.models import Meeting
from liaison.notices import policy as notice_policy
from liaison.notices.models import Notice
from liaison.org import search

#: Hits of each kind shown.
SHOWN = 5
NEWEST = ("-created_at", "-pk")


def find_matters(person, query: str) -> list[search.Hit]:
    visible = matter_selectors.visible_matters(person)
    matters = list(matter_selectors.search(visible, query).order_by(*NEWEST)[:SHOWN])
    if len(matters) < SHOWN:
        # Then those whose title's pinyin or initials hold it (zzj → 自助机), among all.
        found = [m.pk for m in matters]
        by_pinyin = matters_search.by_pinyin(visible, query).exclude(pk__in=found)
        matters += by_pinyin.order_by(*NEWEST)[: SHOWN - len(matters)]
    return [
        search.Hit(
            kind=_("Matter"),
            text=f"{matter.number} {matter.title}",
            detail=matter.get_state_display(),
            url=reverse("matters:detail", args=[matter.pk]),
        )
        for matter in matters
    ]


def find_meetings(person, query: str) -> list[search.Hit]:
    matching = (
        Meeting.objects.filter(organization_id=person.organization_id)
        .filter(Q(title__icontains=query) | Q(series__title__icontains=query))
        .select_related("series", "matter")
    )
    # The next ones first (a weekly series has many), then the latest past ones.
    today = timezone.localdate()
    meetings = list(matching.filter(start__date__gte=today).order_by("start", "pk")[: SHOWN * 4])
    meetings += matching.filter(start__date__lt=today).order_by("-start", "-pk")[: SHOWN * 4]
    hits = []
    # The headline as the person sees it: a meeting about a matter they may not see
    # must not be found by that matter's title.
    for meeting, shown in meeting_selectors.shown_all(meetings, person):
        if query.lower() in shown.headline.lower():
            when = formats.date_format(timezone.localtime(meeting.start), "SHORT_DATETIME_FORMAT")
            url = reverse("meetings:detail", args=[meeting.pk])
            hits.append(search.Hit(kind=_("Meeting"), text=shown.headline, detail=when, url=url))
    return hits[:SHOWN]


def find_notices(person, query: str) -> list[search.Hit]:
    notices = Notice.objects.filter(
        organization_id=person.organization_id, title__icontains=query
    ).order_by("-created_at", "-pk")[: SHOWN * 4]
    return [
        search.Hit(
            kind=_("Notice"),
            text=notice.title,
            detail=notice.get_state_display(),
            url=reverse("notices:detail", args=[notice.pk]),
        )
        for notice in notices
        if notice_policy.may_view(person, notice)
    ][:SHOWN]


def register() -> None:
    search.register("matters", find_matters, 10)
    search.register("meetings", find_meetings, 20)
    search.register("notices", find_notices, 30)
