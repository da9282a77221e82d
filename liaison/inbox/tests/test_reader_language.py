"""System-written inbox texts are translated for the reader when read, not stored in the
language of whoever caused them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from liaison.inbox.models import Ask, Notification, NotificationPreference
from liaison.inbox.services import notify
from liaison.inbox.texts import Text
from liaison.matters.models import Rating
from liaison.org.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
DUE = timezone.make_aware(datetime.datetime(2026, 12, 7, 12, 0))


def tell_due(people, actor=None):
    """A reminder written while the actor's language is Chinese."""
    with translation.override("zh-hans"):
        return notify(
            people,
            ask=Ask.REMINDER,
            title="XT-2026-000001 叫号屏黑屏",
            detail=Text(gettext_noop("Due %(time)s."), time=DUE),
            url="/matters/1/",
            exclude=actor,
        )


def test_a_chinese_actors_text_reads_in_each_readers_language(client, organization):
    reader = PersonFactory(organization=organization)
    tell_due([reader])
    client.force_login(reader.user)
    english = client.get(reverse("inbox:list"), **EN).content.decode()
    chinese = client.get(reverse("inbox:list"), **ZH).content.decode()
    assert "Due " in english and "时限" not in english
    assert "时限：" in chinese and "Due " not in chinese
    assert "XT-2026-000001 叫号屏黑屏" in english and "XT-2026-000001 叫号屏黑屏" in chinese


def test_the_text_as_written_is_kept_and_each_reader_sees_their_own(organization):
    reader = PersonFactory(organization=organization)
    with translation.override("en"):
        item = notify(
            [reader],
            ask=Ask.REMINDER,
            title="XT-2026-000001",
            detail=Text(gettext_noop("Due %(time)s."), time=DUE),
            url="/",
        )[0]
    item.refresh_from_db()
    assert item.detail.startswith("Due ")
    with translation.override("zh-hans"):
        assert item.shown_detail.startswith("时限：")


def test_translatable_parameters_are_read_in_the_readers_language(organization):
    reader = PersonFactory(organization=organization)
    text = Text(
        gettext_noop("Extension denied: %(reason)s"),
        reason=Text(gettext_noop("No reply in time.")),
    )
    item = notify([reader], ask=Ask.INFO, title="XT", detail=text, url="/")[0]
    label = Text.label(Rating.SATISFIED)
    rating = notify([reader], ask=Ask.INFO, title="XT", detail=label, url="/")
    item.refresh_from_db()
    rating[0].refresh_from_db()
    with translation.override("en"):
        assert item.shown_detail == "Extension denied: No reply in time."
        assert rating[0].shown_detail == str(Rating.SATISFIED.label)
    with translation.override("zh-hans"):
        assert "No reply" not in item.shown_detail
        assert rating[0].shown_detail == str(Rating.SATISFIED.label)
        assert rating[0].shown_detail != "Satisfied"


def test_e_mails_are_written_in_each_recipients_language(
    organization, mailoutbox, django_capture_on_commit_callbacks
):
    english = PersonFactory(organization=organization, email="en@example.org")
    chinese = PersonFactory(organization=organization, email="zh@example.org")
    NotificationPreference.objects.create(person=english, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        tell_due([english, chinese])
    mails = {m.to[0]: m for m in mailoutbox}
    assert "Due " in mails["en@example.org"].body and "时限" not in mails["en@example.org"].body
    assert "Time is running out" in mails["en@example.org"].body
    assert "时限：" in mails["zh@example.org"].body and "Due " not in mails["zh@example.org"].body


def test_the_language_of_e_mails_is_chosen_on_the_preferences_page(client, organization):
    person = PersonFactory(organization=organization, email="p@example.org")
    client.force_login(person.user)
    response = client.post(
        reverse("inbox:preferences"),
        {"language": "en", "email_enabled": "on", "digest_hour": "8"},
        **EN,
    )
    assert response.status_code == 302
    assert NotificationPreference.objects.get(person=person).language == "en"


def test_old_items_show_their_stored_text(client, organization):
    reader = PersonFactory(organization=organization)
    Notification.objects.create(
        url="/",
        recipient=reader,
        ask=Ask.INFO,
        title="XT-2025-000009 旧事项",
        detail="已取消（旧）",
    )
    client.force_login(reader.user)
    html = client.get(reverse("inbox:list"), **EN).content.decode()
    assert "XT-2025-000009 旧事项" in html and "已取消（旧）" in html


def test_the_page_costs_the_same_queries_for_many_translated_items(
    client, organization, django_assert_max_num_queries
):
    reader = PersonFactory(organization=organization)
    client.force_login(reader.user)
    tell_due([reader])
    with django_assert_max_num_queries(50) as few:
        client.get(reverse("inbox:list"), **EN)
    for _ in range(30):
        tell_due([reader])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("inbox:list"), **EN)
