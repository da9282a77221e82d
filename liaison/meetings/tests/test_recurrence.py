"""Recurrence rules: what is accepted and how it is stored, occurrences in the series'
time zone, the form's presets, and the rule in words."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from liaison.meetings import recurrence

SHANGHAI = "Asia/Shanghai"
NINE = datetime.time(9, 0)


def starts(text, first, at=NINE, zone=SHANGHAI, count=5):
    _canonical, rule = recurrence.build(text, first, at, zone)
    return [moment.strftime("%Y-%m-%d %H:%M %a") for moment in list(rule[:count])]


def test_a_rule_is_stored_in_one_canonical_form():
    canonical, _rule = recurrence.build(
        "rrule:byday=fr;freq=weekly;until=20261231", datetime.date(2026, 1, 2), NINE, SHANGHAI
    )
    # UNTIL becomes the end of that day in Shanghai, in UTC, as RFC 5545 wants it.
    assert canonical == "FREQ=WEEKLY;BYDAY=FR;UNTIL=20261231T155959Z"


def test_the_weekly_friday_rule_gives_fridays_at_the_start_time():
    assert starts("FREQ=WEEKLY;BYDAY=FR", datetime.date(2026, 3, 2), datetime.time(15, 0)) == [
        "2026-03-06 15:00 Fri",
        "2026-03-13 15:00 Fri",
        "2026-03-20 15:00 Fri",
        "2026-03-27 15:00 Fri",
        "2026-04-03 15:00 Fri",
    ]


def test_every_two_months_on_the_second_wednesday():
    assert starts("FREQ=MONTHLY;INTERVAL=2;BYDAY=2WE", datetime.date(2026, 1, 1), count=3) == [
        "2026-01-14 09:00 Wed",
        "2026-03-11 09:00 Wed",
        "2026-05-13 09:00 Wed",
    ]


def test_twice_a_year_and_the_last_thursday_of_the_month():
    assert starts("FREQ=YEARLY;BYMONTH=1,7;BYDAY=3TH", datetime.date(2026, 1, 1), count=3) == [
        "2026-01-15 09:00 Thu",
        "2026-07-16 09:00 Thu",
        "2027-01-21 09:00 Thu",
    ]
    assert starts("FREQ=MONTHLY;BYDAY=-1TH", datetime.date(2026, 2, 1), count=2) == [
        "2026-02-26 09:00 Thu",
        "2026-03-26 09:00 Thu",
    ]


def test_occurrences_keep_their_wall_clock_time_across_daylight_saving():
    _canonical, rule = recurrence.build(
        "FREQ=WEEKLY;BYDAY=MO", datetime.date(2026, 3, 2), NINE, "Europe/Berlin"
    )
    before, after = rule[0], rule[4]  # 2 March and 30 March, either side of the change
    assert (before.hour, after.hour) == (9, 9)
    assert before.utcoffset() != after.utcoffset()


def test_between_includes_the_start_and_excludes_the_end():
    _canonical, rule = recurrence.build("FREQ=DAILY", datetime.date(2026, 3, 2), NINE, SHANGHAI)
    zone = ZoneInfo(SHANGHAI)
    found = recurrence.between(
        rule,
        datetime.datetime(2026, 3, 3, 9, 0, tzinfo=zone),
        datetime.datetime(2026, 3, 5, 9, 0, tzinfo=zone),
    )
    assert [m.day for m in found] == [3, 4]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Give the recurrence rule"),
        ("FREQ=HOURLY", "at most once a day"),
        ("FREQ=WEEKLY;BYHOUR=9", "time of day"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20270101", "not both"),
        ("FREQ=WEEKLY;FREQ=DAILY", "twice"),
        ("FREQ=WEEKLY;COLOUR=RED", "not a part"),
        ("BYDAY=MO", "needs a frequency"),
        ("FREQ=WEEKLY;BYDAY=XX", "not a recurrence rule that can be used"),
        ("FREQ=WEEKLY;UNTIL=tomorrow", "UNTIL"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "no meeting at all"),
        ("FREQ=WEEKLY\nFREQ=DAILY", "one RRULE"),
    ],
)
def test_unusable_rules_are_refused_with_a_reason(text, message):
    with pytest.raises(recurrence.RuleError) as refused:
        recurrence.build(text, datetime.date(2026, 3, 2), NINE, SHANGHAI)
    assert message in refused.value.message


def test_presets_follow_the_first_day():
    first = datetime.date(2026, 3, 11)  # the second Wednesday of March
    assert recurrence.PRESET_CODES["weekly"].rule(first) == "FREQ=WEEKLY;BYDAY=WE"
    assert recurrence.PRESET_CODES["bimonthly"].rule(first) == "FREQ=MONTHLY;INTERVAL=2;BYDAY=2WE"
    # A fifth weekday is "the last" one, which every month has.
    assert recurrence.PRESET_CODES["monthly"].rule(datetime.date(2026, 4, 29)) == (
        "FREQ=MONTHLY;BYDAY=-1WE"
    )
    assert recurrence.preset_of("FREQ=MONTHLY;INTERVAL=2;BYDAY=2WE", first) == "bimonthly"
    assert recurrence.preset_of("FREQ=MONTHLY;BYDAY=-1TH", first) == "custom"


def test_an_end_date_is_set_and_read_back_in_the_series_zone():
    text = recurrence.with_until("FREQ=WEEKLY;COUNT=4", datetime.date(2026, 6, 30))
    canonical, _rule = recurrence.build(text, datetime.date(2026, 3, 2), NINE, SHANGHAI)
    assert canonical == "FREQ=WEEKLY;UNTIL=20260630T155959Z"
    assert recurrence.until_date(canonical, SHANGHAI) == datetime.date(2026, 6, 30)
    assert recurrence.with_until(canonical, None) == "FREQ=WEEKLY"


RULES_IN_WORDS = [
    # rule, English, Chinese
    ("FREQ=WEEKLY;BYDAY=MO", "Every week on Mondays", "每周一"),
    (
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "Every week on Mondays, Wednesdays and Fridays",
        "每周一、周三和周五",
    ),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "Every 2 weeks on Tuesdays", "每2周的周二"),
    ("FREQ=MONTHLY;BYDAY=-1TH", "Every month on the last Thursday", "每月最后一个星期四"),
    (
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=2WE",
        "Every 2 months on the second Wednesday",
        "每2个月的第二个星期三",
    ),
    (
        "FREQ=YEARLY;BYMONTH=1,7;BYDAY=3TH",
        "Every year on the third Thursday of January and July",
        "每年1月和7月的第三个星期四",
    ),
    ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=11", "Every year on day 11 of March", "每年3月11日"),
    ("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6", "Every month on day 15, 6 times", "每月15日，共6次"),
    ("FREQ=MONTHLY;BYMONTHDAY=-1", "Every month on the last day", "每月最后一天"),
    ("FREQ=DAILY", "Daily", "每天"),
    (
        "FREQ=WEEKLY;BYDAY=FR;UNTIL=20261231T155959Z",
        "Every week on Fridays, until 31 December 2026",
        "每周五，至2026年12月31日",
    ),
    ("FREQ=WEEKLY;BYSETPOS=1;BYDAY=MO", "FREQ=WEEKLY;BYSETPOS=1;BYDAY=MO", None),
]


@pytest.mark.parametrize(("text", "english", "chinese"), RULES_IN_WORDS)
def test_rules_in_words_in_english(text, english, chinese):
    with translation.override("en"):
        assert recurrence.describe(text, SHANGHAI) == english


def test_rules_in_words_in_chinese():
    with translation.override("zh-hans"):
        words = [recurrence.describe(text, SHANGHAI) for text, _en, _zh in RULES_IN_WORDS]
    assert words == [zh or text for text, _en, zh in RULES_IN_WORDS]


def test_every_preset_reads_as_words_in_chinese():
    first = datetime.date(2026, 3, 11)  # the second Wednesday of March
    with translation.override("zh-hans"):
        words = {p.code: recurrence.describe(p.rule(first), SHANGHAI) for p in recurrence.PRESETS}
    assert words == {
        "weekly": "每周三",
        "fortnightly": "每2周的周三",
        "monthly": "每月第二个星期三",
        "monthly_day": "每月11日",
        "bimonthly": "每2个月的第二个星期三",
        "quarterly": "每3个月的第二个星期三",
        "twice_yearly": "每6个月的第二个星期三",
        "yearly": "每年3月11日",
    }


def test_the_same_day_each_month_past_the_28th_is_the_last_day():
    assert recurrence.PRESET_CODES["monthly_day"].rule(datetime.date(2026, 3, 30)) == (
        "FREQ=MONTHLY;BYMONTHDAY=-1"
    )
    assert recurrence.preset_of("FREQ=MONTHLY;BYMONTHDAY=11", datetime.date(2026, 3, 11)) == (
        "monthly_day"
    )
