"""Who may do what with a notice, and in which states (liaison.notices.policy): the
services refuse what the policy refuses, a wrong state answers 409 through the API and a
message on the page, and the page offers only what the policy allows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from liaison.core.errors import NotAllowed, WrongState
from liaison.matters.tests.factories import PASSWORD
from liaison.notices import policy, services
from liaison.notices.models import NoticeState

from .factories import publish

pytestmark = pytest.mark.django_db


def draft_of(h, by="xxk_staff", department="XXK"):
    return services.create_notice(
        h.p[by],
        services.NoticeInput(
            title="信息系统停机维护", author_department=h.d[department], departments=(h.d["MZB"],)
        ),
    )


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("xxk_head", True),
        ("xxk_deputy", True),
        ("xxk_liaison", True),
        ("office_head", True),  # the coordinating office, for any department
        ("xxk_staff", False),  # writes the draft, does not publish it
        ("yjk_head", False),
    ],
)
def test_who_may_publish_a_departments_notice(h, who, may):
    draft = draft_of(h)
    assert policy.may_publish(h.p[who], draft) is may
    if may:
        assert services.publish_notice(draft, h.p[who]).state == NoticeState.PUBLISHED
    else:
        with pytest.raises(NotAllowed):
            services.publish_notice(draft, h.p[who])
        draft.refresh_from_db()
        assert draft.state == NoticeState.DRAFT


def test_the_author_manages_the_draft_others_do_not_see_it(h):
    draft = draft_of(h)
    assert policy.may_edit(h.p["xxk_staff"], draft)
    assert policy.may_view(h.p["xxk_staff"], draft)
    assert not policy.may_view(h.p["mzb_head"], draft)
    assert not policy.may_edit(h.p["yjk_head"], draft)


def test_a_wrong_state_is_refused_as_such(h):
    notice = publish(h)
    assert not policy.may_edit(h.p["office_head"], notice)
    assert not policy.may_publish(h.p["office_head"], notice)
    with pytest.raises(WrongState, match="already published"):
        services.publish_notice(notice, h.p["office_head"])
    services.relay_notice(notice, h.p["xxk_liaison"])
    with pytest.raises(WrongState, match="relayed already"):
        services.relay_notice(notice, h.p["xxk_liaison"])
    with pytest.raises(WrongState, match="Only a published notice can be pinned"):
        services.set_pinned(draft_of(h), h.p["xxk_staff"], pinned=True)
    notice = services.withdraw(notice, h.p["office_head"], reason="内容有误")
    assert not policy.may_withdraw(h.p["office_head"], notice)
    with pytest.raises(WrongState, match="Only a published notice can be withdrawn"):
        services.withdraw(notice, h.p["office_head"], reason="再撤一次")
    assert notice.events.filter(type="withdrawn").count() == 1


def test_reminding_is_for_managers_and_the_departments_relayers_while_current(h):
    notice = publish(h, expires_at=timezone.now() + datetime.timedelta(hours=1))
    assert policy.may_remind(h.p["office_head"], notice)
    assert policy.may_remind(h.p["xxk_liaison"], notice, h.d["XXK"])
    assert not policy.may_remind(h.p["xxk_liaison"], notice, h.d["YJK"])
    assert not policy.may_remind(h.p["xxk_staff"], notice)
    with pytest.raises(NotAllowed):
        services.remind(notice, h.p["xxk_liaison"], department=h.d["YJK"])
    notice.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    notice.save(update_fields=["expires_at"])
    assert not policy.may_remind(h.p["office_head"], notice)
    with pytest.raises(WrongState):
        services.remind(notice, h.p["office_head"])


def test_a_wrong_state_answers_409_through_the_api(h):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(h.p["office_head"].user)
    notice = publish(h)
    again = client.post(f"/api/v1/notices/{notice.pk}/publish/")
    assert again.status_code == 409
    assert again.data == {"detail": "This notice is already published."}
    withdrawn = client.post(
        f"/api/v1/notices/{notice.pk}/withdraw/", {"reason": "内容有误"}, format="json"
    )
    assert withdrawn.status_code == 200 and withdrawn.data["state"] == "withdrawn"
    twice = client.post(
        f"/api/v1/notices/{notice.pk}/withdraw/", {"reason": "再撤一次"}, format="json"
    )
    assert twice.status_code == 409
    assert twice.data == {"detail": "Only a published notice can be withdrawn."}


def test_the_page_offers_what_the_policy_allows_and_shows_a_refusal(client, h):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    draft = draft_of(h)
    url = reverse("notices:detail", args=[draft.pk])
    assert client.login(username=h.p["xxk_staff"].user.username, password=PASSWORD)
    page = client.get(url).content.decode()
    assert 'data-testid="edit"' in page and 'data-testid="publish"' not in page
    assert client.login(username=h.p["xxk_head"].user.username, password=PASSWORD)
    page = client.get(url).content.decode()
    assert 'data-testid="publish"' in page and 'data-testid="withdraw-open"' not in page

    client.post(reverse("notices:publish", args=[draft.pk]))
    page = client.get(url).content.decode()
    assert 'data-testid="publish"' not in page and 'data-testid="withdraw-open"' in page
    again = client.post(reverse("notices:publish", args=[draft.pk]), follow=True)
    assert "This notice is already published." in again.content.decode()
