"""Editing drafts, links between matters, and extension requests that lapse when a matter
leaves the department that asked: the rules at the service level."""

import datetime

import pytest
from django.utils import translation

from liaison.matters import selectors, services
from liaison.matters.models import (
    EventType,
    ExtensionState,
    LinkKind,
    Matter,
    MatterLink,
    State,
)
from liaison.matters.services import Action, InvalidInput, MatterInput, NotAllowed, WrongState

from .factories import MatterFactory, build_hospital, changes_nothing, in_days, seeded_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def h():
    return build_hospital()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def draft_of(h, person="yjk_liaison", **kwargs):
    data = MatterInput(title="药房叫号屏不亮", kind=seeded_kind(h.organization), **kwargs)
    return services.create_matter(h.p[person], data)


def edited(matter, **changes) -> MatterInput:
    values = {
        "title": matter.title,
        "kind": matter.kind,
        "description": matter.description,
        "urgency": matter.urgency,
        "originator_department": matter.originator_department,
        "lead_department": matter.lead_department,
        "co_departments": tuple(c.department for c in matter.co_organizers.all()),
        "due": matter.due,
    }
    values.update(changes)
    return MatterInput(**values)


# Drafts.


def test_the_originator_edits_a_draft_and_the_timeline_says_what_changed(h):
    matter = draft_of(h)
    matter = services.edit_draft(
        matter,
        h.p["yjk_liaison"],
        edited(
            matter,
            title="药房叫号屏黑屏",
            urgency="urgent",
            lead_department=h.d["XXK"],
            co_departments=(h.d["ZWK"],),
            due=in_days(3),
        ),
    )
    matter.refresh_from_db()
    assert matter.title == "药房叫号屏黑屏"
    assert matter.urgency == "urgent"
    assert matter.lead_department == h.d["XXK"]
    assert matter.relation == "horizontal"
    assert [c.department for c in matter.co_organizers.all()] == [h.d["ZWK"]]
    event = matter.events.get(type=EventType.EDITED)
    assert set(event.data["fields"]) == {
        "title",
        "urgency",
        "lead_department",
        "co_departments",
        "due",
    }
    assert event.actor == h.p["yjk_liaison"] and event.to_state == ""


def test_an_edit_that_changes_nothing_leaves_no_event(h):
    matter = draft_of(h)
    services.edit_draft(matter, h.p["yjk_liaison"], edited(matter))
    assert not matter.events.filter(type=EventType.EDITED).exists()


def test_a_new_kind_gives_the_draft_a_number_with_the_kind_prefix(h):
    matter = draft_of(h)
    assert matter.number.startswith("XT-")
    matter = services.edit_draft(
        matter, h.p["yjk_liaison"], edited(matter, kind=seeded_kind(h.organization, "contact_form"))
    )
    assert matter.number.startswith("LX-")
    event = matter.events.get(type=EventType.EDITED)
    assert event.data["previous_number"].startswith("XT-")


def test_an_edited_draft_submits_to_its_new_lead(h):
    matter = draft_of(h)
    matter = services.edit_draft(
        matter, h.p["yjk_liaison"], edited(matter, lead_department=h.d["ZWK"])
    )
    matter = services.submit_matter(matter, h.p["yjk_liaison"])
    assert matter.state == State.DISPATCHED
    assert matter.owner_department == h.d["ZWK"]


@pytest.mark.parametrize("who", ["yjk_head", "office", "xxk_head"])
def test_only_the_originator_edits_a_draft(h, who):
    matter = draft_of(h)
    with changes_nothing(matter), pytest.raises((NotAllowed, WrongState)):
        services.edit_draft(matter, h.p[who], edited(matter, title="改个标题"))


