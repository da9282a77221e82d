"""The demo meetings: the seeds' cadences with coming meetings, a moved and a cancelled
meeting, and an emergency meeting with confirmations; made through the services, once."""

import pytest
from django.utils import timezone

from liaison.matters.demo import build_demo_matters
from liaison.meetings import selectors
from liaison.meetings.demo import build_demo_meetings
from liaison.meetings.models import AgendaItem, MeetingKind, MeetingSeries, MeetingState
from liaison.org.demo import build_demo_hospital

pytestmark = pytest.mark.django_db


def test_the_demo_hospital_meets_at_the_seeds_cadences():
    organization = build_demo_hospital()
    build_demo_matters(organization, count=30)
    made = build_demo_meetings(organization)
    rules = {s.kind: s.rule for s in made}
    assert rules == {
        MeetingKind.COORDINATION: "FREQ=YEARLY;BYMONTH=1,7;BYDAY=3TH",  # twice a year
        MeetingKind.LOCAL_DISCUSSION: "FREQ=MONTHLY;INTERVAL=2;BYDAY=2WE",  # every 2 months
        MeetingKind.WEEKLY_MANAGEMENT: "FREQ=WEEKLY;BYDAY=MO",
        MeetingKind.PROJECT: "FREQ=WEEKLY;BYDAY=FR",  # Friday project meeting
        MeetingKind.QUALITY: "FREQ=MONTHLY;BYDAY=-1TH",  # monthly quality meeting
    }
    now = timezone.now()
    for series in made:
        assert series.meetings.filter(start__gt=now, state=MeetingState.SCHEDULED).exists()
    coordination = next(s for s in made if s.kind == MeetingKind.COORDINATION)
    assert coordination.participants.count() >= 40  # every internal department's head
    assert sum(s.meetings.filter(state=MeetingState.CANCELLED).count() for s in made) == 1
    assert sum(1 for s in made for m in s.meetings.all() if m.is_moved) == 1
    emergency = selectors.meetings_in(selectors.Scope(organization)).get(is_emergency=True)
    assert emergency.matter is not None and emergency.matter.is_open
    assert emergency.calls.filter(confirmed_at__isnull=False).count() == 2
    # The demo login 信息科 head sees their meetings in their own calendar.
    zhuren = organization.people.get(user__username="zhuren")
    assert selectors.upcoming_for(zhuren)
    # The last management meeting was held; its decisions became matters, which the
    # next meeting carries; a coming one has items proposed, one pre-briefed to the chair.
    management = next(s for s in made if s.kind == MeetingKind.WEEKLY_MANAGEMENT)
    held = management.meetings.get(state=MeetingState.HELD)
    minutes = held.minutes
    assert minutes.is_approved and held.agenda.count() == 2
    assert held.attendance.filter(presence="absent").exists()
    decisions = list(minutes.decisions.select_related("matter"))
    assert len(decisions) == 3 and all(d.matter.is_open for d in decisions)
    assert minutes.receipts.filter(read_at__isnull=False).count() == 4
    following = management.meetings.filter(start__gt=held.start).exclude(state="cancelled")
    previous, carried = selectors.carried_actions(
        following.order_by("start").first(), minutes.recorder
    )
    assert previous == held and len(carried) == 3
    proposed = AgendaItem.objects.filter(meeting__series=management, state="proposed")
    assert proposed.count() == 2 and proposed.exclude(prebriefing="").count() == 1
    assert MeetingSeries.objects.get(for_leading_group=True, organization=organization) == (
        next(s for s in made if s.kind == MeetingKind.COORDINATION)
    )
    assert build_demo_meetings(organization) == []  # once
    assert MeetingSeries.objects.filter(organization=organization).count() == 5
