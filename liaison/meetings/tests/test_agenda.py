"""The agenda (议题): proposals until the cut-off, acceptance and order by the
organizers, time slots, pre-briefings (通气) for the people named only, open actions of
the previous meeting, and matters escalated to the leading group landing by themselves."""

import datetime

import pytest
import time_machine

from liaison.matters import services as matters
from liaison.matters.models import EscalationLevel, State
from liaison.matters.services import InvalidInput, NotAllowed, WrongState
from liaison.matters.tests.factories import MatterFactory, in_days
from liaison.meetings import selectors, services
from liaison.meetings.models import (
    Attendance,
    EventType,
    ItemSource,
    ItemState,
)
from liaison.org.roles import default_responsible

from .factories import SeriesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(h, room):
    """信息科's weekly meeting: 信息科 and 门诊部 (heads) attend, 沈院长 chairs."""
    return SeriesFactory(
        by=h.p["xxk_head"],
        organizer=h.d["XXK"],
        room=room,
        chair=h.p["president"],
        departments=[(h.d["XXK"], Attendance.BOTH), (h.d["MZB"], Attendance.HEAD)],
    )


@pytest.fixture
def meeting(series):
    return series.meetings.order_by("start").first()


def propose(meeting, person, title="门诊叫号系统改造", **kwargs):
    return services.propose_item(meeting, person, services.ItemInput(title=title, **kwargs))


def test_a_participating_department_proposes_and_the_organizer_accepts(h, meeting):
    item = propose(meeting, h.p["mzb_head"], minutes=20)
    assert item.state == ItemState.PROPOSED and item.department == h.d["MZB"]
    services.decide_item(item, h.p["xxk_head"], accept=True)
    item.refresh_from_db()
    assert item.state == ItemState.ACCEPTED
    types = list(meeting.events.values_list("type", flat=True))
    assert EventType.ITEM_PROPOSED in types and EventType.ITEM_ACCEPTED in types


def test_it_refuses_a_proposal_after_the_cutoff_but_the_organizer_may_still_add(h, meeting):
    with time_machine.travel(meeting.cutoff + datetime.timedelta(minutes=1)):
        with pytest.raises(WrongState, match="closed"):
            propose(meeting, h.p["mzb_head"])
        item = propose(meeting, h.p["xxk_head"], title="临时议题")
    assert item.state == ItemState.ACCEPTED


def test_the_cutoff_is_set_per_meeting(h, meeting):
    earlier = meeting.start - datetime.timedelta(days=3)
    services.set_agenda_cutoff(meeting, h.p["xxk_head"], earlier)
    meeting.refresh_from_db()
    assert meeting.cutoff == earlier
    with pytest.raises(InvalidInput):
        services.set_agenda_cutoff(
            meeting, h.p["xxk_head"], meeting.start + datetime.timedelta(hours=1)
        )
    with pytest.raises(NotAllowed):
        services.set_agenda_cutoff(meeting, h.p["mzb_head"], earlier)


def test_someone_not_invited_cannot_propose(h, meeting):
    with pytest.raises(NotAllowed):
        propose(meeting, h.p["outsider"])


def test_a_declined_item_needs_a_reason(h, meeting):
    item = propose(meeting, h.p["mzb_head"])
    with pytest.raises(InvalidInput):
        services.decide_item(item, h.p["xxk_head"], accept=False)
    services.decide_item(item, h.p["xxk_head"], accept=False, reason="下次会议讨论")
    item.refresh_from_db()
    assert item.state == ItemState.DECLINED and item.decline_reason == "下次会议讨论"


def test_order_and_slots_follow_the_accepted_items(h, meeting):
    first = propose(meeting, h.p["xxk_head"], title="甲", minutes=15)
    second = propose(meeting, h.p["xxk_head"], title="乙", minutes=30)
    services.order_agenda(meeting, h.p["xxk_head"], [second.pk, first.pk])
    rows = selectors.agenda_of(meeting, h.p["xxk_head"])
    assert [r.item.title for r in rows] == ["乙", "甲"]
    assert rows[0].start == meeting.start
    assert rows[1].start == meeting.start + datetime.timedelta(minutes=30)
    with pytest.raises(InvalidInput):
        services.order_agenda(meeting, h.p["xxk_head"], [first.pk])


def test_the_prebriefing_is_read_only_by_the_people_named_and_its_author(h, meeting):
    item = propose(
        meeting,
        h.p["mzb_head"],
        prebriefing="涉及人员调整，会前请院长先了解。",
        prebriefed=(h.p["president"],),
    )
    by = {key: selectors.agenda_of(meeting, h.p[key])[0].prebriefing for key in h.p}
    assert by["president"] == by["mzb_head"] == "涉及人员调整，会前请院长先了解。"
    assert by["xxk_head"] == "" and by["outsider"] == ""
    # The timeline says who proposed what, never what the pre-briefing says.
    assert "涉及人员调整" not in str(list(meeting.events.values_list("data", flat=True)))
    assert item.prebriefing_by == h.p["mzb_head"]


