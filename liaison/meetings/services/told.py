"""What meetings tell people in their inbox, as texts each reader sees in their own
language (liaison.inbox.texts): the place and a series' summary put into words when read."""

from django.utils.translation import gettext_noop

from liaison.inbox.texts import Text, readable

from .. import recurrence
from ..models import MeetingSeries, Room


def place_text(room: Room | None, link: str) -> Text | str:
    """As place_of writes it, with "online" in the reader's language."""
    where = ""
    if room is not None:
        where = room.name
        if room.location:
            where = Text(
                gettext_noop("%(room)s (%(location)s)"), room=room.name, location=room.location
            )
    if not link:
        return where
    online = Text(gettext_noop("online: %(link)s"), link=link)
    return (
        Text(gettext_noop("%(room)s; %(online)s"), room=where, online=online) if where else online
    )


@readable
def rule_in_words(rule: str, zone: str) -> str:
    return recurrence.describe(rule, zone)


def summary_text(series: MeetingSeries) -> Text:
    return Text(
        gettext_noop("%(rule)s at %(time)s, %(minutes)s minutes; %(place)s"),
        rule=Text.call(rule_in_words, rule=series.rule, zone=series.time_zone),
        time=series.start_time.strftime("%H:%M"),
        minutes=series.duration,
        place=place_text(series.room, series.online_link),
    )