def test_a_submitted_matter_is_no_longer_editable(h):
    matter = draft_of(h)
    matter = services.submit_matter(matter, h.p["yjk_liaison"])
    with changes_nothing(matter), pytest.raises(WrongState) as refused:
        services.edit_draft(matter, h.p["yjk_liaison"], edited(matter, title="改个标题"))
    assert "Submitted by" in refused.value.message
    assert Action.EDIT not in services.allowed_actions(h.p["yjk_liaison"], matter)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "  "}, "needs a title"),
        ({"due": datetime.date(2020, 1, 1)}, "cannot be in the past"),
        ({"lead_department": "SWJW"}, "external unit cannot lead"),
        ({"originator_department": "XXK"}, "only for a department you work in"),
    ],
)
def test_a_bad_edit_is_refused_and_changes_nothing(h, changes, message):
    matter = draft_of(h)
    changes = {
        key: h.d[value] if key.endswith("department") else value for key, value in changes.items()
    }
    with changes_nothing(matter), pytest.raises(InvalidInput) as refused:
        services.edit_draft(matter, h.p["yjk_liaison"], edited(matter, **changes))
    assert message in refused.value.message


# Links.


def test_linking_records_the_link_on_both_timelines(h):
    first = MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.ACCEPTED)
    second = MatterFactory(originator=h.p["mzb_liaison"], by=h, state=State.SUBMITTED)
    link = services.link(
        second, h.p["office"], target_number=first.number.lower(), kind=LinkKind.DUPLICATE_OF
    )
    assert (link.source, link.target, link.kind) == (second, first, LinkKind.DUPLICATE_OF)
    assert second.events.get(type=EventType.LINKED).data == {
        "kind": "duplicate_of",
        "target": first.number,
    }
    assert first.events.get(type=EventType.LINKED).data == {
        "kind": "duplicate_of",
        "source": second.number,
    }
    seen = selectors.links_of(first, h.p["office"])
    assert [(x.direction, x.matter, str(x.label)) for x in seen] == [
        ("incoming", second, "Duplicated by")
    ]


def test_a_link_shows_only_matters_the_person_sees(h):
    theirs = MatterFactory(originator=h.p["mzb_liaison"], by=h, state=State.ACCEPTED)
    mine = MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.ACCEPTED)
    services.link(mine, h.p["office"], target_number=theirs.number, kind=LinkKind.RELATED)
    assert selectors.links_of(mine, h.p["yjk_liaison"]) == []
    assert [x.matter for x in selectors.links_of(mine, h.p["office"])] == [theirs]


def test_nobody_links_to_a_matter_they_cannot_see(h):
    theirs = MatterFactory(originator=h.p["mzb_liaison"], by=h, state=State.ACCEPTED)
    mine = MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.ACCEPTED)
    with changes_nothing(mine), pytest.raises(InvalidInput) as refused:
        services.link(mine, h.p["yjk_liaison"], target_number=theirs.number, kind=LinkKind.RELATED)
    assert f"no matter {theirs.number} that you can see" in refused.value.message


@pytest.mark.parametrize(
    ("target", "kind", "message"),
    [
        ("self", LinkKind.RELATED, "cannot be linked to itself"),
        ("", LinkKind.RELATED, "Enter the number"),
        ("XT-1999-000001", LinkKind.RELATED, "no matter XT-1999-000001"),
        ("other", "sibling_of", "Unknown kind of link"),
        ("other", LinkKind.RELATED, "already linked"),  # linked the other way round
    ],
)
def test_bad_links_are_refused(h, target, kind, message):
    matter = MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.ACCEPTED)
    other = MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.ACCEPTED)
    services.link(other, h.p["office"], target_number=matter.number, kind=LinkKind.CHILD_OF)
    number = {"self": matter.number, "other": other.number}.get(target, target)
    with changes_nothing(matter), pytest.raises(InvalidInput) as refused:
        services.link(matter, h.p["office"], target_number=number, kind=kind)
    assert message in refused.value.message


