"""The top search's finders of matters, meetings and notices, registered in org's search at
start-up (LiaisonConfig.ready). Each finds only what the person may see, through the area's
own selectors and policy; only a few hits of each, the search is a way in, not a list."""

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from liaison.matters import selectors as matter_selectors
from liaison.meetings import selectors as meeting_selectors
from liaison.meetings.models import Meeting
from liaison.notices import policy as notice_policy
from liaison.notices.models import Notice
from liaison.org import search
from liaison.org.pinyin import pinyin_keys

#: Hits of each kind shown.
SHOWN = 5
#: How many of the newest visible matters are read for pinyin initials (zzj → 自助机):
#: titles have no pinyin in the index, so the initials are worked out as one searches.
INITIALS_WINDOW = 500


def _is_initials(query: str) -> bool:
    return query.isascii() and query.isalpha() and 2 <= len(query) <= 10


def find_matters(person, query: str) -> list[search.Hit]:
    visible = matter_selectors.visible_matters(person)
    matters = list(matter_selectors.search(visible, query).order_by("-created_at", "-pk")[:SHOWN])
    if len(matters) < SHOWN and _is_initials(query):
        initials = query.lower()
        found = {m.pk for m in matters}
        for pk, title in visible.order_by("-created_at", "-pk").values_list("pk", "title")[
            :INITIALS_WINDOW
        ]:
            if pk not in found and initials in pinyin_keys(title)[1]:
                found.add(pk)
                if len(found) >= SHOWN:
                    break
        matters = list(visible.filter(pk__in=found).order_by("-created_at", "-pk"))
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
