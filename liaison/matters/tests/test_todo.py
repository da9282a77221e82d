"""The to-do as a place to work: sorting, counts per tab, saved views, actions on several
matters at once, who is asked to decide an escalation, supervision's reviews, and the
number of queries of a long to-do."""

import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.inbox.models import Ask
from liaison.matters import policy, selectors, services
from liaison.matters.models import EscalationLevel, Matter, SavedView, State
from liaison.matters.tests.factories import MatterFactory, changes_nothing, in_days
from liaison.supervision import services as supervision
from liaison.testing import in_english, media_folder, small_hospital  # noqa: F401

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TODO = reverse("matters:todo")


def login(client, person):
    client.force_login(person.user)
    return person


def numbers(html: str) -> list[str]:
    """The matter numbers of the list's rows, in order."""
    return re.findall(r'<span class="font-monospace[^"]*">([^<]+)</span>', html)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def row_and_events(matter) -> tuple:
    return Matter.objects.filter(pk=matter.pk).values().get(), matter.events.count()


def raise_at_office(h, title, urgency="normal"):
    """A submitted matter waiting at 院办 for its dispatch."""
    return MatterFactory(originator=h.p["mzb_staff"], by=h, title=title, urgency=urgency)


# Sorting and counts.


def test_the_to_do_sorts_by_urgency_age_and_deadline_with_links_in_the_head(client, h):
    normal = raise_at_office(h, "普通事项")
    emergency = raise_at_office(h, "紧急事项", urgency="emergency")
    urgent = raise_at_office(h, "较急事项", urgency="urgent")
    login(client, h.p["office"])

    html = client.get(TODO + "?sort=urgency", **EN).content.decode()
    assert numbers(html) == [emergency.number, urgent.number, normal.number]
    assert 'data-testid="sort-urgency"' in html
    # The active sort's link reverses it.
    assert "sort=-urgency" in html
    html = client.get(TODO + "?sort=-urgency", **EN).content.decode()
    assert numbers(html) == [normal.number, urgent.number, emergency.number]
    html = client.get(TODO + "?sort=age", **EN).content.decode()
    assert numbers(html) == [normal.number, emergency.number, urgent.number]
    html = client.get(TODO + "?sort=-age", **EN).content.decode()
    assert numbers(html) == [urgent.number, emergency.number, normal.number]
    # Nonsense keeps the deadline order rather than failing.
    assert client.get(TODO + "?sort=drop+table", **EN).status_code == 200


def test_the_to_do_sorts_by_lead_department(client, h):
    pharmacy = MatterFactory(
        originator=h.p["mzb_staff"], by=h, state=State.DISPATCHED, lead=h.d["YJK"]
    )
    it = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.DISPATCHED, lead=h.d["XXK"])
    login(client, h.p["mzb_staff"])
    html = client.get(TODO + "?tab=raised&sort=department", **EN).content.decode()
    assert numbers(html) == [it.number, pharmacy.number]  # xinxike before yaojike
    html = client.get(TODO + "?tab=raised&sort=-department", **EN).content.decode()
    assert numbers(html) == [pharmacy.number, it.number]


def test_each_tab_shows_its_count(client, h):
    for title in ("甲", "乙", "丙"):
        raise_at_office(h, title)
    MatterFactory(originator=h.p["office"], by=h, state=State.DISPATCHED)
    login(client, h.p["office"])
    html = client.get(TODO, **EN).content.decode()
    counts = re.findall(
        r'data-testid="tab-(\w+)".*?<span class="badge[^"]*" data-testid="tab-count">(\d+)<',
        html,
    )
    assert dict(counts) == {"todo": "3", "raised": "1", "queue": "3"}


# Saved views.


