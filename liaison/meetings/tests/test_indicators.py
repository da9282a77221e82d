"""The meetings area's evaluation indicator, meeting attendance, on a weekly meeting
recorded through the services in October and November 2026, against figures counted by
hand, and the records behind them.

The story: 信息科's weekly Friday 15:00 meeting from 30 October, chaired by the
president, with 信息科 (head and liaison officer), 门诊部 (head), 药剂科 (liaison
officer) and 总务科's staff member invited by name.

- 30 October: 信息科's head absent (an October unit, not a November one).
- 6 November: 信息科's head present, its liaison officer absent; 门诊部's head sent a
  substitute; 药剂科's liaison officer present; the chair and 总务科's staff member
  present (seats of no department: counted nowhere).
- 13 November: 信息科's head absent, its liaison officer present; 门诊部's head present;
  药剂科's liaison officer not recorded (not a unit).
- 27 November: 信息科's head present. Now is the end of that meeting.

November: 信息科 3 of 5, 门诊部 2 of 2, 药剂科 1 of 1.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from liaison.core import indicators as catalogue
from liaison.core.indicators import Figure, Period
from liaison.meetings import services
from liaison.meetings.models import Attendance, Presence

from .factories import SeriesFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOVEMBER = Period(
    "2026-11", dt.datetime(2026, 11, 1, tzinfo=SHANGHAI), dt.datetime(2026, 12, 1, tzinfo=SHANGHAI)
)
NOW = dt.datetime(2026, 11, 27, 16, tzinfo=SHANGHAI)
P = services.PresenceInput
#: The meetings' days: 30 October, then November.
NOV = {day: dt.date(2026, 10 if day == 30 else 11, day) for day in (30, 6, 13, 27)}
PRESENT, ABSENT, SUBSTITUTED = Presence.PRESENT, Presence.ABSENT, Presence.SUBSTITUTED


@pytest.fixture
def story(h, room):
    with time_machine.travel(dt.datetime(2026, 10, 26, 9, tzinfo=SHANGHAI), tick=False):
        series = SeriesFactory(
            by=h.p["xxk_head"],
            organizer=h.d["XXK"],
            room=room,
            chair=h.p["president"],
            start_date=dt.date(2026, 10, 30),
            departments=[
                (h.d["XXK"], Attendance.BOTH),
                (h.d["MZB"], Attendance.HEAD),
                (h.d["YJK"], Attendance.LIAISON_OFFICER),
            ],
            people=[h.p["zwk_staff"]],
        )
    meetings = {m.start.astimezone(SHANGHAI).date(): m for m in series.meetings.all()}

    def record(day, *rows):
        meeting = meetings[NOV[day]]
        with time_machine.travel(meeting.start + dt.timedelta(minutes=30), tick=False):
            services.record_attendance(meeting, h.p["xxk_head"], rows)

    record(30, P(h.p["xxk_head"], ABSENT, reason="出差"))
    record(
        6,
        P(h.p["xxk_head"], PRESENT),
        P(h.p["xxk_liaison"], ABSENT, reason="外出培训"),
        P(h.p["mzb_head"], SUBSTITUTED, substitute=h.p["mzb_staff"]),
        P(h.p["yjk_liaison"], PRESENT),
        P(h.p["president"], PRESENT),
        P(h.p["zwk_staff"], PRESENT),
    )
    record(
        13,
        P(h.p["xxk_head"], ABSENT, reason="门诊值班"),
        P(h.p["xxk_liaison"], PRESENT),
        P(h.p["mzb_head"], PRESENT),
    )
    record(27, P(h.p["xxk_head"], PRESENT))
    return h, {day: meetings[date] for day, date in NOV.items()}


def figures(h) -> dict:
    with time_machine.travel(NOW, tick=False):
        found = catalogue.indicator("meeting_attendance").compute(h.organization, NOVEMBER)
    codes = {department.pk: code for code, department in h.d.items()}
    return {codes[pk]: figure for pk, figure in found.items()}


def records(h, code: str) -> list:
    with time_machine.travel(NOW, tick=False):
        indicator = catalogue.indicator("meeting_attendance")
        return list(indicator.records(h.organization, NOVEMBER, h.d[code]))


def test_attendances_count_as_counted_by_hand(story):
    h, _meetings = story
    assert figures(h) == {"XXK": Figure(3, 5), "MZB": Figure(2, 2), "YJK": Figure(1, 1)}


def test_the_records_are_the_units_the_counted_ones_the_numerator(story):
    h, meetings = story
    for code, figure in figures(h).items():
        found = records(h, code)
        assert len(found) == figure.denominator
        assert sum(r.counted for r in found) == figure.numerator
    found = records(h, "XXK")
    title = meetings[6].series.title
    assert [(r.label, r.at, r.counted) for r in found] == [
        (f"{title} (赵信息)", meetings[6].start, True),
        (f"{title} (钱联络)", meetings[6].start, False),
        (f"{title} (赵信息)", meetings[13].start, False),
        (f"{title} (钱联络)", meetings[13].start, True),
        (f"{title} (赵信息)", meetings[27].start, True),
    ]
    assert found[0].url == f"/meetings/{meetings[6].pk}/"
    assert {r.matter_id for r in found} == {None}
    # The substitute came (6 November): counted like the head's presence (13 November).
    assert [(r.label, r.counted) for r in records(h, "MZB")] == [(f"{title} (王门诊)", True)] * 2


def test_a_meeting_not_yet_begun_counts_nowhere(story):
    h, _meetings = story
    with time_machine.travel(dt.datetime(2026, 11, 20, 14, tzinfo=SHANGHAI), tick=False):
        found = catalogue.indicator("meeting_attendance").compute(h.organization, NOVEMBER)
    assert found[h.d["XXK"].pk] == Figure(2, 4)


def test_a_figure_is_one_query_whatever_the_number_of_meetings(
    story, django_assert_max_num_queries
):
    h, _meetings = story
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(1):
        catalogue.indicator("meeting_attendance").compute(h.organization, NOVEMBER)
