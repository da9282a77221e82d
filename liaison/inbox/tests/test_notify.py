"""Inbox delivery: one item per person asked, the actor left out, e-mail only after the
transaction commits (a rolled-back change never sends mail)."""

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from liaison.inbox import services
from liaison.inbox.models import Ask, Notification
from liaison.org.tests.factories import DepartmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(organization):
    return [
        PersonFactory(organization=organization, name=name, email=f"p{i}@hospital.example")
        for i, name in enumerate(["张三", "李四", "王五"])
    ]


def test_one_item_per_distinct_recipient_without_the_actor(people):
    zhang, li, wang = people
    items = services.notify(
        [zhang, li, li, None, wang], ask=Ask.ACCEPT, title="XT-1 事项", url="/m/1/", exclude=wang
    )
    assert sorted(i.recipient.name for i in items) == ["张三", "李四"]
    assert Notification.objects.count() == 2
    assert {i.ask for i in items} == {Ask.ACCEPT}


def test_inactive_people_are_not_notified(people):
    zhang, li, _wang = people
    li.is_active = False
    li.save()
    items = services.notify([zhang, li], ask=Ask.INFO, title="t", url="/")
    assert [i.recipient for i in items] == [zhang]


def test_nobody_to_tell_creates_nothing(people):
    assert services.notify([], ask=Ask.INFO, title="t", url="/") == []
    assert services.notify([people[0]], ask=Ask.INFO, title="t", url="/", exclude=people[0]) == []
    assert not Notification.objects.exists()


def test_mail_goes_out_after_commit_in_the_configured_language(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        services.notify(
            people[:2], ask=Ask.CONFIRM, title="XT-2026-000001 叫号屏", detail="已修复", url="/m/1/"
        )
        assert mailoutbox == []
    assert sorted(m.to[0] for m in mailoutbox) == ["p0@hospital.example", "p1@hospital.example"]
    mail = mailoutbox[0]
    with translation.override(settings.LANGUAGE_CODE):
        product = gettext("Liaison")
    assert mail.subject == f"[{product}] XT-2026-000001 叫号屏"
    assert "已修复" in mail.body and "/m/1/" in mail.body


def test_an_attachment_goes_with_every_mail_of_the_notice(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = services.Attachment("meeting.ics", "BEGIN:VCALENDAR\r\n", "text/calendar")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(people[:2], ask=Ask.INFO, title="t", url="/", attachment=invitation)
        services.notify(people[:1], ask=Ask.INFO, title="without", url="/")
    attached = {m.to[0]: m.attachments for m in mailoutbox if m.subject.endswith(" t")}
    assert attached == {
        "p0@hospital.example": [("meeting.ics", "BEGIN:VCALENDAR\r\n", "text/calendar")],
        "p1@hospital.example": [("meeting.ics", "BEGIN:VCALENDAR\r\n", "text/calendar")],
    }
    assert [m.attachments for m in mailoutbox if m.subject.endswith("without")] == [[]]


def test_a_rolled_back_change_sends_no_mail(people, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.notify(people, ask=Ask.INFO, title="t", url="/")
                raise RuntimeError("the action failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mailoutbox == []
    assert not Notification.objects.exists()


def test_people_without_an_address_get_the_inbox_item_only(
    organization, mailoutbox, django_capture_on_commit_callbacks
):
    nobody = PersonFactory(organization=organization, email="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        items = services.notify([nobody], ask=Ask.INFO, title="t", url="/")
    assert len(items) == 1 and callbacks == [] and mailoutbox == []


def test_a_mail_failure_does_not_break_the_action(
    people, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(EmailMessage, "send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        items = services.notify(people[:1], ask=Ask.INFO, title="t", url="/")
    assert len(items) == 1
    assert Notification.objects.count() == 1
    assert "Could not send a notification e-mail" in caplog.text


def test_long_texts_are_cut_to_fit_and_the_subject_is_linked(organization, people):
    department = DepartmentFactory(organization=organization)
    [item] = services.notify(
        people[:1], ask=Ask.INFO, title="长" * 400, detail="细" * 400, url="/", subject=department
    )
    item.refresh_from_db()
    assert len(item.title) == 300 and len(item.detail) == 300
    assert item.subject == department


def test_unread_count_and_marking_read(people):
    zhang, li, _wang = people
    items = [services.notify([zhang], ask=Ask.INFO, title=f"t{i}", url="/")[0] for i in range(3)]
    services.notify([li], ask=Ask.INFO, title="not zhang's", url="/")
    assert services.unread_count(zhang) == 3
    assert services.mark_read(zhang, [items[0].pk]) == 1
    assert services.unread_count(zhang) == 2
    assert services.mark_read(li, [items[1].pk]) == 0  # someone else's item
    assert services.mark_read(zhang) == 2
    assert services.unread_count(zhang) == 0
    assert services.unread_count(li) == 1