def test_a_view_is_saved_listed_replaced_and_deleted_by_its_owner_only(client, h):
    login(client, h.p["office"])
    response = client.post(
        reverse("matters:save-view"),
        {"name": "紧急的", "back": "tab=all&urgency=emergency&sort=deadline&page=3&evil=1"},
        follow=True,
        **EN,
    )
    view = SavedView.objects.get(person=h.p["office"])
    assert view.query == "tab=all&urgency=emergency&sort=deadline"  # no page, nothing unknown
    assert "View “紧急的” saved." in messages_of(response)
    shown = client.get(TODO + "?" + view.query + "&q=").content.decode()
    assert f'href="?{view.query.replace("&", "&amp;")}" aria-current="page"' in shown

    client.post(reverse("matters:save-view"), {"name": "紧急的", "back": "tab=raised"}, follow=True)
    assert list(SavedView.objects.filter(person=h.p["office"]).values_list("query", flat=True)) == [
        "tab=raised"
    ]
    response = client.post(reverse("matters:save-view"), {"name": "  ", "back": ""}, **EN)
    assert response.status_code == 400
    assert response.context["kept"]["error"] == "Give the view a name."

    login(client, h.p["outsider"])
    assert client.post(reverse("matters:delete-view", args=[view.pk])).status_code == 404
    assert "紧急的" not in client.get(TODO).content.decode()
    login(client, h.p["office"])
    client.post(reverse("matters:delete-view", args=[view.pk]))
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_only_the_owner_may_delete_a_view_at_the_service(h):
    view = services.save_view(h.p["office"], "我的", "tab=queue")
    with pytest.raises(services.NotAllowed):
        services.delete_view(h.p["outsider"], view)
    assert SavedView.objects.filter(pk=view.pk).exists()


# Actions on several matters.


def test_dispatching_several_does_each_that_may_be_and_says_why_not_for_the_rest(client, h):
    first = raise_at_office(h, "甲")
    second = raise_at_office(h, "乙")
    replied = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.REPLIED)
    hidden = MatterFactory(originator=h.p["outsider"], by=h, state=State.DRAFT)
    login(client, h.p["office"])
    before = {m.pk: row_and_events(m) for m in (replied, hidden)}
    response = client.post(
        reverse("matters:batch"),
        {
            "action": "dispatch",
            "lead": h.d["YJK"].pk,
            "matters": [first.pk, replied.pk, second.pk, hidden.pk, "x"],
            "back": "sort=age",
        },
        **EN,
    )
    assert {m.pk: row_and_events(m) for m in (replied, hidden)} == before
    assert response.status_code == 302 and response["Location"] == TODO + "?sort=age"
    for matter in (first, second):
        matter.refresh_from_db()
        assert (matter.state, matter.lead_department) == (State.DISPATCHED, h.d["YJK"])
    said = messages_of(client.get(TODO, **EN))
    assert said[0] == f"Dispatched 2: {first.number}, {second.number}."
    assert said[1].startswith(f"{replied.number} not done: {replied.number} is already")
    assert said[2] == "1 selected matters were not found."


def test_a_person_who_may_not_dispatch_changes_nothing(h):
    matter = raise_at_office(h, "甲")
    with changes_nothing(matter):
        result = services.dispatch_all(h.p["mzb_head"], [matter.pk], h.d["YJK"])
    assert result.done == []
    assert result.refused == [(matter, f"You may not do this on {matter.number}.")]
    with pytest.raises(services.InvalidInput, match="lead department"):
        services.dispatch_all(h.p["office"], [matter.pk], None)
    with pytest.raises(services.InvalidInput, match="Select at least one"):
        services.dispatch_all(h.p["office"], [], h.d["YJK"])


def test_a_refusal_halfway_through_an_item_leaves_that_item_whole(h):
    matter = raise_at_office(h, "甲")

    def half_then_refuse(item, person):
        Matter.objects.filter(pk=item.pk).update(title="半截写入")
        raise services.InvalidInput("不行")

    with changes_nothing(matter):
        result = services.run_batch(h.p["office"], [matter.pk], half_then_refuse)
    assert result.refused == [(matter, "不行")]


def test_urging_several_goes_through_supervision_and_reports_the_unsupervised(client, h):
    supervised = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED)
    plain = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED)
    supervision.supervise(supervised, h.p["supervisor"], deadline=in_days(5), reason="限期整改")
    login(client, h.p["supervisor"])
    assert 'data-testid="batch-urge"' in client.get(TODO + "?tab=all", **EN).content.decode()
    client.post(
        reverse("matters:batch"), {"action": "urge", "matters": [supervised.pk, plain.pk]}, **EN
    )
    assert supervised.supervisions.get().urges.count() == 1
    said = messages_of(client.get(TODO, **EN))
    assert said[0] == f"Urge: 1 done ({supervised.number})."
    assert said[1].startswith(f"{plain.number} not done: ")
    login(client, h.p["outsider"])  # staff of an unrelated department is not offered it
    assert 'data-testid="batch-urge"' not in client.get(TODO, **EN).content.decode()


