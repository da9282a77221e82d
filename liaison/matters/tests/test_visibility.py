"""Who sees a matter (everyone else gets a 404, never a 403), and the lists people work
from: my to-do, my raised matters, my department's queue, filters and search."""

import datetime

import pytest
from django.http import Http404

from liaison.matters import selectors, services
from liaison.matters.models import State
from liaison.matters.selectors import MatterFilter

from .factories import MatterFactory, build_hospital, in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def h():
    return build_hospital()


def raise_matter(h, *, originator="yjk_liaison", state=State.SUBMITTED, **kwargs):
    return MatterFactory(originator=h.p[originator], by=h, state=state, **kwargs)


@pytest.fixture
def matter(h):
    """Raised by 药剂科, led by 信息科, co-organized by 总务科."""
    return raise_matter(h, state=State.ACCEPTED, co_departments=[h.d["ZWK"]])


@pytest.mark.parametrize(
    "who",
    [
        "yjk_liaison",  # the originator
        "yjk_staff",  # the originator's department
        "xxk_staff",  # the lead
        "zwk_staff",  # a co-organizer
        "vp",  # leader in charge of the lead and the originator's department
        "secretary",  # leader in charge of the co-organizer (not in the leading group)
        "office",  # the coordinating office
        "supervisor",  # the supervision office
        "group_member",  # the leading group
    ],
)
def test_the_people_involved_see_the_matter(h, matter, who):
    person = h.p[who]
    assert services.can_view(person, matter)
    assert selectors.matter_for(person, matter.pk) == matter


@pytest.mark.parametrize(
    "who",
    [
        "outsider",  # staff of an unrelated department
        "ek_head",  # its head
        "mzb_head",  # a department not involved
        "group_office_head",  # the leading group's office, until a matter reaches it
    ],
)
def test_nobody_else_sees_the_matter(h, matter, who):
    person = h.p[who]
    assert not services.can_view(person, matter)
    with pytest.raises(Http404):
        selectors.matter_for(person, matter.pk)
    assert services.allowed_actions(person, matter) == []


def test_a_leader_sees_only_matters_of_the_departments_in_their_charge(h):
    matter = raise_matter(h, state=State.ACCEPTED)  # 药剂科 → 信息科
    assert not services.can_view(h.p["secretary"], matter)


def test_people_of_another_organization_do_not_see_it(h, matter):
    other = build_hospital("h2")
    with pytest.raises(Http404):
        selectors.matter_for(other.p["office"], matter.pk)
    assert not services.can_view(other.p["supervisor"], matter)


def test_nonsense_ids_and_anonymous_people_get_404(h, matter):
    for pk in ("abc", None, 10**9):
        with pytest.raises(Http404):
            selectors.matter_for(h.p["office"], pk)
    with pytest.raises(Http404):
        selectors.matter_for(None, matter.pk)


def test_a_draft_is_seen_only_by_its_originator(h):
    draft = raise_matter(h, state=State.DRAFT, co_departments=[h.d["ZWK"]])
    assert services.can_view(h.p["yjk_liaison"], draft)
    for who in ("yjk_staff", "yjk_head", "office", "supervisor", "president", "zwk_head"):
        assert not services.can_view(h.p[who], draft), who


def test_a_former_lead_no_longer_sees_a_transferred_matter(h, matter):
    services.transfer(matter, h.p["xxk_head"], lead=h.d["MZB"], reason="属于门诊")
    assert not services.can_view(h.p["xxk_staff"], matter)
    assert services.can_view(h.p["mzb_staff"], matter)


def test_a_leader_who_dispatched_outside_their_charge_keeps_sight_of_it(h):
    matter = raise_matter(h, state=State.DISPATCHED, lead=h.d["ZWK"])
    for who in ("zwk_head", "zwk_head", "office"):
        matter = services.escalate(matter, h.p[who], reason="协调困难")
    assert matter.responsible_person == h.p["secretary"]  # leader in charge of 总务科
    matter = services.dispatch(matter, h.p["secretary"], lead=h.d["MZB"], reason="门诊部牵头")
    assert services.can_view(h.p["secretary"], matter)  # 门诊部 is not in their charge
    services.accept(matter, h.p["mzb_head"])
    services.request_extension(matter, h.p["mzb_head"], due=in_days(30), reason="等设备")
    services.decide_extension(matter, h.p["secretary"], approve=True)


def test_the_escalated_level_sees_what_it_must_decide(h):
    matter = raise_matter(h, state=State.DISPATCHED)
    for who in ("xxk_head", "xxk_head", "office", "vp"):
        matter = services.escalate(matter, h.p[who], reason="协调困难")
    assert services.can_view(h.p["group_office_head"], matter)
    assert services.can_view(h.p["president"], matter)


# Lists.