def test_a_prebriefing_names_its_readers(h, meeting):
    with pytest.raises(InvalidInput):
        propose(meeting, h.p["mzb_head"], prebriefing="先通个气")


def escalate_to_the_top(matter):
    while matter.escalation_level < EscalationLevel.LEADING_GROUP:
        holder = matter.responsible_person if matter.state == State.ESCALATED else None
        matter = matters.escalate(
            matter, holder or default_responsible(matter.lead_department), reason="协调不下"
        )
    return matter


def test_a_matter_escalated_to_the_leading_group_lands_on_its_next_meeting(h, room):
    group_series = SeriesFactory(
        by=h.p["office_head"],
        organizer=h.d["YB"],
        room=room,
        chair=h.p["president"],
        departments=[(h.d["YB"], Attendance.HEAD)],
        for_leading_group=True,
    )
    matter = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED)
    matter = escalate_to_the_top(matter)
    upcoming = group_series.meetings.order_by("start").first()
    item = upcoming.agenda.get()
    assert item.matter == matter and item.source == ItemSource.ESCALATED
    assert item.state == ItemState.ACCEPTED
    assert upcoming.events.filter(type=EventType.ITEM_ESCALATED).exists()


def test_without_a_leading_group_series_escalation_goes_on_as_before(h, meeting):
    matter = escalate_to_the_top(MatterFactory(originator=h.p["mzb_staff"], by=h, state="accepted"))
    assert matter.escalation_level == EscalationLevel.LEADING_GROUP
    assert not meeting.agenda.exists()


def hold(meeting, chair, recorder, decisions):
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=90)):
        services.save_minutes(
            meeting,
            recorder,
            services.MinutesInput(summary="会议讨论了叫号系统。", decisions=tuple(decisions)),
        )
        return services.approve_minutes(meeting, chair)


def test_open_actions_of_the_previous_meeting_come_up_again_with_their_state(h, series):
    first, second = series.meetings.order_by("start")[:2]
    hold(
        first,
        h.p["president"],
        h.p["xxk_head"],
        [
            services.DecisionInput("更换叫号服务器", h.d["XXK"], h.p["xxk_staff"], in_days(30)),
            services.DecisionInput("导诊培训", h.d["MZB"], h.p["mzb_head"], in_days(30)),
        ],
    )
    previous, decisions = selectors.carried_actions(second, h.p["president"])
    assert previous == first
    assert [d.title for d in decisions] == ["更换叫号服务器", "导诊培训"]
    assert all(d.matter.state == State.DISPATCHED for d in decisions)


def test_whoever_cannot_read_a_prebriefing_cannot_change_it(h, meeting):
    item = propose(
        meeting, h.p["mzb_head"], prebriefing="只给院长看", prebriefed=(h.p["president"],)
    )
    services.decide_item(item, h.p["xxk_head"], accept=True)
    services.arrange_item(
        item, h.p["xxk_head"], services.ItemInput(title=item.title, minutes=25, prebriefing="")
    )
    item.refresh_from_db()
    assert item.minutes == 25
    assert item.prebriefing == "只给院长看" and list(item.prebriefed.all()) == [h.p["president"]]


def test_an_organization_has_one_leading_group_series(h, room):
    SeriesFactory(by=h.p["office_head"], organizer=h.d["YB"], room=room, for_leading_group=True)
    with pytest.raises(InvalidInput, match="already the leading group"):
        SeriesFactory(by=h.p["office_head"], organizer=h.d["YB"], room=room, for_leading_group=True)


def test_the_sweep_climbing_to_the_leading_group_puts_it_on_the_agenda_too(h, room):
    group_series = SeriesFactory(
        by=h.p["office_head"],
        organizer=h.d["YB"],
        room=room,
        departments=[(h.d["YB"], Attendance.HEAD)],
        for_leading_group=True,
    )
    matter = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED)
    while matter.escalation_level < EscalationLevel.LEADER_IN_CHARGE:
        holder = matter.responsible_person if matter.state == State.ESCALATED else None
        matter = matters.escalate(
            matter, holder or default_responsible(matter.lead_department), reason="协调不下"
        )
    # The leader in charge decides nothing in time: the sweep climbs to the leading group.
    later = matter.next_check_at + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        matters.check_clocks([matter.pk], now=later)
    matter.refresh_from_db()
    assert matter.escalation_level == EscalationLevel.LEADING_GROUP
    item = group_series.meetings.filter(start__gt=later).order_by("start").first().agenda.get()
    assert item.matter == matter and item.proposed_by is None


def test_a_new_presenter_is_on_the_timeline_by_employee_number(h, meeting):
    item = propose(meeting, h.p["mzb_head"], minutes=20)
    services.decide_item(item, h.p["xxk_head"], accept=True)
    services.arrange_item(
        item,
        h.p["xxk_head"],
        services.ItemInput(title=item.title, presenter=h.p["mzb_staff"], minutes=20),
    )
    event = meeting.events.get(type=EventType.ITEM_ARRANGED)
    assert event.data["changes"] == {"presenter": [None, h.p["mzb_staff"].employee_number]}