def test_part_of_links_cannot_form_a_cycle(h):
    a, b, c = (
        MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.ACCEPTED) for _ in "abc"
    )
    services.link(b, h.p["office"], target_number=a.number, kind=LinkKind.CHILD_OF)
    services.link(c, h.p["office"], target_number=b.number, kind=LinkKind.CHILD_OF)
    with changes_nothing(a), pytest.raises(InvalidInput) as refused:
        services.link(a, h.p["office"], target_number=c.number, kind=LinkKind.CHILD_OF)
    assert "already part of" in refused.value.message


def test_who_may_link(h):
    matter = MatterFactory(
        originator=h.p["yjk_liaison"], by=h, state=State.ACCEPTED, co_departments=[h.d["ZWK"]]
    )
    may = {
        who
        for who in ("yjk_liaison", "xxk_staff", "zwk_liaison", "office", "vp", "outsider")
        if Action.LINK in services.allowed_actions(h.p[who], matter)
    }
    # Originator, the lead's and co-organizer's people and the coordinating office; the
    # leader in charge sees it but does not handle it.
    assert may == {"yjk_liaison", "xxk_staff", "zwk_liaison", "office"}


def test_unlinking_removes_the_link_from_either_side(h):
    a = MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.ACCEPTED)
    b = MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.ACCEPTED)
    services.link(a, h.p["office"], target_number=b.number, kind=LinkKind.RELATED)
    services.unlink(b, h.p["yjk_liaison"], target_number=a.number)
    assert not MatterLink.objects.exists()
    assert a.events.filter(type=EventType.UNLINKED).count() == 1
    assert b.events.filter(type=EventType.UNLINKED).count() == 1
    with pytest.raises(InvalidInput) as refused:
        services.unlink(b, h.p["yjk_liaison"], target_number=a.number)
    assert "is not linked to" in refused.value.message


def test_an_archived_matter_takes_no_new_links(h):
    a = MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.CLOSED)
    b = MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.ACCEPTED)
    Matter.objects.filter(pk=a.pk).update(state=State.ARCHIVED)
    a.refresh_from_db()
    with changes_nothing(a), pytest.raises(WrongState):
        services.link(a, h.p["yjk_liaison"], target_number=b.number, kind=LinkKind.RELATED)


# Extension requests that lapse.


def waiting_extension(h):
    matter = MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.ACCEPTED)
    request = services.request_extension(
        matter, h.p["xxk_liaison"], due=in_days(30), reason="等配件到货"
    )
    return matter, request


@pytest.mark.parametrize(
    ("act", "event_type"),
    [
        (
            lambda h, m: services.transfer(m, h.p["xxk_head"], lead=h.d["ZWK"], reason="归总务"),
            EventType.TRANSFERRED,
        ),
        (
            lambda h, m: services.escalate(m, h.p["xxk_head"], reason="协调不下来"),
            EventType.ESCALATED,
        ),
        (
            lambda h, m: services.dispatch(m, h.p["office"], lead=h.d["ZWK"]),
            EventType.DISPATCHED,
        ),
    ],
)
def test_a_waiting_extension_lapses_when_the_matter_leaves_the_lead(h, act, event_type):
    matter, request = waiting_extension(h)
    due = matter.due
    matter = act(h, matter)
    request.refresh_from_db()
    assert request.state == ExtensionState.LAPSED
    assert request.decided_by is None and request.decided_at is not None
    event = matter.events.filter(type=event_type).last()
    assert event.data["extension_lapsed"] == in_days(30).isoformat()
    assert Action.DECIDE_EXTENSION not in services.allowed_actions(h.p["office"], matter)
    if event_type != EventType.DISPATCHED:
        assert matter.due == due


def test_a_waiting_extension_survives_the_reply(h):
    matter, request = waiting_extension(h)
    services.reply(matter, h.p["xxk_head"], text="已修好")
    request.refresh_from_db()
    assert request.state == ExtensionState.PENDING
