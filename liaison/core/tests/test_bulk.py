"""Writing many rows at once: every value arrives as the instance holds it, primary keys
come back in order, and the table's rules still hold (run on SQLite and PostgreSQL)."""

import datetime as dt

import pytest
from django.db import DataError, connection, transaction

from liaison.core import bulk
from liaison.inbox.models import Ask, Delivery, DeliveryKind, Notification
from liaison.org.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 11, 24, 8, 30, tzinfo=dt.UTC)


def notification(person, n: int, **kwargs) -> Notification:
    fields = {
        "recipient": person,
        "ask": Ask.REMINDER,
        "title": f"第{n}件 化验结果未回复",
        "url": f"/matters/{n}/",
        "created_at": WHEN,
    }
    return Notification(**fields | kwargs)


def test_insert_sets_primary_keys_in_order_and_keeps_every_value():
    person = PersonFactory()
    items = [notification(person, n, urgent=n % 2 == 0) for n in range(300)]
    items.append(notification(person, 300, detail="", read_at=None))
    bulk.insert(items)
    assert all(item.pk is not None and not item._state.adding for item in items)
    stored = Notification.objects.in_bulk([item.pk for item in items])
    for n, item in enumerate(items):
        row = stored[item.pk]
        assert (row.title, row.url, row.urgent, row.created_at) == (
            f"第{n}件 化验结果未回复",
            f"/matters/{n}/",
            n % 2 == 0 and n < 300,
            WHEN,
        )
        assert row.ask == "reminder" and row.read_at is None and row.recipient_id == person.pk


def test_insert_writes_json_and_rows_that_refer_to_rows_just_inserted():
    person = PersonFactory(email="yk@example.org")
    items = [notification(person, n) for n in range(3)]
    bulk.insert(items)
    payloads = [{"subject": "提醒", "body": f"第{n}件", "tags": [n, None]} for n in range(3)]
    deliveries = [
        Delivery(
            kind=DeliveryKind.EMAIL,
            notification=item,
            recipient=person,
            address=person.email,
            payload=payload,
        )
        for item, payload in zip(items, payloads, strict=True)
    ]
    bulk.insert(deliveries)
    stored = Delivery.objects.order_by("pk")
    assert [d.payload for d in stored] == payloads
    assert [d.notification_id for d in stored] == [item.pk for item in items]


def test_a_value_too_long_is_refused_not_cut_short():

    if connection.vendor != "postgresql":
        pytest.skip("SQLite does not enforce lengths")
    person = PersonFactory()
    with pytest.raises(DataError), transaction.atomic():
        bulk.insert([notification(person, 1), notification(person, 2, url="x" * 301)])
    assert not Notification.objects.exists()


def test_nothing_to_write_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        bulk.insert([])
        bulk.update([], ["title"])


def test_update_writes_the_named_fields_only():
    person = PersonFactory()
    items = [notification(person, n) for n in range(5)]
    bulk.insert(items)
    for n, item in enumerate(items):
        item.title = f"已催办 {n}"
        item.read_at = WHEN if n % 2 else None
        item.url = "/not/written/"
    bulk.update(items[1:], ["title", "read_at"])
    stored = {n.pk: n for n in Notification.objects.all()}
    assert stored[items[0].pk].title == "第0件 化验结果未回复"
    for n, item in enumerate(items[1:], start=1):
        row = stored[item.pk]
        assert (row.title, row.read_at, row.url) == (
            f"已催办 {n}",
            WHEN if n % 2 else None,
            f"/matters/{n}/",
        )