def test_the_coordinating_office_has_what_waits_for_dispatch_on_its_to_do(h):
    waiting = raise_matter(h)
    for who in ("office", "office_head"):
        assert list(selectors.todo(h.p[who])) == [waiting]
    assert waiting not in selectors.todo(h.p["supervisor"])


def test_the_lead_has_a_dispatched_matter_on_its_to_do_and_so_does_the_co_organizer(h):
    matter = raise_matter(h, state=State.DISPATCHED, co_departments=[h.d["MZB"]])
    assert matter in selectors.todo(h.p["xxk_head"])
    assert matter in selectors.todo(h.p["xxk_liaison"])
    assert matter not in selectors.todo(h.p["xxk_staff"])
    assert matter in selectors.todo(h.p["mzb_liaison"])
    assert matter not in selectors.todo(h.p["office"])
    services.contribute(matter, h.p["mzb_liaison"], text="已配合")
    assert matter not in selectors.todo(h.p["mzb_liaison"])


def test_a_reply_puts_the_matter_on_the_originators_to_do(h):
    matter = raise_matter(h, state=State.ACCEPTED)
    assert matter not in selectors.todo(h.p["yjk_liaison"])
    services.reply(matter, h.p["xxk_head"], text="已处理")
    assert matter in selectors.todo(h.p["yjk_liaison"])
    assert matter not in selectors.todo(h.p["xxk_head"])


def test_an_extension_request_waits_on_the_dispatcher_and_the_leader_in_charge(h):
    matter = raise_matter(h, state=State.ACCEPTED)
    assert matter not in selectors.todo(h.p["vp"])
    services.request_extension(matter, h.p["xxk_liaison"], due=in_days(30), reason="等配件")
    assert matter in selectors.todo(h.p["office"])  # the dispatcher
    assert matter in selectors.todo(h.p["vp"])  # leader in charge of 信息科
    assert matter not in selectors.todo(h.p["secretary"])
    services.decide_extension(matter, h.p["vp"], approve=True)
    assert matter not in selectors.todo(h.p["vp"])


def test_the_leading_group_has_what_reached_the_top_on_its_to_do(h):
    matter = raise_matter(h, state=State.DISPATCHED)
    for who in ("xxk_head", "xxk_head", "office"):
        matter = services.escalate(matter, h.p[who], reason="协调困难")
    assert matter in selectors.todo(h.p["vp"])  # level 3: the leader in charge
    assert matter not in selectors.todo(h.p["group_member"])
    services.escalate(matter, h.p["vp"], reason="需领导小组研究")
    for who in ("president", "group_member", "group_office_head"):
        assert matter in selectors.todo(h.p[who]), who


def test_closed_matters_leave_every_to_do(h):
    matter = raise_matter(h, state=State.CLOSED)
    for person in h.p.values():
        assert matter not in selectors.todo(person)


def test_raised_by_lists_my_own_matters_drafts_included(h):
    mine = [raise_matter(h, state=State.DRAFT), raise_matter(h, state=State.CLOSED)]
    raise_matter(h, originator="mzb_liaison")
    assert set(selectors.raised_by(h.p["yjk_liaison"])) == set(mine)
    assert list(selectors.raised_by(h.p["yjk_staff"])) == []


def test_the_department_queue_holds_open_matters_it_owns_leads_or_co_organizes(h):
    led = raise_matter(h, state=State.ACCEPTED)
    co = raise_matter(h, state=State.DISPATCHED, lead=h.d["ZWK"], co_departments=[h.d["XXK"]])
    raise_matter(h, state=State.CLOSED)
    raise_matter(h)  # waits at the office
    assert set(selectors.department_queue([h.d["XXK"].pk])) == {led, co}
    assert set(selectors.department_queue([h.d["YB"].pk])) == set(selectors.todo(h.p["office"]))


def test_filters_and_chinese_search(h):
    first = raise_matter(h, state=State.ACCEPTED, title="门诊叫号屏黑屏")
    second = raise_matter(h, title="药房冷库温度报警", urgency="urgent")
    everything = selectors.visible_matters(h.p["office"])
    assert list(selectors.filter_matters(everything, MatterFilter(q="叫号"))) == [first]
    assert list(selectors.filter_matters(everything, MatterFilter(q="冷库 报警"))) == [second]
    assert list(selectors.filter_matters(everything, MatterFilter(q=second.number))) == [second]
    assert list(selectors.filter_matters(everything, MatterFilter(state="accepted"))) == [first]
    assert set(selectors.filter_matters(everything, MatterFilter(state="open"))) == {
        first,
        second,
    }
    assert list(selectors.filter_matters(everything, MatterFilter(department="XXK"))) == [first]
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    assert list(selectors.filter_matters(everything, MatterFilter(created_from=tomorrow))) == []
