"""Reminders about a notice read in each reader's language, also when a large audience
is told through the worker (the text crosses the task queue in its stored form)."""

from django.utils import translation

from liaison.inbox.models import Ask, Notification
from liaison.notices import services
from liaison.notices.services import common

from .factories import publish


def test_a_reminder_told_by_the_worker_reads_in_each_language(
    h, monkeypatch, django_capture_on_commit_callbacks
):
    notice = publish(h)
    monkeypatch.setattr(common, "TELL_AT_ONCE", 1)
    monkeypatch.setattr(common, "TELL_CHUNK", 2)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.remind(notice, h.p["office_head"])
    assert result.readers > 1
    reminders = list(
        Notification.objects.filter(url__endswith=f"/notices/{notice.pk}/", ask=Ask.READ).filter(
            texts__has_key="title"
        )
    )
    assert len(reminders) == result.readers
    with translation.override("en"):
        assert reminders[0].shown_title == f"Reminder: please read «{notice.title}»"
    with translation.override("zh-hans"):
        assert (
            reminders[0].shown_title.startswith("提醒：")
            and notice.title in reminders[0].shown_title
        )