def test_the_selection_exports_to_the_ledger_with_only_what_the_person_sees(client, h):
    first = raise_at_office(h, "甲事项")
    raise_at_office(h, "乙事项")
    hidden = MatterFactory(originator=h.p["outsider"], by=h, state=State.DRAFT, title="草稿")
    login(client, h.p["office"])
    response = client.post(
        reverse("matters:batch-ledger"), {"matters": [first.pk, hidden.pk]}, **EN
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    titles = [row[2] for row in sheet.iter_rows(values_only=True)]
    assert "甲事项" in titles and "乙事项" not in titles and "草稿" not in titles
    response = client.post(reverse("matters:batch-ledger"), {}, **EN)
    assert response.status_code == 400
    assert response.context["kept"]["error"] == "Select at least one matter."


# Who is asked to decide.


def escalated_to_leader(h):
    matter = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED)
    for who in ("xxk_liaison", "xxk_head", "office"):
        matter = services.escalate(matter, h.p[who], reason="协调困难")
    assert (matter.escalation_level, matter.responsible_person) == (
        EscalationLevel.LEADER_IN_CHARGE,
        h.p["vp"],
    )
    return matter


def test_a_leader_s_escalation_asks_only_the_leader_not_the_head_of_their_department(client, h):
    matter = escalated_to_leader(h)
    # 院领导's head (the president) handles the owner department but may not decide it.
    assert "dispatch" not in services.allowed_actions(h.p["president"], matter)
    login(client, h.p["president"])
    assert matter.number not in client.get(TODO, **EN).content.decode()
    reach = selectors.reach_of(h.p["president"])
    asks = policy.asks_of(
        matter, h.p["president"], reach, part_missing=False, extension_pending=False
    )
    assert Ask.DECIDE not in asks

    login(client, h.p["vp"])
    html = client.get(TODO, **EN).content.decode()
    assert "Decide, re-dispatch or pass it on" in html
    detail = reverse("matters:detail", args=[matter.pk])
    for action in ("dispatch", "escalate", "close"):
        assert f'href="{detail}#act-{action}"' in html
        assert action in services.allowed_actions(h.p["vp"], matter)


def test_at_the_top_of_the_ladder_passing_it_on_is_not_offered(client, h):
    matter = services.escalate(escalated_to_leader(h), h.p["vp"], reason="再往上")
    login(client, h.p["president"])
    html = client.get(TODO, **EN).content.decode()
    detail = reverse("matters:detail", args=[matter.pk])
    assert f'href="{detail}#act-dispatch"' in html
    assert f'href="{detail}#act-escalate"' not in html


# Supervision's reviews.


def test_a_rectification_reply_waits_in_the_supervision_office_s_to_do(client, h):
    matter = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED)
    supervision.supervise(matter, h.p["office"], deadline=in_days(5), reason="限期整改")
    login(client, h.p["supervisor"])
    assert matter.number not in client.get(TODO, **EN).content.decode()
    supervision.submit_rectification(
        matter,
        h.p["xxk_liaison"],
        measures="更换服务器",
        evidence="运维记录",
        completion_date=timezone.localdate(),
    )
    html = client.get(TODO, **EN).content.decode()
    assert matter.number in html
    assert str(Ask.REVIEW_RECTIFICATION.label) in html
    # The supervisor (院办 here) is asked too; whoever submitted it and others are not.
    assert selectors.todo(h.p["office"]).filter(pk=matter.pk).exists()
    assert not selectors.todo(h.p["outsider"]).filter(pk=matter.pk).exists()


# Performance.


def test_a_to_do_of_sixty_matters_takes_a_fixed_number_of_queries(
    client, h, django_assert_max_num_queries
):
    """12 queries before the sorts, counts, saved views, selection and supervision's
    reviews; 17 with them (a count per other tab, the views, the departments to dispatch
    to, the page's reviews); 20 now that the page asks the person's positions three times
    (navigation, to-do, dispatch form), whatever the length of the list."""
    for n in range(10):
        raise_at_office(h, f"事项{n}")
    login(client, h.p["office"])
    client.get(TODO)  # the session and the caches
    with CaptureQueriesContext(connection) as ten:
        client.get(TODO)
    for n in range(10, 60):
        raise_at_office(h, f"事项{n}")
    with django_assert_max_num_queries(len(ten.captured_queries)):
        response = client.get(TODO)
    assert len(numbers(response.content.decode())) == 50
    assert len(ten.captured_queries) <= 20
