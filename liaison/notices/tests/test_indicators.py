"""The notices area's evaluation indicator, notices read on time, on a few notices
published and read through the services in November 2026, against figures counted by
hand, and the records behind them.

The story (office hours 08:00–12:00 and 14:00–17:30; one working day is 7.5 hours):

- 院感自查 is published on Friday 13 November at 15:00 to 信息科 and 药剂科: the heads,
  the liaison officers and 信息科's deputy head have it at once, due Monday 16 at 15:00
  (2.5 hours on Friday, 5 on Monday); 信息科's liaison officer relays it at 16:00 to its
  staff member (due Monday at 16:00); 药剂科's staff never gets it (not relayed).
  信息科: the head reads it on Monday at 09:00 (on time), the liaison officer on Friday at
  15:30 (on time), the deputy on Monday at 15:30 (late), the staff member on Monday at
  15:30 (on time: delivered at 16:00). 药剂科: the head reads it on Tuesday at 09:00
  (late), the liaison officer never (late).
- 门诊预约 is published on Wednesday 18 November at 09:00 to 门诊部: the head reads it at
  10:00 (on time), the liaison officer has not read it at 11:00, now, and is not counted.
- 停电通知 to 信息科, withdrawn, and 通报 to 药剂科, which needs no reading: nowhere.
- 十月通知, published in October to 信息科 and read in November: not a November unit.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from liaison.core import indicators as catalogue
from liaison.core.indicators import Figure, Period
from liaison.evaluation.models import EvaluationSettings
from liaison.notices import services

from .factories import publish

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOVEMBER = Period(
    "2026-11", dt.datetime(2026, 11, 1, tzinfo=SHANGHAI), dt.datetime(2026, 12, 1, tzinfo=SHANGHAI)
)
NOW = dt.datetime(2026, 11, 18, 11, tzinfo=SHANGHAI)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def story(h):
    def read(notice, who, when):
        with time_machine.travel(when, tick=False):
            assert services.mark_read(notice, h.p[who])

    with time_machine.travel(at(20, 10, month=10), tick=False):
        october = publish(h, title="十月通知", departments=("XXK",))
    read(october, "xxk_head", at(2, 9))
    with time_machine.travel(at(13, 15), tick=False):
        notice = publish(h, departments=("XXK", "YJK"))
        withdrawn = publish(h, title="停电通知", departments=("XXK",))
        publish(h, title="通报", departments=("YJK",), require_read=False)
    with time_machine.travel(at(13, 16), tick=False):
        services.relay_notice(notice, h.p["xxk_liaison"])
        services.withdraw(withdrawn, h.p["office_head"], reason="已恢复供电")
    read(notice, "xxk_liaison", at(13, 15, 30))
    read(notice, "xxk_head", at(16, 9))
    read(notice, "xxk_deputy", at(16, 15, 30))
    read(notice, "xxk_staff", at(16, 15, 30))
    read(notice, "yjk_head", at(17, 9))
    with time_machine.travel(at(18, 9), tick=False):
        clinic = publish(h, title="门诊预约", departments=("MZB",))
    read(clinic, "mzb_head", at(18, 10))
    return h, notice


def figures(h) -> dict:
    with time_machine.travel(NOW, tick=False):
        found = catalogue.indicator("notice_read_on_time").compute(h.organization, NOVEMBER)
    codes = {department.pk: code for code, department in h.d.items()}
    return {codes[pk]: figure for pk, figure in found.items()}


def records(h, code: str) -> list:
    with time_machine.travel(NOW, tick=False):
        indicator = catalogue.indicator("notice_read_on_time")
        return list(indicator.records(h.organization, NOVEMBER, h.d[code]))


def test_receipts_count_as_counted_by_hand(story):
    h, _notice = story
    assert figures(h) == {"XXK": Figure(3, 4), "YJK": Figure(0, 2), "MZB": Figure(1, 1)}


def test_the_reading_time_is_the_organizations_setting_in_working_days(story):
    h, _notice = story
    EvaluationSettings.objects.create(organization=h.organization, notice_reading_days=2)
    # Due Tuesday at 15:00 (16:00 for the relayed one): only 药剂科's unread one is late.
    assert figures(h) == {"XXK": Figure(4, 4), "YJK": Figure(1, 2), "MZB": Figure(1, 1)}


def test_delivered_friday_afternoon_read_monday_morning_is_on_time(story):
    h, _notice = story
    head = [r for r in records(h, "XXK") if r.at == at(16, 9)]
    assert [(r.counted, r.due) for r in head] == [(True, at(16, 15))]


def test_the_records_are_the_units_the_counted_ones_the_numerator(story):
    h, notice = story
    for code in ("XXK", "YJK", "MZB"):
        found = records(h, code)
        figure = figures(h)[code]
        assert len(found) == figure.denominator
        assert sum(r.counted for r in found) == figure.numerator
    found = records(h, "XXK")
    assert {(r.due, r.at, r.counted) for r in found} == {
        (at(16, 15), at(16, 9), True),
        (at(16, 15), at(13, 15, 30), True),
        (at(16, 15), at(16, 15, 30), False),
        (at(16, 16), at(16, 15, 30), True),
    }
    assert {r.url for r in found} == {f"/notices/{notice.pk}/"}
    assert {r.matter_id for r in found} == {None}
    assert all(r.label.startswith("关于开展院感自查的通知 (") for r in found)
    late = [r for r in records(h, "YJK") if r.at is None]
    assert [(r.label, r.counted) for r in late] == [("关于开展院感自查的通知 (吴联络)", False)]


def test_not_yet_read_within_the_reading_time_is_not_counted_yet(story):
    h, _notice = story
    assert figures(h)["MZB"] == Figure(1, 1)
    with time_machine.travel(at(19, 9, 1), tick=False):  # a working day has passed
        found = catalogue.indicator("notice_read_on_time").compute(h.organization, NOVEMBER)
    assert found[h.d["MZB"].pk] == Figure(1, 2)


def test_a_figure_takes_the_same_few_queries_whatever_the_number_of_notices(
    story, django_assert_max_num_queries
):
    # The setting, the calendars (and their periods) and days, and two of the receipts.
    h, _notice = story
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(6):
        catalogue.indicator("notice_read_on_time").compute(h.organization, NOVEMBER)
    with time_machine.travel(at(18, 10, 30), tick=False):
        for index in range(5):
            publish(h, title=f"通知{index}", departments=("XXK", "YJK", "MZB", "ZWK"))
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(6):
        catalogue.indicator("notice_read_on_time").compute(h.organization, NOVEMBER)
