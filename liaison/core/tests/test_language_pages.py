"""The app's own pages for what is not there or not allowed, and dates as each language
writes them, through the test client with DEBUG off."""

import datetime
import re

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from liaison.matters import services
from liaison.matters.models import State
from liaison.matters.tests.factories import MatterFactory
from liaison.testing import in_english, media_folder, small_hospital  # noqa: F401

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


@override_settings(DEBUG=False)
def test_an_unknown_address_is_our_own_page_in_the_readers_language(client, h):
    client.force_login(h.p["xxk_head"].user)
    chinese = client.get("/no-such-page/", **ZH)
    english = client.get("/no-such-page/", **EN)
    assert chinese.status_code == english.status_code == 404
    for response, language in ((chinese, "zh-hans"), (english, "en")):
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        assert 'data-testid="not-found"' in html
        assert reverse("home") in html  # our layout, with a way back
    assert "There is no page at this address." in english.content.decode()


@override_settings(DEBUG=True)
def test_under_make_run_an_unknown_address_is_our_own_page_too(client, h):
    """`make run` serves with DEBUG on, where Django would show its English technical page;
    the API keeps answering JSON."""
    client.force_login(h.p["xxk_head"].user)
    for address in ("/no-such-page/", "/matters/999999/"):
        response = client.get(address, **ZH)
        assert response.status_code == 404
        html = response.content.decode()
        assert 'data-testid="not-found"' in html
        assert '<html lang="zh-hans">' in html
        assert "Django tried these URL patterns" not in html
    api = client.get("/api/v1/matters/999999/", **EN)
    assert api.status_code == 404
    assert api["Content-Type"].startswith("application/json")


@override_settings(DEBUG=False)
def test_a_forbidden_action_is_our_own_page(client, h):
    client.force_login(h.p["yjk_staff"].user)
    url = reverse("org:department-contacts", args=[h.d["YJK"].pk])
    response = client.post(url, {"phone": "1234"}, **EN)
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="forbidden"' in html
    assert "You may not open this page." in html
    chinese = client.post(url, {"phone": "1234"}, **ZH)
    assert '<html lang="zh-hans">' in chinese.content.decode()


def test_the_matter_page_writes_dates_the_chinese_way(client, h):
    matter = MatterFactory(originator=h.p["yjk_liaison"])
    client.force_login(h.p["yjk_liaison"].user)
    url = reverse("matters:detail", args=[matter.pk])
    created = timezone.localtime(matter.created_at)
    chinese = client.get(url, **ZH).content.decode()
    english = client.get(url, **EN).content.decode()
    assert f"{created.year}年{created.month}月{created.day}日 {created:%H:%M}" in chinese
    assert f"{created.day} {created:%b} {created.year} {created:%H:%M}" in english
    assert not ISO_MOMENT.search(chinese)


def test_formats_per_language():
    day = datetime.date(2026, 12, 5)
    moment = datetime.datetime(2026, 12, 5, 22, 2)
    with translation.override("zh-hans"):
        assert date_format(day) == "2026年12月5日"
        assert date_format(moment, "DATETIME_FORMAT") == "2026年12月5日 22:02"
        assert date_format(day, "MONTH_DAY_FORMAT") == "12月5日"
    with translation.override("en"):
        assert date_format(day) == "5 December 2026"
        assert date_format(moment, "SHORT_DATETIME_FORMAT") == "5 Dec 2026 22:02"


def test_picker_buttons_are_labelled_in_the_readers_language(client, h):
    client.force_login(h.p["yjk_liaison"].user)
    chinese = client.get(reverse("matters:new"), **ZH).content.decode()
    english = client.get(reverse("matters:new"), **EN).content.decode()
    assert '<script id="picker-remove" type="application/json">"\\u79fb\\u9664"</script>' in chinese
    assert '<script id="picker-remove" type="application/json">"Remove"</script>' in english
    assert (
        '<script id="picker-clear" type="application/json">"Clear the choice"</script>' in english
    )


def test_an_accepted_matter_shows_no_accept_clock(client, h):
    dispatched = MatterFactory(
        originator=h.p["yjk_liaison"], by=h, state=State.DISPATCHED, lead=h.d["XXK"]
    )
    accepted = MatterFactory(
        originator=h.p["yjk_liaison"], by=h, state=State.ACCEPTED, lead=h.d["XXK"]
    )
    client.force_login(h.p["xxk_head"].user)
    waiting = client.get(reverse("matters:detail", args=[dispatched.pk]), **ZH).content.decode()
    done = client.get(reverse("matters:detail", args=[accepted.pk]), **ZH).content.decode()
    assert 'data-testid="clock-accept" data-status="running"' in waiting
    assert 'data-testid="clock-accept"' not in done
    assert 'data-testid="clock-reply" data-status="running"' in done
    replied = MatterFactory(
        originator=h.p["yjk_liaison"], by=h, state=State.REPLIED, lead=h.d["XXK"]
    )
    answered = client.get(reverse("matters:detail", args=[replied.pk]), **ZH).content.decode()
    assert 'data-testid="clock-reply"' not in answered
    assert "未计时" not in answered


def test_a_transfer_does_not_repeat_the_unchanged_state(client, h):
    matter = MatterFactory(
        originator=h.p["yjk_liaison"], by=h, state=State.DISPATCHED, lead=h.d["XXK"]
    )
    services.transfer(matter, h.p["xxk_head"], lead=h.d["MZB"], reason="归口门诊部")
    client.force_login(h.p["yjk_liaison"].user)
    page = client.get(reverse("matters:detail", args=[matter.pk]), **ZH).content.decode()
    assert "待签收 → 待签收" not in page
    assert "待交办 → 待签收" in page  # a change of state still shows
