"""One way to store plain values (liaison.core.plain) and the event tables' shared base
(liaison.core.models.Event)."""

import datetime
import decimal
import json

import pytest
from django.utils import timezone, translation

from liaison.core.errors import InvalidInput
from liaison.core.plain import (
    PlainJSONEncoder,
    checked_zone,
    listing,
    plain,
    when_text,
    with_note,
)
from liaison.notices.models import EventType, NoticeEvent
from liaison.notices.tests.factories import publish
from liaison.org.models import Department, Person, PositionRole
from liaison.testing import in_english, small_hospital  # noqa: F401 (shared fixtures)


def test_plain_values_are_json_safe_and_keep_keys_people_recognise():
    moment = datetime.datetime(2026, 3, 6, 9, 0, tzinfo=datetime.UTC)
    data = {
        "when": moment,
        "day": datetime.date(2026, 3, 6),
        "time": datetime.time(16, 30),
        "role": PositionRole.HEAD,
        "department": Department(code="XXK", name="信息科"),
        "person": Person(employee_number="1001", name="王主任"),
        "amount": decimal.Decimal("1.50"),
        "label": translation.gettext_lazy("Head"),
        "tags": {"b", "a"},
        "nested": [(1, None, True)],
        3: "three",
    }
    assert plain(data) == {
        "when": "2026-03-06T09:00:00+00:00",
        "day": "2026-03-06",
        "time": "16:30:00",
        "role": "head",
        "department": "XXK",
        "person": "1001",
        "amount": "1.50",
        "label": "Head",
        "tags": ["a", "b"],
        "nested": [[1, None, True]],
        "3": "three",
    }
    assert json.loads(json.dumps(plain(data))) == plain(data)
    assert json.loads(json.dumps({"at": moment}, cls=PlainJSONEncoder)) == {
        "at": "2026-03-06T09:00:00+00:00"
    }


def test_a_moment_in_messages_is_local_time_to_the_minute():
    moment = datetime.datetime(2026, 3, 6, 7, 5, 59, tzinfo=datetime.UTC)
    with translation.override("zh-hans"):
        assert when_text(moment) == "2026年3月6日 15:05"  # Asia/Shanghai
    with translation.override("en"):
        assert when_text(moment) == "6 Mar 2026 15:05"


def test_names_in_a_sentence_are_punctuated_as_the_reader_writes():
    names = ["张三", "信息科", "药剂科"]
    with translation.override("zh-hans"):
        assert listing(names) == "张三、信息科、药剂科"
    with translation.override("en"):
        assert listing(names) == "张三, 信息科, 药剂科"
        assert with_note("李工", "某公司") == "李工 (某公司)"
    assert listing([]) == ""


def test_an_unknown_time_zone_is_refused_clearly():
    assert checked_zone("Asia/Shanghai") == "Asia/Shanghai"
    for name in ("Mars/Olympus", "", "../etc"):
        with translation.override("en"), pytest.raises(InvalidInput, match="Unknown time zone"):
            checked_zone(name)


def test_an_event_stores_its_data_as_plain_values(h):
    notice = publish(h)
    moment = timezone.now()
    event = NoticeEvent.objects.create(
        notice=notice,
        type=EventType.PINNED,
        actor=h.p["office_head"],
        data={"at": moment, "department": h.d["XXK"]},
    )
    expected = {"at": moment.isoformat(), "department": "XXK"}
    assert event.data == expected
    event.refresh_from_db()
    assert event.data == expected
    assert str(event).endswith("Pinned")
