"""The inbox page and the unread badge in the navigation bar."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from liaison.inbox.context_processors import inbox
from liaison.inbox.models import Ask, Notification
from liaison.inbox.services import notify
from liaison.org.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def people(organization):
    return PersonFactory(organization=organization), PersonFactory(organization=organization)


def tell(person, title, url="/matters/1/"):
    return notify([person], ask=Ask.ACCEPT, title=title, detail="请签收", url=url)[0]


def test_the_badge_counts_unread_items_on_every_page(client, people):
    me, _other = people
    tell(me, "XT-2026-000001 叫号屏黑屏")
    tell(me, "XT-2026-000002 打印机卡纸")
    client.force_login(me.user)
    html = client.get(reverse("org:profile"), **EN).content.decode()
    assert 'data-testid="inbox-unread">2<' in html


def test_the_badge_costs_one_query(people, django_assert_num_queries):
    me, _other = people
    tell(me, "XT-2026-000001 叫号屏黑屏")
    request = RequestFactory().get("/")
    request.user = me.user
    context = inbox(request)
    with django_assert_num_queries(1):
        assert (
            Template("{{ n }}{% if n %}!{% endif %}").render(
                Context({"n": context["inbox_unread"]})
            )
            == "1!"
        )


def test_anonymous_visitors_cost_no_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(reverse("login")).status_code == 200


def test_the_inbox_lists_items_newest_first_unread_bold(client, people):
    me, other = people
    tell(me, "较早的事项")
    tell(me, "较新的事项")
    tell(other, "别人的事项")
    client.force_login(me.user)
    html = client.get(reverse("inbox:list"), **EN).content.decode()
    assert html.index("较新的事项") < html.index("较早的事项")
    assert "别人的事项" not in html
    assert html.count("inbox-item unread") == 2
    assert "2 unread items" in html and "Accept or return it" in html
    assert '<html lang="zh-hans">' in client.get(reverse("inbox:list")).content.decode()


def test_opening_an_item_marks_it_read_and_goes_there(client, people):
    me, other = people
    item = tell(me, "XT-2026-000001 叫号屏黑屏", url="/matters/42/")
    client.force_login(me.user)
    response = client.get(reverse("inbox:open", args=[item.pk]))
    assert response.status_code == 302 and response.url == "/matters/42/"
    item.refresh_from_db()
    assert item.read_at is not None
    html = client.get(reverse("inbox:list"), **EN).content.decode()
    assert "inbox-item unread" not in html and 'data-testid="inbox-unread"' not in html
    # Only the recipient opens an item.
    client.force_login(other.user)
    assert client.get(reverse("inbox:open", args=[item.pk])).status_code == 404


def test_an_item_never_redirects_off_site(client, people):
    me, _other = people
    item = tell(me, "钓鱼链接", url="https://evil.example/steal")
    client.force_login(me.user)
    response = client.get(reverse("inbox:open", args=[item.pk]))
    assert response.url == reverse("inbox:list")


def test_mark_all_read_and_the_unread_filter(client, people):
    me, other = people
    tell(me, "第一条")
    tell(me, "第二条")
    theirs = tell(other, "别人的")
    client.force_login(me.user)
    assert client.get(reverse("inbox:read-all")).status_code == 405
    response = client.post(reverse("inbox:read-all"), follow=True, **EN)
    assert "All items are marked read." in response.content.decode()
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    html = client.get(reverse("inbox:list") + "?unread=1", **EN).content.decode()
    assert "Nothing unread." in html


def test_the_inbox_needs_a_login(client, db):
    response = client.get(reverse("inbox:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
