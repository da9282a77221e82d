"""What meetings tell people reads in each reader's language, the recurrence included."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext_noop

from liaison.inbox.models import Ask
from liaison.inbox.services import notify
from liaison.inbox.texts import Text
from liaison.meetings.models import MeetingSeries, Room
from liaison.meetings.services.common import place_of
from liaison.meetings.services.told import place_text, summary_text
from liaison.org.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_an_invitation_reads_in_the_readers_language(organization):
    reader = PersonFactory(organization=organization)
    series = MeetingSeries(
        rule="FREQ=WEEKLY;BYDAY=MO",
        time_zone="Asia/Shanghai",
        start_time=datetime.time(9, 0),
        duration=60,
        online_link="https://meet.example.org/1",
    )
    with translation.override("zh-hans"):
        detail = Text(gettext_noop("You are invited: %(summary)s"), summary=summary_text(series))
        item = notify([reader], ask=Ask.INFO, title="周例会", detail=detail, url="/")[0]
    item.refresh_from_db()
    with translation.override("en"):
        english = item.shown_detail
    with translation.override("zh-hans"):
        chinese = item.shown_detail
    assert english.startswith("You are invited: ") and "60 minutes" in english
    assert "online: https://meet.example.org/1" in english
    assert chinese.startswith("邀请您参加：") and "60分钟" in chinese
    assert "线上：https://meet.example.org/1" in chinese


def test_a_place_is_punctuated_in_the_readers_language():
    room = Room(name="第一会议室", location="行政楼3层")
    where = place_text(room, "https://meet.example.org/1")
    with translation.override("en"):
        assert str(where) == "第一会议室 (行政楼3层); online: https://meet.example.org/1"
        assert place_of(room, "") == "第一会议室 (行政楼3层)"
